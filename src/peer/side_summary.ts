/**
 * One side of the TF.js-against-Keras comparison (a TF.js engine, or Keras)
 * over its repeated runs of one model: medians, the spread of the runs (the
 * machine's noise), efficiency over the fp32 ceiling, the measures beyond
 * seconds, and the pooled samples the ratios' intervals come from.
 *
 * @module
 */
import type { ResultsFile } from "../results/schema.ts";
import { percentile } from "../_util/stats.ts";
import { epochTimes, steadyEpochSeconds } from "../results/stats.ts";
import { isMeasured, type Measured, type NotMeasured } from "../measure/measures.ts";
import { againstCeiling, type ModelProfiles } from "../measure/op_profile.ts";
import { summarizeTimeToAccuracy, type TargetSummary } from "../measure/time_to_accuracy.ts";

/** One run of one side. */
export interface PeerRun {
  /** Model name. */
  model: string;
  /** Which side; a TF.js run's engine is its `results.config.engine`. */
  side: "tfjs" | "keras";
  /** 1-based repeat number. */
  repeat: number;
  /** Its results (one model run). */
  results: ResultsFile;
}

/** One side of one model, over its repeats. */
export interface SideSummary {
  /** Runs summarised. */
  runs: number;
  /** Median over runs of each run's median steady epoch, in seconds. */
  epochSeconds: number;
  /** Smallest and largest of those per-run medians. */
  epochSecondsRange: [number, number];
  /** (largest − smallest) / median of the per-run epoch medians: the machine's noise. */
  noise: number;
  /** Training images per second at `epochSeconds`. */
  imagesPerSecond: number;
  /** Median batch-1 p50 over runs, in milliseconds. */
  batch1P50Ms: number;
  /** Median batched throughput over runs, images/s. */
  batchedImagesPerSecond: number;
  /** The batch size of that throughput; absent in older summaries. */
  batchedBatchSize?: number;
  /** Median test accuracy over runs. */
  testAccuracy: number;
  /** Training FLOP/s (a step counted as three forward passes) over the ceiling. */
  trainingEfficiency: number;
  /** Batched inference FLOP/s over the ceiling. */
  inferenceEfficiency: number;
  /**
   * TF.js side with the native inference path: `predictOnBatch`'s figures
   * from the same runs (medians over runs).
   */
  layers?: { batch1P50Ms: number; batchedImagesPerSecond: number };
  /** Memory, cold start, time to accuracy and energy over the runs; absent when no run recorded them. */
  measures?: SideMeasures;
  /**
   * The samples the ratios' intervals come from, pooled over the runs: every
   * steady epoch's seconds, every timed batch-1 and batched call's
   * milliseconds (empty where the results did not record calls). Absent in
   * summaries written before they were kept.
   */
  samples?: { epochSeconds: number[]; batch1Ms: number[]; batchedMs: number[] };
  /**
   * Per-op profiles of the first run that was profiled: a profile is not a
   * median, and not in any figure above (timing every op slows the work).
   * Absent when no run was profiled.
   */
  profile?: ModelProfiles;
}

/** One side's measures beyond seconds: medians over its runs (null where none measured it). */
export interface SideMeasures {
  /** Resident set before the model was built, bytes. */
  baselineBytes: number | null;
  /** Peak resident set in training, bytes. */
  trainingPeakBytes: number | null;
  /** Peak resident set in evaluation and inference, bytes. */
  inferencePeakBytes: number | null;
  /** Seconds from the process's start to a backend that has computed once. */
  backendReadySeconds: number | null;
  /** Seconds to build the model. */
  modelBuildSeconds: number | null;
  /** The trained model's first batch-1 prediction, ms. */
  firstPredictionMs: number | null;
  /** The first epoch's seconds over the median of the others. */
  firstEpochExtraSeconds: number | null;
  /** Each target over the runs (their seeds differ), MLPerf-style. */
  timeToAccuracy: TargetSummary[];
  /** Joules per epoch. */
  joulesPerEpoch: number | null;
  /** Why a figure was not measured, each reason once. */
  notMeasured: string[];
}

/** The median over runs of each measure, and the reasons where one was not taken. */
function sideMeasures(runs: readonly PeerRun[]): SideMeasures | undefined {
  const records = runs.map((r) => r.results.runs[0].measures).filter((m) => m !== undefined);
  if (records.length === 0) return undefined;
  const reasons = new Set<string>();
  const med = <T>(
    pick: (m: (typeof records)[number]) => Measured<T> | null,
    num: (v: T) => number,
  ) => {
    const values: number[] = [];
    for (const m of records) {
      const v = pick(m);
      if (v === null) continue;
      if (isMeasured(v)) values.push(num(v as T));
      else reasons.add((v as NotMeasured).notMeasured);
    }
    return values.length > 0 ? percentile(values, 50) : null;
  };
  const id = (x: number) => x;
  const peak = (k: "trainingPeakBytes" | "inferencePeakBytes") => (m: (typeof records)[number]) =>
    isMeasured(m.memory.host) ? m.memory.host[k] : m.memory.host;
  const targets = runs[0].results.config.targetAccuracies ?? [];
  return {
    baselineBytes: med((m) => m.memory.host, (h) => h.baselineBytes),
    trainingPeakBytes: med(peak("trainingPeakBytes"), id),
    inferencePeakBytes: med(peak("inferencePeakBytes"), id),
    backendReadySeconds: med((m) => m.coldStart.backendLoadSeconds, id),
    modelBuildSeconds: med((m) => m.coldStart.modelBuildSeconds, id),
    firstPredictionMs: med((m) => m.coldStart.firstPredictionMs, id),
    firstEpochExtraSeconds: med((m) => m.coldStart.firstEpochExtraSeconds, id),
    timeToAccuracy: summarizeTimeToAccuracy(records.map((m) => m.timeToAccuracy), targets),
    joulesPerEpoch: med((m) => m.energy, (e) => e.joulesPerEpoch),
    notMeasured: [...reasons],
  };
}

/**
 * One side of one model over its runs: medians, spread, efficiency over the
 * fp32 `ceiling` (GFLOP/s), measures and the pooled samples.
 *
 * @throws {RangeError} When a run is partial.
 */
export function summarizeSide(runs: readonly PeerRun[], ceiling: number): SideSummary {
  const done = runs.map(({ results }) => {
    const run = results.runs[0];
    const t = epochTimes(run);
    if (!t || !run.inference || !run.test) {
      throw new RangeError(
        `summarizePeer: expected a complete run of ${run.model}, got a partial one`,
      );
    }
    return { run, inference: run.inference, accuracy: run.test.accuracy, median: t.median };
  });
  const medianOf = <T>(xs: T[], pick: (x: T) => number) => percentile(xs.map(pick), 50);
  const medians = done.map((d) => d.median);
  const layers = done.flatMap((d) => d.inference.layers ?? []);
  const { trainSize } = runs[0].results.config;
  const measures = sideMeasures(runs);
  const flops = runs[0].results.runs[0].flopsPerImage;
  const epochSeconds = percentile(medians, 50);
  const profile = [...runs].sort((a, b) => a.repeat - b.repeat)
    .find((r) => r.results.runs[0].profile)?.results.runs[0].profile;
  const imagesPerSecond = trainSize / epochSeconds;
  const batchedImagesPerSecond = medianOf(done, (d) => d.inference.batched.imagesPerSecond);
  return {
    runs: runs.length,
    epochSeconds,
    epochSecondsRange: [Math.min(...medians), Math.max(...medians)],
    noise: (Math.max(...medians) - Math.min(...medians)) / epochSeconds,
    imagesPerSecond,
    batch1P50Ms: medianOf(done, (d) => d.inference.batch1.p50Ms),
    batchedImagesPerSecond,
    testAccuracy: medianOf(done, (d) => d.accuracy),
    trainingEfficiency: (3 * flops * imagesPerSecond) / 1e9 / ceiling,
    inferenceEfficiency: (flops * batchedImagesPerSecond) / 1e9 / ceiling,
    ...(measures ? { measures } : {}),
    samples: {
      epochSeconds: done.flatMap((d) => steadyEpochSeconds(d.run)),
      batch1Ms: done.flatMap((d) => d.inference.batch1.samplesMs ?? []),
      batchedMs: done.flatMap((d) => d.inference.batched.samplesMs ?? []),
    },
    batchedBatchSize: runs[0].results.runs[0].inference!.batched.batchSize,
    ...(layers.length === runs.length && runs.length > 0
      ? {
        layers: {
          batch1P50Ms: medianOf(layers, (l) => l.batch1.p50Ms),
          batchedImagesPerSecond: medianOf(layers, (l) => l.batched.imagesPerSecond),
        },
      }
      : {}),
    // Each TF.js process measured its own ceiling; the peer's one ceiling serves every side.
    ...(profile ? { profile: againstCeiling(profile, ceiling) } : {}),
  };
}
