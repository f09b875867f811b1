/**
 * The verdict of a comparison: `faster`, `slower` or `no difference`, read
 * from the confidence interval of a ratio of times, never from its point
 * estimate. "No difference" is a stated band: a ratio whose whole interval
 * lies beyond `1 + band` is slower, one whose whole interval lies below
 * `1 / (1 + band)` is faster, anything else (an interval reaching into the
 * band, or straddling 1) is no difference.
 *
 * @module
 */
import { bootstrapRatio, type Interval } from "../_util/stats.ts";
import { MIN_SAMPLES } from "../results/stats.ts";

/** What a comparison of two times concludes. */
export type Verdict = "faster" | "slower" | "no difference";

/** The default band of "no difference": 5%, a ratio of times within 1/1.05 and 1.05. */
export const DEFAULT_BAND = 0.05;

/**
 * The verdict of a ratio of times (numerator over denominator) from its
 * interval: `slower` when its low end is above `1 + band`, `faster` when
 * its high end is below `1 / (1 + band)`.
 *
 * @throws {RangeError} For a band that is negative or not finite.
 */
export function verdictOf(interval: Interval, band = DEFAULT_BAND): Verdict {
  checkBand(band);
  if (interval.low > 1 + band) return "slower";
  if (interval.high < 1 / (1 + band)) return "faster";
  return "no difference";
}

/** @throws {RangeError} For a band that is negative or not finite. */
export function checkBand(band: number): void {
  if (!(band >= 0 && Number.isFinite(band))) {
    throw new RangeError(`verdictOf: expected a band ≥ 0, got ${band}`);
  }
}

/**
 * The verdict of a speed-up (a ratio of rates, above 1 when faster): its
 * interval inverted into a ratio of times, then {@link verdictOf}.
 */
export function speedupVerdict(interval: Interval, band = DEFAULT_BAND): Verdict {
  return verdictOf({ low: 1 / interval.high, high: 1 / interval.low }, band);
}

/**
 * The 95% bootstrap interval of `median(numerator) / median(denominator)`,
 * each side resampled on its own, times `scale`; null where either side has
 * fewer than {@link MIN_SAMPLES} samples.
 */
export function ratioInterval(
  numerator: readonly number[] | null | undefined,
  denominator: readonly number[] | null | undefined,
  scale = 1,
): Interval | null {
  if (
    !numerator || !denominator || numerator.length < MIN_SAMPLES ||
    denominator.length < MIN_SAMPLES
  ) return null;
  const raw = bootstrapRatio(numerator, denominator);
  return { low: raw.low * scale, high: raw.high * scale };
}

/**
 * The {@link ratioInterval} of a speed-up (numerator: the base's times) with
 * its {@link speedupVerdict}; null where it is null.
 */
export function speedupInterval(
  numerator: readonly number[] | null | undefined,
  denominator: readonly number[] | null | undefined,
  scale = 1,
): (Interval & { verdict: Verdict }) | null {
  const interval = ratioInterval(numerator, denominator, scale);
  return interval && { ...interval, verdict: speedupVerdict(interval) };
}

/**
 * Whether a ratio of times shows a slowdown beyond `threshold` (0.1 for
 * 10%) that its interval makes significant: the interval's low end is above
 * `1 + threshold`.
 */
export function isSignificantSlowdown(interval: Interval, threshold: number): boolean {
  return interval.low > 1 + threshold;
}

/** `1.23× [1.20–1.26]`: a ratio and its interval, in the reports' form. */
export function formatRatio(ratio: number, interval: Interval | null): string {
  const digits = (x: number) => x.toFixed(Math.abs(x) < 10 ? 2 : 1);
  return interval
    ? `${digits(ratio)}× [${digits(interval.low)}–${digits(interval.high)}]`
    : `${digits(ratio)}×`;
}
