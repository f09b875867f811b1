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
  /**
   * The pair it belongs to (e.g. `TF.js`: one framework's GPU and CPU sides),
   * whose sides all train one training size; absent: one pair of every side
   * without one.
   */
  pair?: string;
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
  /** Training images per epoch (the same on every side of its pair). */
  trainSize: number;
  /** Epochs, 0 for a side that does not train. */
  epochs: number;
  /** Expected seconds, overhead included. */
  seconds: number;
}

/** How a named pair's training size was chosen for one model. */
export interface PairSize {
  model: string;
  pair: string;
  /** Training images per epoch on each of its sides. */
  trainSize: number;
  /** `data`: all the data; `budget`: the most its share of the budget fits. */
  limit: "data" | "budget";
  /** The pair's slowest training side and its expected images/s, which the size hinges on. */
  slowest?: { side: string; imagesPerSecond: number };
}

/** What {@link planBudget} decided. */
export interface BudgetPlan {
  runs: PlannedRun[];
  /** Expected seconds of the whole plan. */
  seconds: number;
  /** Each model (or pair of a model) left out, with why. */
  leftOut: string[];
  /** How each named pair's size was chosen; absent when no side names a pair. */
  pairs?: PairSize[];
}

/** A side's expected cost for one model. */
interface SideCost {
  side: string;
  ips: number;
  trains: boolean;
  overhead: number;
}

/** A pair's expected cost for one model: `fixed + perImage · n` seconds for `n` images. */
interface PairCost {
  pair: string;
  sides: SideCost[];
  fixed: number;
  perImage: number;
  /** Seconds of its smallest run. */
  smallest: number;
}

/**
 * Plans the runs. The sides of a pair (one framework's GPU and CPU sides)
 * train one training size, so that they compare like for like: never a big
 * GPU run against a small CPU run. A model's pairs share what is left of the
 * budget equally, a pair that needs less (all the data) leaving the rest to
 * the others, and none taking what another's smallest run needs; each size is
 * the largest that fits, rounded down to a multiple of 1,000 images (or of
 * 100 below 1,000). model1 comes first; each later model leaves the models
 * after it their smallest runs, where those fit. A pair whose smallest run
 * does not fit is left out with the reason (a model, when none of its pairs
 * fits).
 *
 * @throws {RangeError} For a budget, epochs or sizes that cannot make a plan; the message says which.
 */
export function planBudget(options: BudgetOptions): BudgetPlan {
  const { models, sides, epochs, maxTrainSize, minTrainSize } = options;
  checkOptions(options);
  let left = options.budgetSeconds * (options.margin ?? 0.8);
  const runs: PlannedRun[] = [];
  const leftOut: string[] = [];
  const pairSizes: PairSize[] = [];
  const costs = models.map((model) => pairCosts(model, sides, epochs, minTrainSize));
  for (const [i, model] of models.entries()) {
    const pairs = costs[i];
    const fitting = fittingPairs(pairs, left);
    // After model1, each model leaves the later ones their smallest runs where those still fit.
    let reserve = fitting.reduce((a, p) => a + p.smallest, 0);
    for (const p of i > 0 ? costs.slice(i + 1).flatMap((c) => fittingPairs(c, left)) : []) {
      if (reserve + p.smallest <= left) reserve += p.smallest;
    }
    reserve -= fitting.reduce((a, p) => a + p.smallest, 0);
    const sized = sizePairs(fitting, left - reserve, maxTrainSize, minTrainSize);
    if (sized.size === 0) {
      leftOut.push(leftOutReason(model, "", sumPairs(pairs), sides.length, left, options));
    } else {
      for (const p of pairs.filter((p) => !sized.has(p))) {
        leftOut.push(leftOutReason(model, p.pair, p, p.sides.length, left, options));
      }
    }
    for (const p of pairs) {
      const trainSize = sized.get(p);
      if (trainSize && p.pair !== "") pairSizes.push(pairSize(model, p, trainSize, maxTrainSize));
    }
    for (const s of sides) {
      const p = pairs.find((p) => p.pair === (s.pair ?? ""))!;
      const trainSize = sized.get(p);
      if (trainSize === undefined) continue;
      const r = p.sides.find((r) => r.side === s.side)!;
      const seconds = r.overhead + (epochs * trainSize) / r.ips;
      runs.push({ model, side: r.side, trainSize, epochs: r.trains ? epochs : 0, seconds });
      left -= seconds;
    }
  }
  return {
    runs,
    seconds: runs.reduce((a, r) => a + r.seconds, 0),
    leftOut,
    ...(sides.some((s) => s.pair !== undefined) ? { pairs: pairSizes } : {}),
  };
}

/** @throws {RangeError} For a budget, epochs or sizes that cannot make a plan. */
function checkOptions({ budgetSeconds, epochs, minTrainSize, maxTrainSize }: BudgetOptions) {
  if (!(budgetSeconds > 0)) {
    throw new RangeError(`budget: expected a positive number of seconds, got ${budgetSeconds}`);
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
}

/** Each pair's cost for `model`, in the order the sides first name the pairs. */
function pairCosts(
  model: string,
  sides: readonly SideRate[],
  epochs: number,
  minTrainSize: number,
): PairCost[] {
  const pairs = new Map<string, SideCost[]>();
  for (const s of sides) {
    const trains = s.trains ?? true;
    const ips = s.imagesPerSecond[model];
    if (trains && !(ips > 0)) {
      throw new RangeError(`${s.side}: expected images/s for ${model}, got ${ips}`);
    }
    const cost = {
      side: s.side,
      ips: trains ? ips : Infinity,
      trains,
      overhead: overheadOf(s, model),
    };
    const pair = s.pair ?? "";
    pairs.set(pair, [...pairs.get(pair) ?? [], cost]);
  }
  // seconds(n) = Σ overhead + epochs · n · Σ 1/ips, per pair
  return [...pairs].map(([pair, costs]) => {
    const fixed = costs.reduce((a, r) => a + r.overhead, 0);
    const perImage = epochs * costs.reduce((a, r) => a + 1 / r.ips, 0);
    return { pair, sides: costs, fixed, perImage, smallest: fixed + perImage * minTrainSize };
  });
}

/** The pairs whose smallest runs fit in `seconds` together, cheapest first. */
function fittingPairs(pairs: readonly PairCost[], seconds: number): PairCost[] {
  let used = 0;
  return [...pairs].sort((a, b) => a.smallest - b.smallest).filter((p) => {
    if (used + p.smallest > seconds) return false;
    used += p.smallest;
    return true;
  });
}

/**
 * Each pair's training size in `seconds`: equal shares, the pair that needs
 * least at all the data sized first so that what it leaves goes to the
 * others, and no pair taking what the later ones' smallest runs need.
 */
function sizePairs(
  pairs: readonly PairCost[],
  seconds: number,
  maxTrainSize: number,
  minTrainSize: number,
): Map<PairCost, number> {
  const at = (p: PairCost, n: number) => p.fixed + p.perImage * n;
  const order = [...pairs].sort((a, b) => at(a, maxTrainSize) - at(b, maxTrainSize));
  const sizes = new Map<PairCost, number>();
  let time = seconds;
  for (const [k, p] of order.entries()) {
    const later = order.slice(k + 1).reduce((a, q) => a + q.smallest, 0);
    const mine = Math.max(p.smallest, Math.min(time / (order.length - k), time - later));
    const fits = Math.min(maxTrainSize, Math.floor((mine - p.fixed) / p.perImage));
    const trainSize = Math.max(minTrainSize, roundDown(fits));
    sizes.set(p, trainSize);
    time -= at(p, trainSize);
  }
  return sizes;
}

/** All of a model's pairs as one, for the line that leaves the whole model out. */
function sumPairs(pairs: readonly PairCost[]): PairCost {
  return {
    pair: "",
    sides: pairs.flatMap((p) => p.sides),
    fixed: pairs.reduce((a, p) => a + p.fixed, 0),
    perImage: pairs.reduce((a, p) => a + p.perImage, 0),
    smallest: pairs.reduce((a, p) => a + p.smallest, 0),
  };
}

/** Why `model` (or its `pair`, when named) is left out. */
function leftOutReason(
  model: string,
  pair: string,
  cost: PairCost,
  sides: number,
  left: number,
  { epochs, minTrainSize }: BudgetOptions,
): string {
  return `${model}${pair ? `, ${pair} pair` : ""}: ${
    Math.max(0, Math.round(left))
  } s of the budget left, and its smallest run (${minTrainSize} images × ${epochs} epochs on ${sides} side${
    sides === 1 ? "" : "s"
  }) needs ${Math.round(cost.smallest)} s`;
}

/** How `pair`'s size for `model` was chosen. */
function pairSize(model: string, p: PairCost, trainSize: number, maxTrainSize: number): PairSize {
  const slowest = p.sides.filter((s) => s.trains).sort((a, b) => a.ips - b.ips)[0];
  return {
    model,
    pair: p.pair,
    trainSize,
    limit: trainSize >= maxTrainSize ? "data" : "budget",
    ...(slowest ? { slowest: { side: slowest.side, imagesPerSecond: slowest.ips } } : {}),
  };
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

/** The plan in lines, as `run.sh` prints it before it starts: each model's runs, then its pairs' sizes. */
export function describePlan(plan: BudgetPlan, budgetSeconds: number): string[] {
  const lines: string[] = [];
  for (const [i, r] of plan.runs.entries()) {
    lines.push(
      `${r.model} on ${r.side}: ${
        r.epochs === 0
          ? "inference only"
          : `${r.trainSize.toLocaleString("en-US")} training images × ${r.epochs} epochs`
      }, about ${Math.round(r.seconds)} s`,
    );
    if (plan.runs[i + 1]?.model === r.model) continue;
    for (const p of plan.pairs ?? []) if (p.model === r.model) lines.push(describePair(p));
  }
  lines.push(
    `about ${Math.round(plan.seconds)} s in all, of a budget of ${Math.round(budgetSeconds)} s`,
  );
  for (const l of plan.leftOut) lines.push(`left out: ${l}`);
  return lines;
}

/** Why a pair trains the images it does. */
function describePair(p: PairSize): string {
  const why = p.limit === "data"
    ? "all the data"
    : `the most its share of the budget fits${
      p.slowest
        ? `: ${p.slowest.side} is expected at ${
          Math.round(p.slowest.imagesPerSecond).toLocaleString("en-US")
        } images/s`
        : ""
    }`;
  return `${p.model}, ${p.pair} pair: ${
    p.trainSize.toLocaleString("en-US")
  } training images on both sides (like for like), ${why}`;
}
