/**
 * The TF.js-against-Keras summary: per model and TF.js engine (`tfjs`, stock
 * TF.js; `native`, this suite's TensorFlow-ops engine; see
 * `src/engines/registry.ts`), each side's median over its repeated runs, the
 * spread of those runs (the machine's noise), the ratios of each engine over
 * Keras, and efficiency as FLOP/s over the machine's fp32 ceiling.
 *
 * @module
 */
import { describeCpu, describeOneDnn } from "../measure/environment.ts";
import { ENGINE_NAMES } from "../engines/registry.ts";
import type { ResultsFile } from "../results/schema.ts";
import { bootstrapRatio, type Interval, median, percentile } from "../_util/stats.ts";
import { epochTimes, MIN_SAMPLES, steadyEpochSeconds } from "../results/stats.ts";
import { type Verdict, verdictOf } from "../compare/verdict.ts";
import { isMeasured, type Measured, type NotMeasured } from "../measure/measures.ts";
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
}

/** A ratio of one engine's times over Keras's: its 95% interval and verdict for TF.js. */
export interface PeerVerdict {
  /** The ratio of the pooled medians. */
  ratio: number;
  /** 95% percentile-bootstrap interval, each side's pooled samples resampled on their own. */
  interval: Interval;
  /** For TF.js: `faster` when its whole interval lies below the band. */
  verdict: Verdict;
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

/** One model: each TF.js engine, and Keras. */
export interface PeerModelSummary {
  /** Model name. */
  model: string;
  /** Forward FLOPs per image. */
  flopsPerImage: number;
  /** Each TF.js engine that ran, in engine registry order, against Keras. */
  engines: PeerEngineSummary[];
  /** Keras. */
  keras: SideSummary;
}

/** How one TF.js engine ran (from its first run's configuration). */
export interface PeerEngineConfig {
  /** The engine. */
  engine: string;
  /** Gradients computed by native TensorFlow ops (`[]`: TF.js's own). */
  nativeGradients: string[];
  /** tfjs-node kernels replaced by TensorFlow's fused ones. */
  nativeKernels: string[];
  /** How batches were trained (see `RunConfig.trainStep`). */
  trainStep: "fit" | "native";
  /** How inference was timed (see `RunConfig.inferencePath`). */
  inferencePath: "layers" | "native";
}

/** The whole comparison, as written to `peer.json`. */
export interface PeerSummary {
  /** Identifies the file. */
  kind: "fmnist-bench-peer";
  /** Layout version: 2 since the TF.js side is split by engine. */
  version: 2;
  /** When it was built. */
  createdAt: string;
  /** The machine's fp32 ceiling in GFLOP/s, as measured for this run. */
  ceilingGflops: number;
  /** Training images, epochs and batch size (the same on both sides). */
  config: {
    trainSize: number;
    epochs: number;
    batchSize: number;
    threads: string;
    /** Each TF.js engine, as it ran. */
    engines: PeerEngineConfig[];
  };
  /** Machine name, CPU and versions. */
  machine: {
    name: string;
    cpu: string;
    /**
     * Whether libtensorflow ran oneDNN's kernels, and why: one state when both
     * sides had the same (as `peer` ensures), else each side's. Absent in older files.
     */
    onednn?: string;
    tfjs: string;
    keras: string;
  };
  /** Per model. */
  models: PeerModelSummary[];
}

/** Options for {@link summarizePeer}. */
export interface SummarizePeerOptions {
  /** The measured fp32 ceiling, GFLOP/s. */
  ceilingGflops: number;
  /** Build time. Default: now. */
  now?: Date;
}

/**
 * Summarises alternating runs of both sides, the TF.js runs grouped by engine.
 *
 * @throws {RangeError} When a model lacks Keras runs or TF.js runs, or lacks
 *   runs of an engine another model has.
 */
export function summarizePeer(
  runs: readonly PeerRun[],
  options: SummarizePeerOptions,
): PeerSummary {
  const { ceilingGflops, now = new Date() } = options;
  const models = [...new Set(runs.map((r) => r.model))];
  const engineOf = (r: PeerRun) => r.results.config.engine;
  const rank = (e: string) => (ENGINE_NAMES as readonly string[]).indexOf(e);
  const engines = [...new Set(runs.filter((r) => r.side === "tfjs").map(engineOf))]
    .sort((a, b) => rank(a) - rank(b));
  const summaries = models.map((model): PeerModelSummary => {
    const side = (s: "tfjs" | "keras", engine?: string) => {
      const mine = runs.filter((r) =>
        r.model === model && r.side === s && (engine === undefined || engineOf(r) === engine)
      );
      if (mine.length === 0) {
        throw new RangeError(
          `summarizePeer: expected ${s}${engine ? ` (engine ${engine})` : ""} runs of ${model}, ` +
            "got none",
        );
      }
      return summarizeSide(mine, ceilingGflops);
    };
    const keras = side("keras");
    if (engines.length === 0) side("tfjs");
    const flopsPerImage = runs.find((r) => r.model === model)!.results.runs[0].flopsPerImage;
    return {
      model,
      flopsPerImage,
      engines: engines.map((engine) => {
        const tfjs = side("tfjs", engine);
        return {
          engine,
          tfjs,
          ratios: {
            epochSeconds: tfjs.epochSeconds / keras.epochSeconds,
            batch1P50: tfjs.batch1P50Ms / keras.batch1P50Ms,
            batchedSecondsPerImage: keras.batchedImagesPerSecond / tfjs.batchedImagesPerSecond,
            trainingPeakMemory: ratioOf(
              tfjs.measures?.trainingPeakBytes,
              keras.measures?.trainingPeakBytes,
            ),
            timeToAccuracy: timeToAccuracyRatio(tfjs.measures, keras.measures),
            joulesPerEpoch: ratioOf(tfjs.measures?.joulesPerEpoch, keras.measures?.joulesPerEpoch),
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
      }),
      keras,
    };
  });
  const first = (s: "tfjs" | "keras") => runs.find((r) => r.side === s)?.results;
  const tf = first("tfjs");
  const ks = first("keras");
  const engineConfig = (engine: string): PeerEngineConfig => {
    const c = runs.find((r) => r.side === "tfjs" && engineOf(r) === engine)!.results.config;
    return {
      engine,
      nativeGradients: c.nativeGradients ?? [],
      nativeKernels: c.nativeKernels ?? [],
      trainStep: c.trainStep ?? "fit",
      inferencePath: c.inferencePath ?? "layers",
    };
  };
  const threads = tf?.env.threads ?? { intraOp: "default", interOp: "default" };
  return {
    kind: "fmnist-bench-peer",
    version: 2,
    createdAt: now.toISOString(),
    ceilingGflops,
    config: {
      trainSize: tf?.config.trainSize ?? 0,
      epochs: tf?.config.epochs ?? 0,
      batchSize: tf?.config.batchSize ?? 0,
      threads: `intra-op ${threads.intraOp}, inter-op ${threads.interOp}`,
      engines: engines.map(engineConfig),
    },
    machine: {
      name: tf?.env.machine ?? "unnamed",
      cpu: tf ? describeCpu(tf.env) : "unknown",
      onednn: !tf || !ks || describeOneDnn(tf.env) === describeOneDnn(ks.env)
        ? describeOneDnn((tf ?? ks)?.env ?? {})
        : `TF.js side ${describeOneDnn(tf.env)}; Keras side ${describeOneDnn(ks.env)}`,
      tfjs: tf
        ? `TF.js ${tf.env.tfjs} on libtensorflow ${tf.env.tensorflow} (Deno ${tf.env.deno})`
        : "–",
      keras: ks?.env.device ?? "–",
    },
    models: summaries,
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
  if (!tfjs || !keras || tfjs.length < MIN_SAMPLES || keras.length < MIN_SAMPLES) return null;
  const raw = bootstrapRatio(tfjs, keras);
  const interval = { low: raw.low * scale, high: raw.high * scale };
  return { ratio: (median(tfjs) / median(keras)) * scale, interval, verdict: verdictOf(interval) };
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
  const targets = runs[0].results.config.targetAccuracies ?? [];
  return {
    baselineBytes: med((m) => m.memory.host, (h) => h.baselineBytes),
    trainingPeakBytes: med((m) => {
      const host = m.memory.host;
      return isMeasured(host) ? host.trainingPeakBytes : host;
    }, id),
    inferencePeakBytes: med((m) => {
      const host = m.memory.host;
      return isMeasured(host) ? host.inferencePeakBytes : host;
    }, id),
    backendReadySeconds: med((m) => m.coldStart.backendLoadSeconds, id),
    modelBuildSeconds: med((m) => m.coldStart.modelBuildSeconds, id),
    firstPredictionMs: med((m) => m.coldStart.firstPredictionMs, id),
    firstEpochExtraSeconds: med((m) => m.coldStart.firstEpochExtraSeconds, id),
    timeToAccuracy: summarizeTimeToAccuracy(records.map((m) => m.timeToAccuracy), targets),
    joulesPerEpoch: med((m) => m.energy, (e) => e.joulesPerEpoch),
    notMeasured: [...reasons],
  };
}

function summarizeSide(runs: readonly PeerRun[], ceiling: number): SideSummary {
  const medians: number[] = [];
  const p50: number[] = [];
  const batched: number[] = [];
  const accuracy: number[] = [];
  const layersP50: number[] = [];
  const layersBatched: number[] = [];
  const samples = {
    epochSeconds: [] as number[],
    batch1Ms: [] as number[],
    batchedMs: [] as number[],
  };
  for (const { results } of runs) {
    const run = results.runs[0];
    const t = epochTimes(run);
    if (!t || !run.inference || !run.test) {
      throw new RangeError(
        `summarizePeer: expected a complete run of ${run.model}, got a partial one`,
      );
    }
    medians.push(t.median);
    samples.epochSeconds.push(...steadyEpochSeconds(run));
    samples.batch1Ms.push(...(run.inference.batch1.samplesMs ?? []));
    samples.batchedMs.push(...(run.inference.batched.samplesMs ?? []));
    p50.push(run.inference.batch1.p50Ms);
    batched.push(run.inference.batched.imagesPerSecond);
    accuracy.push(run.test.accuracy);
    if (run.inference.layers) {
      layersP50.push(run.inference.layers.batch1.p50Ms);
      layersBatched.push(run.inference.layers.batched.imagesPerSecond);
    }
  }
  const { trainSize } = runs[0].results.config;
  const measures = sideMeasures(runs);
  const flops = runs[0].results.runs[0].flopsPerImage;
  const epochSeconds = percentile(medians, 50);
  const imagesPerSecond = trainSize / epochSeconds;
  const batchedImagesPerSecond = percentile(batched, 50);
  return {
    runs: runs.length,
    epochSeconds,
    epochSecondsRange: [Math.min(...medians), Math.max(...medians)],
    noise: (Math.max(...medians) - Math.min(...medians)) / epochSeconds,
    imagesPerSecond,
    batch1P50Ms: percentile(p50, 50),
    batchedImagesPerSecond,
    testAccuracy: percentile(accuracy, 50),
    trainingEfficiency: (3 * flops * imagesPerSecond) / 1e9 / ceiling,
    inferenceEfficiency: (flops * batchedImagesPerSecond) / 1e9 / ceiling,
    ...(measures ? { measures } : {}),
    samples,
    batchedBatchSize: runs[0].results.runs[0].inference!.batched.batchSize,
    ...(layersP50.length === runs.length && runs.length > 0
      ? {
        layers: {
          batch1P50Ms: percentile(layersP50, 50),
          batchedImagesPerSecond: percentile(layersBatched, 50),
        },
      }
      : {}),
  };
}
