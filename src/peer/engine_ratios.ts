/**
 * One TF.js engine against Keras on one model: the ratios of its figures
 * over Keras's (below 1 for a time: TF.js is faster), each time ratio with
 * its 95% bootstrap interval and verdict, and the accuracy gap.
 *
 * @module
 */
import { type Interval, median } from "../_util/stats.ts";
import { ratioInterval, type Verdict, verdictOf } from "../compare/verdict.ts";
import type { SideMeasures, SideSummary } from "./side_summary.ts";

/** A ratio of one engine's times over Keras's: its 95% interval and verdict for TF.js. */
export interface PeerVerdict {
  /** The ratio of the pooled medians. */
  ratio: number;
  /** 95% percentile-bootstrap interval, each side's pooled samples resampled on their own. */
  interval: Interval;
  /** For TF.js: `faster` when its whole interval lies below the band. */
  verdict: Verdict;
}

/** One TF.js engine of one model against Keras. */
export interface PeerEngineSummary {
  /** The engine (`src/engines/registry.ts`). */
  engine: string;
  /** TF.js with this engine on the tensorflow backend. */
  tfjs: SideSummary;
  /** This engine over Keras, for times (below 1: TF.js is faster). */
  ratios: {
    epochSeconds: number;
    batch1P50: number;
    batchedSecondsPerImage: number;
    /** Peak resident set in training, TF.js over Keras; null where a side did not measure it. */
    trainingPeakMemory?: number | null;
    /** Training seconds to the highest target both sides reached, TF.js over Keras; null when none. */
    timeToAccuracy?: { target: number; ratio: number } | null;
    /** Joules per epoch, TF.js over Keras; null without a meter on both sides. */
    joulesPerEpoch?: number | null;
    /**
     * The time ratios with their intervals and verdicts, over the pooled
     * samples (null where a side recorded none); absent in older summaries.
     */
    verdicts?: {
      epochSeconds: PeerVerdict | null;
      batch1: PeerVerdict | null;
      batchedSecondsPerImage: PeerVerdict | null;
    };
  };
  /** This engine's test accuracy minus Keras's, in percentage points. */
  accuracyGapPoints: number;
}

/** `engine`'s side over Keras's: the ratios of their figures, with intervals and verdicts. */
export function engineSummary(
  engine: string,
  tfjs: SideSummary,
  keras: SideSummary,
): PeerEngineSummary {
  const [t, k] = [tfjs.measures, keras.measures];
  return {
    engine,
    tfjs,
    ratios: {
      epochSeconds: tfjs.epochSeconds / keras.epochSeconds,
      batch1P50: tfjs.batch1P50Ms / keras.batch1P50Ms,
      batchedSecondsPerImage: keras.batchedImagesPerSecond / tfjs.batchedImagesPerSecond,
      trainingPeakMemory: ratioOf(t?.trainingPeakBytes, k?.trainingPeakBytes),
      timeToAccuracy: timeToAccuracyRatio(t, k),
      joulesPerEpoch: ratioOf(t?.joulesPerEpoch, k?.joulesPerEpoch),
      verdicts: {
        epochSeconds: peerVerdict(tfjs.samples?.epochSeconds, keras.samples?.epochSeconds),
        batch1: peerVerdict(tfjs.samples?.batch1Ms, keras.samples?.batch1Ms),
        batchedSecondsPerImage: peerVerdict(
          tfjs.samples?.batchedMs,
          keras.samples?.batchedMs,
          (keras.batchedBatchSize ?? 1) / (tfjs.batchedBatchSize ?? 1),
        ),
      },
    },
    accuracyGapPoints: (tfjs.testAccuracy - keras.testAccuracy) * 100,
  };
}

/**
 * TF.js's samples over Keras's: the ratio of medians, its interval and
 * verdict; `scale` multiplies both (per-image figures at different batch
 * sizes). Null where either side has fewer than two samples.
 */
function peerVerdict(
  tfjs: readonly number[] | undefined,
  keras: readonly number[] | undefined,
  scale = 1,
): PeerVerdict | null {
  const interval = ratioInterval(tfjs, keras, scale);
  if (!interval) return null;
  return {
    ratio: (median(tfjs!) / median(keras!)) * scale,
    interval,
    verdict: verdictOf(interval),
  };
}

function ratioOf(a: number | null | undefined, b: number | null | undefined): number | null {
  return a === null || a === undefined || b === null || b === undefined || b === 0 ? null : a / b;
}

/** The highest target both sides reached in every run, and TF.js's median training seconds over Keras's. */
function timeToAccuracyRatio(
  tfjs: SideMeasures | undefined,
  keras: SideMeasures | undefined,
): { target: number; ratio: number } | null {
  if (!tfjs || !keras) return null;
  const both = tfjs.timeToAccuracy.filter((t) => {
    const k = keras.timeToAccuracy.find((x) => x.target === t.target);
    return t.reached === t.runs && t.trainSeconds !== null && k !== undefined &&
      k.reached === k.runs && k.trainSeconds !== null;
  });
  const best = both.at(-1);
  if (!best) return null;
  const k = keras.timeToAccuracy.find((x) => x.target === best.target)!;
  return { target: best.target, ratio: best.trainSeconds! / k.trainSeconds! };
}
