/**
 * Speed-ups between the rows of a comparison: training images/s of a row
 * over its base's (the baseline backend with the same engine, or the `tfjs`
 * engine on the same backend), with the 95% bootstrap interval and verdict.
 *
 * @module
 */
import { bootstrapRatio } from "../_util/stats.ts";
import { MIN_SAMPLES } from "../results/stats.ts";
import type { ComparisonRow, VerdictedInterval } from "./row.ts";
import { speedupVerdict } from "./verdict.ts";

/**
 * The measured row on the same machine and model as `row` that `isBase`
 * picks, running `engine` (default: the row's own); undefined when either
 * is not measured or the row fell back.
 */
export function baseOf(
  row: ComparisonRow,
  rows: readonly ComparisonRow[],
  isBase: (r: ComparisonRow) => boolean,
  engine = row.engine,
): ComparisonRow | undefined {
  if (row.status !== "measured" || row.fellBackToCpu || row.imagesPerSecond === null) {
    return undefined;
  }
  return rows.find((r) =>
    r.machine === row.machine && r.model === row.model && r.engine === engine && isBase(r) &&
    r.status === "measured" && !r.fellBackToCpu && r.imagesPerSecond !== null
  );
}

/** Training images/s of `row` over its base's; null without a base. */
export function speedupOver(row: ComparisonRow, base: ComparisonRow | undefined): number | null {
  return base?.imagesPerSecond ? row.imagesPerSecond! / base.imagesPerSecond : null;
}

/**
 * The speed-up's 95% interval: the base's epoch seconds over the row's
 * (bootstrapped independently), scaled by their training sizes; null
 * without a base or without two steady epochs on each side.
 */
export function speedupIntervalOver(
  row: ComparisonRow,
  base: ComparisonRow | undefined,
): VerdictedInterval | null {
  const mine = row.samples?.epochSeconds;
  const theirs = base?.samples?.epochSeconds;
  if (
    !base || !mine || !theirs || mine.length < MIN_SAMPLES || theirs.length < MIN_SAMPLES ||
    !row.trainSize || !base.trainSize
  ) return null;
  const scale = row.trainSize / base.trainSize;
  const times = bootstrapRatio(theirs, mine);
  const interval = { low: times.low * scale, high: times.high * scale };
  return { ...interval, verdict: speedupVerdict(interval) };
}
