/**
 * Seeded shuffles, validation splits and class-stratified subsets, on typed
 * arrays. The generator is mulberry32 (Tommy Ettinger's 32-bit mixer): small,
 * fast and the same on every platform, which is all a data split needs.
 *
 * @module
 */
import { NUM_CLASSES } from "./classes.ts";
import { IMAGE_PIXELS } from "./idx.ts";

/** Labelled images: `count` images of 784 bytes and their labels. */
export interface DataSplit {
  /** `count × 784` pixel bytes. */
  images: Uint8Array;
  /** `count` labels, 0–9. */
  labels: Uint8Array;
  /** Number of images. */
  count: number;
}

/** A seeded generator of uniform numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded permutation of 0..n-1 (Fisher–Yates). */
export function permutation(n: number, seed: number): Int32Array {
  const random = mulberry32(seed);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}

/** Copies the images and labels at `indices` into a new split, in that order. */
export function take(split: DataSplit, indices: ArrayLike<number>): DataSplit {
  const n = indices.length;
  const images = new Uint8Array(n * IMAGE_PIXELS);
  const labels = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const i = indices[k];
    images.set(split.images.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS), k * IMAGE_PIXELS);
    labels[k] = split.labels[i];
  }
  return { images, labels, count: n };
}

/** Images per class, by label. */
export function classCounts(split: DataSplit): number[] {
  const counts = new Array<number>(NUM_CLASSES).fill(0);
  for (const l of split.labels) counts[l]++;
  return counts;
}

/** Options for {@link splitValidation}. */
export interface ValidationOptions {
  /** Images held out for validation. */
  size: number;
  /** Seed of the shuffle that picks them. Default 42. */
  seed?: number;
}

/**
 * Holds `size` images out of `split` for validation, chosen by a seeded
 * shuffle; the rest, in their original order, stay for training. The two
 * never share an image.
 *
 * @throws {RangeError} When `size` is not an integer in [0, count).
 */
export function splitValidation(
  split: DataSplit,
  options: ValidationOptions,
): { train: DataSplit; validation: DataSplit; validationIndices: Int32Array } {
  const { size, seed = 42 } = options;
  if (!Number.isInteger(size) || size < 0 || size >= split.count) {
    throw new RangeError(
      `validation size: expected an integer from 0 to ${split.count - 1}, got ${size}`,
    );
  }
  const held = permutation(split.count, seed).subarray(0, size).sort();
  const isHeld = new Uint8Array(split.count);
  for (const i of held) isHeld[i] = 1;
  const kept = new Int32Array(split.count - size);
  for (let i = 0, k = 0; i < split.count; i++) if (!isHeld[i]) kept[k++] = i;
  return { train: take(split, kept), validation: take(split, held), validationIndices: held };
}

/** Options for {@link stratifiedSubset}. */
export interface SubsetOptions {
  /** Total images wanted; spread over the classes in proportion to their counts. */
  size: number;
  /** Seed of the per-class shuffles. Default 42. */
  seed?: number;
}

/**
 * A seeded, class-stratified subset: each class keeps its share of `size`
 * (largest remainders get the leftover images), picked by a seeded shuffle,
 * and the result is in the original order.
 *
 * @throws {RangeError} When `size` is not an integer in [1, count].
 */
export function stratifiedSubset(split: DataSplit, options: SubsetOptions): DataSplit {
  const { size, seed = 42 } = options;
  if (!Number.isInteger(size) || size < 1 || size > split.count) {
    throw new RangeError(`subset size: expected an integer from 1 to ${split.count}, got ${size}`);
  }
  const counts = classCounts(split);
  const exact = counts.map((c) => (c * size) / split.count);
  const quota = exact.map(Math.floor);
  const order = exact.map((e, c) => [e - Math.floor(e), c] as const).sort((a, b) =>
    b[0] - a[0] || a[1] - b[1]
  );
  for (let k = 0, left = size - quota.reduce((a, b) => a + b, 0); left > 0; k++, left--) {
    quota[order[k][1]]++;
  }
  const picked: number[] = [];
  const byClass = Array.from({ length: NUM_CLASSES }, () => [] as number[]);
  for (const i of permutation(split.count, seed)) byClass[split.labels[i]].push(i);
  byClass.forEach((indices, c) => picked.push(...indices.slice(0, quota[c])));
  return take(split, picked.sort((a, b) => a - b));
}
