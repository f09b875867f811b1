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
  /** Whether the side trains (else it times inference only, in its overhead). Default true. */
  trains?: boolean;
  /** Expected training images per second, per model (unused when it does not train). */
  imagesPerSecond: Readonly<Record<string, number>>;
  /**
   * Seconds a run of one model costs beyond its epochs: start-up, evaluation,
   * inference timing; one figure for every model, or one per model.
   */
  overheadSeconds: number | Readonly<Record<string, number>>;
}

/** A side's overhead for `model`. */
function overheadOf(rate: SideRate, model: string): number {
  const o = rate.overheadSeconds;
  const seconds = typeof o === "number" ? o : o[model];
  if (!(seconds >= 0)) {
    throw new RangeError(`${rate.side}: expected overhead seconds for ${model}, got ${seconds}`);
  }
  return seconds;
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
  /** Training images per epoch (the same on every side of the model). */
  trainSize: number;
  /** Epochs, 0 for a side that does not train. */
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
 * below 1,000). model1 comes first; each later model leaves the models after
 * it their smallest runs, where those fit.
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
  // seconds(n) = Σ overhead + epochs · n · Σ 1/ips, per model
  const costs = models.map((model) => {
    const rates = sides.map((s) => {
      const trains = s.trains ?? true;
      const ips = s.imagesPerSecond[model];
      if (trains && !(ips > 0)) {
        throw new RangeError(`${s.side}: expected images/s for ${model}, got ${ips}`);
      }
      return { side: s.side, ips: trains ? ips : Infinity, trains, overhead: overheadOf(s, model) };
    });
    const fixed = rates.reduce((a, r) => a + r.overhead, 0);
    const perImage = epochs * rates.reduce((a, r) => a + 1 / r.ips, 0);
    return { rates, fixed, perImage, smallest: fixed + perImage * minTrainSize };
  });
  for (const [i, model] of models.entries()) {
    const { rates, fixed, perImage } = costs[i];
    // After model1, each model leaves the later ones their smallest runs where those still fit.
    let reserve = 0;
    for (const later of i > 0 ? costs.slice(i + 1) : []) {
      if (costs[i].smallest + reserve + later.smallest <= left) reserve += later.smallest;
    }
    const fits = Math.min(maxTrainSize, Math.floor((left - reserve - fixed) / perImage));
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
      runs.push({ model, side: r.side, trainSize, epochs: r.trains ? epochs : 0, seconds });
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

/** What one side did for one model, to plan the models after it from. */
export interface MeasuredRate {
  side: string;
  model: string;
  /** Training images per second over the steady epochs; absent for a side that does not train. */
  imagesPerSecond?: number;
  /** Seconds beyond the epochs: start-up, first-epoch extra, evaluation, inference timing. */
  overheadSeconds: number;
}

/**
 * The rates to plan the next models with: each side's expected images/s and
 * overhead for every model scaled by how far its last measured model came
 * from what was expected of it.
 */
export function updateRates(
  rates: readonly SideRate[],
  measured: readonly MeasuredRate[],
): SideRate[] {
  return rates.map((r) => {
    const last = measured.findLast((m) => m.side === r.side);
    if (!last) return r;
    const expected = r.imagesPerSecond[last.model];
    const scale = last.imagesPerSecond && expected ? last.imagesPerSecond / expected : 1;
    const expectedOverhead = overheadOf(r, last.model);
    const o = r.overheadSeconds;
    return {
      ...r,
      imagesPerSecond: mapValues(r.imagesPerSecond, (ips) => ips * scale),
      overheadSeconds: typeof o === "number" || expectedOverhead === 0
        ? last.overheadSeconds
        : mapValues(o, (seconds) => (seconds * last.overheadSeconds) / expectedOverhead),
    };
  });
}

/** `record` with `f` applied to each value. */
function mapValues(record: Readonly<Record<string, number>>, f: (x: number) => number) {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v)]));
}

/** The plan in lines, as `run.sh` prints it before it starts. */
export function describePlan(plan: BudgetPlan, budgetSeconds: number): string[] {
  const lines = plan.runs.map((r) =>
    `${r.model} on ${r.side}: ${
      r.epochs === 0
        ? "inference only"
        : `${r.trainSize.toLocaleString("en-US")} training images × ${r.epochs} epochs`
    }, about ${Math.round(r.seconds)} s`
  );
  lines.push(
    `about ${Math.round(plan.seconds)} s in all, of a budget of ${Math.round(budgetSeconds)} s`,
  );
  for (const l of plan.leftOut) lines.push(`left out: ${l}`);
  return lines;
}
