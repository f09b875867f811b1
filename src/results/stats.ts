/**
 * The summary of a run's epoch times: the median and spread rather than the
 * mean, because a shared machine's noise is one-sided (a run is only ever
 * slowed). Percentiles themselves are in `src/_util/stats.ts`.
 *
 * @module
 */
import { percentile } from "../_util/stats.ts";
import type { RunRecord } from "./schema.ts";

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
