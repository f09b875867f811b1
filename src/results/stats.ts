/**
 * Statistics of timings: percentiles, and the summary of a run's epoch
 * times. Medians and spreads rather than means, because a shared machine's
 * noise is one-sided (a run is only ever slowed).
 *
 * @module
 */
import type { RunRecord } from "./schema.ts";

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
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

/**
 * Epoch-time summary of a run: the median, min and max seconds per epoch. The
 * first epoch is left out when there are more, since it includes one-off
 * warm-up (kernel selection, allocations).
 */
export function epochTimes(
  run: RunRecord,
): { median: number; min: number; max: number; n: number } | null {
  const all = run.epochs.map((e) => e.trainSeconds);
  const steady = all.length > 1 ? all.slice(1) : all;
  if (steady.length === 0) return null;
  return {
    median: percentile(steady, 50),
    min: Math.min(...steady),
    max: Math.max(...steady),
    n: steady.length,
  };
}
