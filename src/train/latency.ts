/**
 * Inference latency and throughput of a trained model, measured the honest
 * way: warm up first, await the result on the host (`await y.data()`) before
 * stopping the clock, repeat, and report percentiles.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { percentile } from "../_util/stats.ts";
import { nativePredictor, type Predict } from "../tf_ops/predict.ts";
import type { InferencePath } from "../engines/registry.ts";
import type { Batch1Latency, BatchedThroughput } from "../results/schema.ts";

/** {@link measureInference}'s defaults: what train-all, peer and the reports assume when a flag is not given. */
export const INFERENCE_DEFAULTS = Object.freeze({
  warmup: 10,
  runs: 100,
  batchSize: 1024,
  batchedRuns: 5,
});

/**
 * The batch size the batched inference measurement really uses: the one
 * asked for, never more than the `available` test images (a repeated image
 * times nothing new). Every side of the suite caps it here.
 */
export function inferenceBatchFor(requested: number, available: number): number {
  return Math.min(requested, available);
}

/** Options for {@link measureInference}. */
export interface InferenceOptions {
  /** Untimed batch-1 calls before measuring; the first is timed on its own as `firstCallMs` (one is made even at 0). Default 10. */
  warmup?: number;
  /** Timed batch-1 calls. Default 100 (at least 50 are needed for a meaningful p95). */
  runs?: number;
  /** Batch size for the throughput measurement, at most the images given. Default 1024, or all the images when there are fewer. */
  batchSize?: number;
  /** Timed calls at that batch size (after one untimed). Default 5. */
  batchedRuns?: number;
  /**
   * Further batch sizes whose throughput is measured the same way, after the
   * main one (e.g. 128 beside 1,024: a GPU is underused at a small batch),
   * each at most the images given. Default: none.
   */
  moreBatchSizes?: readonly number[];
  /**
   * The path timed for the result. Default `"layers"`. With `"native"`,
   * `predictOnBatch` is timed as well and reported in `layers`.
   */
  path?: InferencePath;
  /** With the `"native"` path: may the predictor use oneDNN's kernels (see `NativePredictorOptions.oneDnn`). Default `true`. */
  oneDnn?: boolean;
}

/** The inference measurement of a run, every figure given (further batch sizes optional). */
export type InferenceTiming =
  & Required<Pick<InferenceOptions, "warmup" | "runs" | "batchSize" | "batchedRuns">>
  & Pick<InferenceOptions, "moreBatchSizes">;

/** Batch-1 latency and batched throughput of one way of predicting. */
export interface InferenceTimes {
  /** Batch-1 latency in milliseconds: percentiles over the timed calls, and every call's time. */
  batch1: Batch1Latency;
  /** Throughput at a large batch: median over the timed calls, and every call's milliseconds. */
  batched: BatchedThroughput;
}

/** What {@link measureInference} found. */
export interface InferenceResult extends InferenceTimes {
  /** The path the figures above are for. */
  path: InferencePath;
  /**
   * Milliseconds of the path's first batch-1 call, before the warm-up: a
   * cold start (a new shape: graph building, kernel creation, shader compilation),
   * kept out of the percentiles.
   */
  firstCallMs: number;
  /** With the `"native"` path: `predictOnBatch`'s figures, measured in the same call. */
  layers?: InferenceTimes;
  /** Throughput at each of `moreBatchSizes`, on the path timed; absent when none was asked. */
  moreBatches?: BatchedThroughput[];
  /**
   * With the `"native"` path: the ops each convolution, max-pool and dense layer ran,
   * as the predictor's autotuning chose them at batch 1 and at `batchSize`.
   */
  kernels?: { batch1: string[]; batched: string[] };
}

/**
 * Measures batch-1 latency and batched throughput of `model` on images from
 * `images` (a [N,28,28,1] tensor; the first `batchSize` are used). Leaks no
 * tensor.
 *
 * @throws {RangeError} For fewer than one run, or a batch larger than `images`.
 * @throws {TypeError} For the `"native"` path with a model or backend it does not support.
 */
export async function measureInference(
  model: tf.LayersModel,
  images: tf.Tensor4D,
  options: InferenceOptions = {},
): Promise<InferenceResult> {
  const {
    warmup = INFERENCE_DEFAULTS.warmup,
    runs = INFERENCE_DEFAULTS.runs,
    batchSize = inferenceBatchFor(INFERENCE_DEFAULTS.batchSize, images.shape[0]),
    batchedRuns = INFERENCE_DEFAULTS.batchedRuns,
    path = "layers",
  } = options;
  if (runs < 1 || batchedRuns < 1) {
    throw new RangeError(`measureInference: expected runs ≥ 1, got ${runs}/${batchedRuns}`);
  }
  const moreBatchSizes = options.moreBatchSizes ?? [];
  for (const size of [batchSize, ...moreBatchSizes]) {
    if (size > images.shape[0] || !(size >= 1)) {
      throw new RangeError(
        `measureInference: expected a batch size from 1 to the ${
          images.shape[0]
        } images given, got ${size}; cap it with inferenceBatchFor`,
      );
    }
  }
  const native = path === "native" ? nativePredictor(model, { oneDnn: options.oneDnn }) : undefined;
  const one = tf.slice(images, [0, 0, 0, 0], [1, -1, -1, -1]);
  const big = tf.slice(images, [0, 0, 0, 0], [batchSize, -1, -1, -1]);
  try {
    // One batch, one call: what Keras's predict_on_batch does on the peer's side.
    const layers: Predict = (x) => model.predictOnBatch(x) as tf.Tensor2D;
    const timed = { warmup, runs, batchedRuns };
    const beside = native && (await timeCalls(layers, one, big, timed));
    const predict = native?.predict ?? layers;
    const settle = (x: tf.Tensor4D) => void native?.settle(x);
    const { firstCallMs, ...times } = await timeCalls(predict, one, big, timed, settle);
    const moreBatches: BatchedThroughput[] = [];
    for (const size of moreBatchSizes) {
      const x = tf.slice(images, [0, 0, 0, 0], [size, -1, -1, -1]);
      moreBatches.push(
        await throughput(predict, x, batchedRuns, settle).finally(() => x.dispose()),
      );
    }
    return {
      path,
      ...times,
      firstCallMs,
      ...(beside ? { layers: { batch1: beside.batch1, batched: beside.batched } } : {}),
      ...(native
        ? { kernels: { batch1: native.kernels(1) ?? [], batched: native.kernels(batchSize) ?? [] } }
        : {}),
      ...(moreBatches.length > 0 ? { moreBatches } : {}),
    };
  } finally {
    native?.dispose();
    tf.dispose([one, big]);
  }
}

/** Milliseconds of one call, its result read back. */
async function timeOnce(predict: Predict, x: tf.Tensor4D): Promise<number> {
  const t0 = performance.now();
  const y = predict(x);
  await y.data();
  const ms = performance.now() - t0;
  y.dispose();
  return ms;
}

/**
 * Throughput on the batch `x`: one untimed call, untimed calls until
 * `settle` returns (the native predictor's tuning), then `runs` timed ones.
 */
async function throughput(
  predict: Predict,
  x: tf.Tensor4D,
  runs: number,
  settle?: (x: tf.Tensor4D) => void,
): Promise<BatchedThroughput> {
  await timeOnce(predict, x);
  settle?.(x);
  const samplesMs: number[] = [];
  for (let i = 0; i < runs; i++) samplesMs.push(await timeOnce(predict, x));
  const batchSize = x.shape[0];
  return {
    batchSize,
    imagesPerSecond: batchSize / (percentile(samplesMs, 50) / 1000),
    runs,
    samplesMs,
  };
}

async function timeCalls(
  predict: Predict,
  one: tf.Tensor4D,
  big: tf.Tensor4D,
  options: { warmup: number; runs: number; batchedRuns: number },
  settle?: (x: tf.Tensor4D) => void,
): Promise<InferenceTimes & { firstCallMs: number }> {
  const { warmup, runs, batchedRuns } = options;
  const firstCallMs = await timeOnce(predict, one);
  for (let i = 1; i < warmup; i++) await timeOnce(predict, one);
  settle?.(one);
  const single: number[] = [];
  for (let i = 0; i < runs; i++) single.push(await timeOnce(predict, one));
  return {
    firstCallMs,
    batch1: {
      p50Ms: percentile(single, 50),
      p90Ms: percentile(single, 90),
      p95Ms: percentile(single, 95),
      p99Ms: percentile(single, 99),
      minMs: Math.min(...single),
      runs,
      samplesMs: single,
    },
    batched: await throughput(predict, big, batchedRuns, settle),
  };
}
