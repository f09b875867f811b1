/**
 * Statistics of timings: percentiles, and percentile-bootstrap confidence
 * intervals for a median and for a ratio of two medians. Medians and
 * spreads rather than means, because a shared machine's noise is one-sided
 * (a run is only ever slowed).
 *
 * The bootstrap is seeded, so an interval is the same every time its
 * samples are: a report rebuilt from the same results reads the same. Its
 * generator, {@link mulberry32}, is the suite's one seeded generator (Tommy
 * Ettinger, 2017): small, fast, past gjrand/PractRand far beyond what a split
 * or a bootstrap draws, and the same sequence on every platform.
 *
 * @module
 */

/**
 * The p-th percentile (0–100) by linear interpolation between closest ranks,
 * as NumPy's default does.
 *
 * @throws {RangeError} For no samples or p outside [0, 100].
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) {
    throw new RangeError("percentile: expected at least one sample, got none");
  }
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile: expected p in [0, 100], got ${p}`);
  return sortedPercentile([...samples].sort((a, b) => a - b), p);
}

/** The median (the 50th percentile) of the samples. @throws {RangeError} For no samples. */
export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

function sortedPercentile(sorted: readonly number[], p: number): number {
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

/** A two-sided confidence interval of a statistic. */
export interface Interval {
  /** Lower bound. */
  low: number;
  /** Upper bound. */
  high: number;
}

/** Options of {@link bootstrapInterval} and {@link bootstrapRatio}. */
export interface BootstrapOptions {
  /** Resamples drawn. Default 2000. */
  resamples?: number;
  /** Confidence level, in (0, 1). Default 0.95. */
  confidence?: number;
  /** Seed of the resampling. Default 1. */
  seed?: number;
}

/** {@link BootstrapOptions}' defaults, as the reports state them. */
export const BOOTSTRAP_DEFAULTS = Object.freeze({ resamples: 2000, confidence: 0.95, seed: 1 });

function checked(options: BootstrapOptions): Required<BootstrapOptions> {
  const o = { ...BOOTSTRAP_DEFAULTS, ...options };
  if (!(Number.isInteger(o.resamples) && o.resamples >= 1)) {
    throw new RangeError(`bootstrap: expected resamples ≥ 1, got ${o.resamples}`);
  }
  if (!(o.confidence > 0 && o.confidence < 1)) {
    throw new RangeError(`bootstrap: expected confidence in (0, 1), got ${o.confidence}`);
  }
  return o;
}

function resampledMedian(samples: readonly number[], random: () => number): number {
  const draw = Array.from(samples, () => samples[Math.floor(random() * samples.length)]);
  return sortedPercentile(draw.sort((a, b) => a - b), 50);
}

function bounds(statistics: number[], confidence: number): Interval {
  statistics.sort((a, b) => a - b);
  const tail = ((1 - confidence) / 2) * 100;
  return {
    low: sortedPercentile(statistics, tail),
    high: sortedPercentile(statistics, 100 - tail),
  };
}

/**
 * The percentile-bootstrap confidence interval of the median of `samples`:
 * the samples are drawn with replacement `resamples` times, and the
 * interval spans the middle `confidence` of the resampled medians. One
 * sample gives a zero-width interval at it: say how many samples there were
 * beside it.
 *
 * @throws {RangeError} For no samples or bad options.
 */
export function bootstrapInterval(
  samples: readonly number[],
  options: BootstrapOptions = {},
): Interval {
  if (samples.length === 0) {
    throw new RangeError("bootstrapInterval: expected at least one sample, got none");
  }
  const { resamples, confidence, seed } = checked(options);
  const random = mulberry32(seed);
  const medians = Array.from({ length: resamples }, () => resampledMedian(samples, random));
  return bounds(medians, confidence);
}

/**
 * The percentile-bootstrap confidence interval of
 * `median(numerator) / median(denominator)`, resampling the two sets
 * independently (they come from different runs or calls).
 *
 * @throws {RangeError} For an empty set, a denominator median of 0, or bad options.
 */
export function bootstrapRatio(
  numerator: readonly number[],
  denominator: readonly number[],
  options: BootstrapOptions = {},
): Interval {
  if (numerator.length === 0 || denominator.length === 0) {
    throw new RangeError(
      `bootstrapRatio: expected samples on both sides, got ${numerator.length} and ${denominator.length}`,
    );
  }
  const { resamples, confidence, seed } = checked(options);
  const random = mulberry32(seed);
  const ratios = Array.from({ length: resamples }, () => {
    const n = resampledMedian(numerator, random);
    const d = resampledMedian(denominator, random);
    if (d === 0) throw new RangeError("bootstrapRatio: a resampled denominator median is 0");
    return n / d;
  });
  return bounds(ratios, confidence);
}

/**
 * mulberry32: a seeded generator of uniform numbers in [0, 1), with 32 bits
 * of state (period 2^32).
 *
 * @param seed Any number; only its low 32 bits count.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
