/**
 * Planning a run to a time budget (for the GPU kit's runs): which models,
 * training sizes and epochs fit in a budget such as `8m`, from each side's
 * expected training images per second. model1 is planned first, on as much
 * of the data as fits; model2 and model3 get what is left, in order, and a
 * model that cannot get even the smallest useful run is left out with the
 * reason. {@link describePlan} gives the plan as lines to print before a run.
 *
 * @module
 */

/** What one side (e.g. WebGPU, Keras on the GPU) is expected to do on the machine. */
export interface SideRate {
  /** The side's name, as the plan prints it. */
  side: string;
  /** Expected training images per second, per model. */
  imagesPerSecond: Readonly<Record<string, number>>;
  /** Seconds a run of one model costs beyond its epochs: start-up, evaluation, inference timing. */
  overheadSeconds: number;
}

/** Options of {@link planBudget}. */
export interface BudgetOptions {
  /** The whole run's budget, in seconds. */
  budgetSeconds: number;
  /** Models, in the order they are planned (model1 first). */
  models: readonly string[];
  /** The sides each model runs on, in turn. */
  sides: readonly SideRate[];
  /** Epochs of each run; the first is left out of the median, so at least 2. */
  epochs: number;
  /** The most training images the data holds. */
  maxTrainSize: number;
  /** The fewest training images worth a run: below this, a model is left out. */
  minTrainSize: number;
  /** The share of the budget planned, the rest kept for what estimates miss. Default 0.8. */
  margin?: number;
}

/** One model on one side, as planned. */
export interface PlannedRun {
  model: string;
  side: string;
  trainSize: number;
  epochs: number;
  /** Expected seconds, overhead included. */
  seconds: number;
}

/** What {@link planBudget} decided. */
export interface BudgetPlan {
  runs: PlannedRun[];
  /** Expected seconds of the whole plan. */
  seconds: number;
  /** Each model left out, with why. */
  leftOut: string[];
}

/**
 * Plans the runs. Each model runs on every side with one training size (the
 * same data on each side, so they compare), the largest that fits in what is
 * left of the budget, rounded down to a multiple of 1,000 images (or of 100
 * below 1,000).
 *
 * @throws {RangeError} For a budget, epochs or sizes that cannot make a plan; the message says which.
 */
export function planBudget(options: BudgetOptions): BudgetPlan {
  const { models, sides, epochs, maxTrainSize, minTrainSize } = options;
  const margin = options.margin ?? 0.8;
  if (!(options.budgetSeconds > 0)) {
    throw new RangeError(
      `budget: expected a positive number of seconds, got ${options.budgetSeconds}`,
    );
  }
  if (epochs < 2) {
    throw new RangeError(
      `epochs: expected at least 2 (the first is left out of the median), got ${epochs}`,
    );
  }
  if (minTrainSize > maxTrainSize) {
    throw new RangeError(
      `sizes: expected the smallest run (${minTrainSize} images) within the data (${maxTrainSize})`,
    );
  }
  let left = options.budgetSeconds * margin;
  const runs: PlannedRun[] = [];
  const leftOut: string[] = [];
  for (const model of models) {
    const rates = sides.map((s) => {
      const ips = s.imagesPerSecond[model];
      if (!(ips > 0)) throw new RangeError(`${s.side}: expected images/s for ${model}, got ${ips}`);
      return { side: s.side, ips, overhead: s.overheadSeconds };
    });
    // seconds(n) = Σ overhead + epochs · n · Σ 1/ips
    const fixed = rates.reduce((a, r) => a + r.overhead, 0);
    const perImage = epochs * rates.reduce((a, r) => a + 1 / r.ips, 0);
    const fits = Math.min(maxTrainSize, Math.floor((left - fixed) / perImage));
    const trainSize = roundDown(fits);
    if (trainSize < minTrainSize) {
      leftOut.push(
        `${model}: ${Math.max(0, Math.round(left))} s of the budget left, and its smallest run ` +
          `(${minTrainSize} images × ${epochs} epochs on ${sides.length} side${
            sides.length === 1 ? "" : "s"
          }) needs ${Math.round(fixed + perImage * minTrainSize)} s`,
      );
      continue;
    }
    for (const r of rates) {
      const seconds = r.overhead + (epochs * trainSize) / r.ips;
      runs.push({ model, side: r.side, trainSize, epochs, seconds });
      left -= seconds;
    }
  }
  return { runs, seconds: runs.reduce((a, r) => a + r.seconds, 0), leftOut };
}

function roundDown(n: number): number {
  if (n >= 1000) return Math.floor(n / 1000) * 1000;
  return Math.max(0, Math.floor(n / 100) * 100);
}

/**
 * Parses a budget: `480s`, `8m`, `1h`, `1h30m` or a bare number of seconds.
 *
 * @throws {RangeError} For anything else; the message gives the forms.
 */
export function parseBudget(value: string): number {
  const m = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s?)?$/.exec(value.trim());
  const seconds = m
    ? (Number(m[1] ?? 0) * 3600) + (Number(m[2] ?? 0) * 60) + Number(m[3] ?? 0)
    : NaN;
  if (!m || value.trim() === "" || !(seconds > 0)) {
    throw new RangeError(
      `--budget: expected a duration such as 480s, 8m, 1h or 1h30m, got ${JSON.stringify(value)}`,
    );
  }
  return seconds;
}

/** The plan in lines, as `run.sh` prints it before it starts. */
export function describePlan(plan: BudgetPlan, budgetSeconds: number): string[] {
  const lines = plan.runs.map((r) =>
    `${r.model} on ${r.side}: ${
      r.trainSize.toLocaleString("en-US")
    } training images × ${r.epochs} epochs, about ${Math.round(r.seconds)} s`
  );
  lines.push(
    `about ${Math.round(plan.seconds)} s in all, of a budget of ${Math.round(budgetSeconds)} s`,
  );
  for (const l of plan.leftOut) lines.push(`left out: ${l}`);
  return lines;
}
