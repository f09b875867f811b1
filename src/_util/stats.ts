/**
 * Statistics of timings: percentiles. Medians and spreads rather than means,
 * because a shared machine's noise is one-sided (a run is only ever slowed).
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
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}
