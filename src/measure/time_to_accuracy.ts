/**
 * Time to accuracy, as MLPerf Training measures quality: for each target
 * validation accuracy, the training seconds and the wall seconds from the
 * start of training to the end of the first epoch whose validation accuracy
 * reached it; over repeated runs on different seeds, the median and spread,
 * leaving out the fastest and the slowest run from five runs on.
 *
 * @module
 */
import { percentile } from "../_util/stats.ts";
import type { TargetRecord, TimeToAccuracyRecord } from "./measures.ts";

/** What {@link timeToAccuracy} reads of an epoch. */
export interface EpochTimes {
  /** 1-based epoch. */
  epoch: number;
  /** Seconds of the timed training region. */
  trainSeconds: number;
  /** Wall seconds of the whole epoch (shuffle, training, validation); absent in older records. */
  wallSeconds?: number;
  /** Validation accuracy after the epoch; null without a validation split. */
  valAccuracy: number | null;
}

/**
 * Each target's first epoch and the seconds to it, from a run's epochs in
 * order. A target no epoch reached has nulls: "not reached in N epochs".
 */
export function timeToAccuracy(
  epochs: readonly EpochTimes[],
  targets: readonly number[],
): TimeToAccuracyRecord {
  return {
    epochs: epochs.length,
    targets: targets.map((target): TargetRecord => {
      const i = epochs.findIndex((e) => e.valAccuracy !== null && e.valAccuracy >= target);
      if (i < 0) return { target, epoch: null, trainSeconds: null, wallSeconds: null };
      const upTo = epochs.slice(0, i + 1);
      const walls = upTo.map((e) => e.wallSeconds);
      return {
        target,
        epoch: epochs[i].epoch,
        trainSeconds: upTo.reduce((sum, e) => sum + e.trainSeconds, 0),
        wallSeconds: walls.every((w) => w !== undefined)
          ? walls.reduce((sum: number, w) => sum + w!, 0)
          : null,
      };
    }),
  };
}

/** One target over repeated runs. */
export interface TargetSummary {
  /** The target, a fraction. */
  target: number;
  /** Runs in all. */
  runs: number;
  /** Runs that reached the target. */
  reached: number;
  /** Runs the median is over: all that reached it, less the fastest and slowest from five on. */
  counted: number;
  /** Median training seconds to the target over the counted runs; null when none reached it. */
  trainSeconds: number | null;
  /** Fastest and slowest counted run; null when none reached it. */
  trainSecondsRange: [number, number] | null;
  /** Median wall seconds over the counted runs that recorded it; null when none. */
  wallSeconds: number | null;
}

/**
 * Summarises each target over repeated runs, MLPerf-style: the runs that
 * reached it, their median training seconds and their range; from five runs
 * that reached it on, the fastest and the slowest are left out first.
 */
export function summarizeTimeToAccuracy(
  runs: readonly TimeToAccuracyRecord[],
  targets: readonly number[],
): TargetSummary[] {
  return targets.map((target) => {
    const reached = runs.map((r) => r.targets.find((t) => t.target === target))
      .filter((t): t is TargetRecord => t !== undefined && t.trainSeconds !== null)
      .sort((a, b) => a.trainSeconds! - b.trainSeconds!);
    const counted = reached.length >= 5 ? reached.slice(1, -1) : reached;
    const train = counted.map((t) => t.trainSeconds!);
    const wall = counted.map((t) => t.wallSeconds).filter((w): w is number => w !== null);
    return {
      target,
      runs: runs.length,
      reached: reached.length,
      counted: counted.length,
      trainSeconds: train.length > 0 ? percentile(train, 50) : null,
      trainSecondsRange: train.length > 0 ? [train[0], train.at(-1)!] : null,
      wallSeconds: wall.length > 0 ? percentile(wall, 50) : null,
    };
  });
}

/** A target in words: "reached at epoch 2 in 41.3 s of training (48.0 s wall)" or "not reached in 3 epochs". */
export function describeTarget(t: TargetRecord, epochs: number): string {
  if (t.epoch === null) return `not reached in ${epochs} epoch${epochs === 1 ? "" : "s"}`;
  return `epoch ${t.epoch}, ${t.trainSeconds!.toFixed(1)} s training` +
    (t.wallSeconds !== null ? ` (${t.wallSeconds.toFixed(1)} s wall)` : "");
}
