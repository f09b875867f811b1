/**
 * The one place where data becomes tensors: images as normalised float32
 * `[N,28,28,1]` in [0, 1], labels one-hot float32 `[N,10]` (for Keras-style
 * `categoricalCrossentropy`) or int32 `[N]`, whole or in batches, leaking no
 * tensor. Tensors are made on tfjs's active backend.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { NUM_CLASSES } from "./classes.ts";
import { IMAGE_PIXELS, IMAGE_SIZE } from "./checksums.ts";
import type { DataSplit } from "./split.ts";

/** How labels are encoded: one-hot float32 `[N,10]`, or class indices int32 `[N]`. */
export type LabelEncoding = "one-hot" | "int32";

/** Options for {@link toTensors}. */
export interface TensorOptions {
  /** Label encoding. Default `"one-hot"`. */
  labels?: LabelEncoding;
}

/** Images and labels as tensors. Whoever receives them disposes both. */
export interface SplitTensors<Y extends tf.Tensor = tf.Tensor2D> {
  /** Normalised images, `[N,28,28,1]` float32 in [0, 1]. */
  xs: tf.Tensor4D;
  /** Labels: one-hot `[N,10]` float32 (the default), or `[N]` int32. */
  ys: Y;
}

/** The 256 float32 values `b / 255`, so normalising is one table look-up per pixel. */
function scaleTable(): Float32Array {
  const table = new Float32Array(256);
  for (let b = 0; b < 256; b++) table[b] = b / 255;
  return table;
}

/**
 * Pixel bytes to float32 in [0, 1] (`b / 255`, rounded to float32), in one
 * pass (a 256-entry table: ~4× faster than dividing).
 *
 * @param out Where to write, `pixels.length` long; default a new array.
 */
export function normalize(pixels: Uint8Array, out = new Float32Array(pixels.length)): Float32Array {
  if (out.length !== pixels.length) {
    throw new RangeError(
      `normalize: expected an output of ${pixels.length} floats, got ${out.length}`,
    );
  }
  const table = scaleTable();
  for (let i = 0; i < pixels.length; i++) out[i] = table[pixels[i]];
  return out;
}

/** One-hot float32 labels, `count × 10`, built on the host. */
export function oneHot(labels: Uint8Array): Float32Array {
  const out = new Float32Array(labels.length * NUM_CLASSES);
  for (let i = 0; i < labels.length; i++) out[i * NUM_CLASSES + labels[i]] = 1;
  return out;
}

function hostToTensors(
  pixels: Float32Array,
  labels: Uint8Array,
  encoding: LabelEncoding,
): SplitTensors<tf.Tensor> {
  // Built straight from host arrays, inside tidy so that nothing but the two results can outlive it.
  return tf.tidy(() => ({
    xs: tf.tensor4d(pixels, [labels.length, IMAGE_SIZE, IMAGE_SIZE, 1], "float32"),
    ys: encoding === "int32"
      ? tf.tensor1d(Int32Array.from(labels), "int32")
      : tf.tensor2d(oneHot(labels), [labels.length, NUM_CLASSES], "float32"),
  }));
}

/**
 * Converts images `[start, start + count)` of a split to tensors: one pass
 * over the bytes to a float32 array, which becomes the image tensor (the
 * CPU backend keeps the array itself; a native one copies it once). The
 * caller disposes `xs` and `ys`.
 *
 * @param start First image. Default 0.
 * @param count Number of images. Default: the rest of the split.
 * @throws {RangeError} When the range is not within the split.
 */
export function toTensors(
  split: DataSplit,
  start?: number,
  count?: number,
  options?: TensorOptions & { labels?: "one-hot" },
): SplitTensors<tf.Tensor2D>;
/** As above, with int32 `[N]` labels. */
export function toTensors(
  split: DataSplit,
  start: number | undefined,
  count: number | undefined,
  options: TensorOptions & { labels: "int32" },
): SplitTensors<tf.Tensor1D>;
export function toTensors(
  split: DataSplit,
  start = 0,
  count = split.count - start,
  options: TensorOptions = {},
): SplitTensors<tf.Tensor> {
  if (
    !Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 ||
    start + count > split.count
  ) {
    throw new RangeError(
      `toTensors: expected a range within 0..${split.count}, got ${start}+${count}`,
    );
  }
  return rangeTensors(split, start, count, options.labels ?? "one-hot");
}

function rangeTensors(
  split: DataSplit,
  start: number,
  count: number,
  encoding: LabelEncoding,
): SplitTensors<tf.Tensor> {
  const pixels = normalize(
    split.images.subarray(start * IMAGE_PIXELS, (start + count) * IMAGE_PIXELS),
  );
  return hostToTensors(pixels, split.labels.subarray(start, start + count), encoding);
}

/** Options for {@link batches}. */
export interface BatchOptions extends TensorOptions {
  /** Images per batch (the last may be smaller). */
  batchSize: number;
  /**
   * The order to visit the images in: one index per image, e.g.
   * `permutation(count, seed)` for a seeded shuffle. Default: the split's order.
   */
  order?: ArrayLike<number>;
}

/**
 * Yields the split as consecutive batches of tensors, in the split's order or
 * in `order` (a permutation of the indices, e.g. `permutation(count, seed)`).
 *
 * Disposal: the generator owns every batch. It disposes a batch when the
 * consumer asks for the next one, and the last one when the loop ends, breaks
 * or throws; a consumer that wants to keep a batch past its loop step must
 * `tf.clone` it. Only one batch is alive at a time.
 *
 * @throws {RangeError} When the batch size is not a positive integer, or
 *   `order` does not have one index per image.
 */
export function batches(
  split: DataSplit,
  options: number | (BatchOptions & { labels?: "one-hot" }),
): Generator<SplitTensors<tf.Tensor2D>>;
/** As above, with int32 `[N]` labels. */
export function batches(
  split: DataSplit,
  options: BatchOptions & { labels: "int32" },
): Generator<SplitTensors<tf.Tensor1D>>;
export function* batches(
  split: DataSplit,
  options: number | BatchOptions,
): Generator<SplitTensors<tf.Tensor>> {
  const { batchSize, order, labels: encoding = "one-hot" } = typeof options === "number"
    ? { batchSize: options } as BatchOptions
    : options;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batches: expected a positive integer batch size, got ${batchSize}`);
  }
  if (order !== undefined && order.length !== split.count) {
    throw new RangeError(
      `batches: expected an order of ${split.count} indices, got ${order.length}`,
    );
  }
  const table = scaleTable();
  for (let start = 0; start < split.count; start += batchSize) {
    const n = Math.min(batchSize, split.count - start);
    let batch: SplitTensors<tf.Tensor>;
    if (order === undefined) {
      batch = rangeTensors(split, start, n, encoding);
    } else {
      // Gather and normalise in one pass, straight from the split's bytes.
      const pixels = new Float32Array(n * IMAGE_PIXELS);
      const labels = new Uint8Array(n);
      for (let k = 0; k < n; k++) {
        const i = order[start + k];
        if (!(i >= 0 && i < split.count)) {
          throw new RangeError(`batches: expected indices from 0 to ${split.count - 1}, got ${i}`);
        }
        labels[k] = split.labels[i];
        const from = i * IMAGE_PIXELS;
        const to = k * IMAGE_PIXELS;
        for (let p = 0; p < IMAGE_PIXELS; p++) pixels[to + p] = table[split.images[from + p]];
      }
      batch = hostToTensors(pixels, labels, encoding);
    }
    try {
      yield batch;
    } finally {
      tf.dispose([batch.xs, batch.ys]);
    }
  }
}
