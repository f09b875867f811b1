/**
 * The one place where data becomes tensors: normalised float32 images
 * `[N,28,28,1]` in [0, 1] and labels, whole or in batches, leaking nothing.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { NUM_CLASSES } from "./classes.ts";
import { IMAGE_PIXELS, IMAGE_SIZE } from "./idx.ts";
import type { DataSplit } from "./split.ts";

/** Images and labels as tensors on the active backend. The caller disposes both. */
export interface SplitTensors {
  /** Normalised images, [N,28,28,1] float32 in [0, 1]. */
  xs: tf.Tensor4D;
  /** One-hot labels, [N,10] float32. */
  ys: tf.Tensor2D;
}

/** Pixel bytes to float32 in [0, 1], in one pass. */
export function normalize(pixels: Uint8Array): Float32Array {
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = pixels[i] / 255;
  return out;
}

/** One-hot float32 labels, `[count × 10]`, built on the host. */
export function oneHot(labels: Uint8Array): Float32Array {
  const out = new Float32Array(labels.length * NUM_CLASSES);
  for (let i = 0; i < labels.length; i++) out[i * NUM_CLASSES + labels[i]] = 1;
  return out;
}

/**
 * Converts images `[start, start+count)` of a split to tensors. Both are
 * built from host arrays, so no intermediate tensor exists to leak.
 */
export function toTensors(split: DataSplit, start = 0, count = split.count - start): SplitTensors {
  if (
    !Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 ||
    start + count > split.count
  ) {
    throw new RangeError(
      `toTensors: expected a range within 0..${split.count}, got ${start}+${count}`,
    );
  }
  const images = split.images.subarray(start * IMAGE_PIXELS, (start + count) * IMAGE_PIXELS);
  const labels = split.labels.subarray(start, start + count);
  return {
    xs: tf.tensor4d(normalize(images), [count, IMAGE_SIZE, IMAGE_SIZE, 1], "float32"),
    ys: tf.tensor2d(oneHot(labels), [count, NUM_CLASSES], "float32"),
  };
}

/**
 * Yields the split as consecutive batches of tensors. Each batch is disposed
 * when the loop asks for the next one (or ends), so a consumer that keeps a
 * batch must `tf.clone` it.
 */
export function* batches(split: DataSplit, batchSize: number): Generator<SplitTensors> {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batches: expected a positive integer batch size, got ${batchSize}`);
  }
  for (let start = 0; start < split.count; start += batchSize) {
    const batch = toTensors(split, start, Math.min(batchSize, split.count - start));
    try {
      yield batch;
    } finally {
      tf.dispose([batch.xs, batch.ys]);
    }
  }
}
