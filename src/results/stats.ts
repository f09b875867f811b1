/**
 * The summaries of a run that comparisons stand on: its steady epoch times
 * and their median with a 95% bootstrap interval (over epochs), and its
 * batch-1 latency percentiles with the interval of their median (over
 * calls). Medians and spreads rather than means, because a shared machine's
 * noise is one-sided (a run is only ever slowed). Percentiles and the
 * bootstrap themselves are in `src/_util/stats.ts`.
 *
 * @module
 */
import { bootstrapInterval, type Interval, percentile } from "../_util/stats.ts";
import type { RunRecord } from "./schema.ts";

/** The fewest samples an interval is drawn from: one sample's bootstrap is the sample itself. */
export const MIN_SAMPLES = 2;

/**
 * The training seconds of the steady epochs: the first epoch is left out
 * when there are more, since it includes one-off warm-up (kernel selection,
 * allocations).
 */
export function steadyEpochSeconds(run: RunRecord): number[] {
  const all = run.epochs.map((e) => e.trainSeconds);
  return all.length > 1 ? all.slice(1) : all;
}

/** {@link epochTimes}' summary. */
export interface EpochTimes {
  /** Median seconds per steady epoch. */
  median: number;
  /** Fastest steady epoch. */
  min: number;
  /** Slowest steady epoch. */
  max: number;
  /** Steady epochs. */
  n: number;
  /** 95% bootstrap interval of the median over the steady epochs; null for one (it says nothing). */
  interval: Interval | null;
}

/** Epoch-time summary of a run over its steady epochs; null before an epoch is done. */
export function epochTimes(run: RunRecord): EpochTimes | null {
  const steady = steadyEpochSeconds(run);
  if (steady.length === 0) return null;
  return {
    median: percentile(steady, 50),
    min: Math.min(...steady),
    max: Math.max(...steady),
    n: steady.length,
    interval: steady.length >= MIN_SAMPLES ? bootstrapInterval(steady) : null,
  };
}

/** The 95% bootstrap interval of a batch-1 median over its calls; null when the calls were not recorded. */
export function batch1Interval(run: RunRecord): Interval | null {
  const samples = run.inference?.batch1.samplesMs;
  return samples && samples.length >= MIN_SAMPLES ? bootstrapInterval(samples) : null;
}
