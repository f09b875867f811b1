/**
 * Seeded shuffles, validation splits and class-stratified subsets, on typed
 * arrays.
 *
 * The generator is mulberry32 (`src/_util/stats.ts`); shuffles are
 * Fisher–Yates.
 *
 * @module
 */
import { mulberry32 } from "../_util/stats.ts";
import { TRAINING_DEFAULTS } from "../_util/defaults.ts";
import { CLASS_NAMES, NUM_CLASSES } from "./classes.ts";
import { IMAGE_PIXELS } from "./checksums.ts";

/** Labelled images: `count` images of 784 bytes and their labels. */
export interface DataSplit {
  /** `count × 784` pixel bytes (0–255), image after image, row-major. */
  images: Uint8Array;
  /** `count` labels, 0–9. */
  labels: Uint8Array;
  /** Number of images. */
  count: number;
}

/** A seeded permutation of 0..n-1 (Fisher–Yates over mulberry32). */
export function permutation(n: number, seed: number): Int32Array {
  const random = mulberry32(seed);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * The suite's epoch order for a seed: epoch `e` (1-based) of `n` training
 * images visits them in `permutation(n, seed * 1000 + e)`, the same order on
 * every side of a comparison (TF.js, the native step, Keras).
 */
export function epochOrder(seed: number): (epoch: number, n: number) => Int32Array {
  return (epoch, n) => permutation(n, seed * 1000 + epoch);
}

/**
 * Copies the images and labels at `indices` into a new split, in that order.
 *
 * @throws {RangeError} When an index is outside the split.
 */
export function take(split: DataSplit, indices: ArrayLike<number>): DataSplit {
  const n = indices.length;
  const images = new Uint8Array(n * IMAGE_PIXELS);
  const labels = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const i = indices[k];
    if (!(i >= 0 && i < split.count && Number.isInteger(i))) {
      throw new RangeError(`take: expected indices from 0 to ${split.count - 1}, got ${i}`);
    }
    images.set(split.images.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS), k * IMAGE_PIXELS);
    labels[k] = split.labels[i];
  }
  return { images, labels, count: n };
}

/** Images per class: element `c` counts the images labelled `c`. */
export function classCounts(split: DataSplit): number[] {
  const counts = new Array<number>(NUM_CLASSES).fill(0);
  for (let i = 0; i < split.count; i++) counts[split.labels[i]]++;
  return counts;
}

/** Options for {@link splitValidation}. */
export interface ValidationOptions {
  /** Images held out for validation, from 0 to `count - 1`. */
  size: number;
  /** Seed of the shuffle that picks them. Default 42. */
  seed?: number;
}

/** A training split with validation images held out; the two share no image. */
export interface ValidationSplit {
  /** The images kept for training, in their original order (a copy). */
  train: DataSplit;
  /** The images held out, in their original order (a copy). */
  validation: DataSplit;
  /** Where the training images were in the input, ascending. */
  trainIndices: Int32Array;
  /** Where the validation images were in the input, ascending. */
  validationIndices: Int32Array;
}

/**
 * Holds `size` images out of `split` for validation, chosen by a seeded
 * shuffle; the rest stay for training. Every input image lands in exactly one
 * of the two.
 *
 * @throws {RangeError} When `size` is not an integer in [0, count).
 */
export function splitValidation(split: DataSplit, options: ValidationOptions): ValidationSplit {
  const { size, seed = TRAINING_DEFAULTS.seed } = options;
  if (!Number.isInteger(size) || size < 0 || size >= split.count) {
    throw new RangeError(
      `validation size: expected an integer from 0 to ${split.count - 1}, got ${size}`,
    );
  }
  const validationIndices = permutation(split.count, seed).slice(0, size).sort();
  const held = new Uint8Array(split.count);
  for (const i of validationIndices) held[i] = 1;
  const trainIndices = new Int32Array(split.count - size);
  for (let i = 0, k = 0; i < split.count; i++) if (!held[i]) trainIndices[k++] = i;
  return {
    train: take(split, trainIndices),
    validation: take(split, validationIndices),
    trainIndices,
    validationIndices,
  };
}

/** Options for {@link stratifiedSubset}: give `size` or `perClass`. */
export interface SubsetOptions {
  /**
   * Total images wanted, spread over the classes in proportion to their
   * counts (largest remainders get the leftover images).
   */
  size?: number;
  /** Images wanted of every class instead (each class must have that many). */
  perClass?: number;
  /** Seed of the shuffle that picks them. Default 42. */
  seed?: number;
}

function quotas(counts: number[], total: number, options: SubsetOptions): number[] {
  const { size, perClass } = options;
  if ((size === undefined) === (perClass === undefined)) {
    const got = size === undefined ? "neither" : "both";
    throw new TypeError(`subset: expected exactly one of size and perClass, got ${got}`);
  }
  if (perClass !== undefined) {
    const fewest = Math.min(...counts);
    if (!Number.isInteger(perClass) || perClass < 1 || perClass > fewest) {
      const range = `1 to ${fewest} (${CLASS_NAMES[counts.indexOf(fewest)]} has ${fewest} images)`;
      throw new RangeError(`subset perClass: expected an integer from ${range}, got ${perClass}`);
    }
    return counts.map(() => perClass);
  }
  if (!Number.isInteger(size) || size! < 1 || size! > total) {
    throw new RangeError(`subset size: expected an integer from 1 to ${total}, got ${size}`);
  }
  const exact = counts.map((c) => (c * size!) / total);
  const quota = exact.map(Math.floor);
  const order = exact.map((e, c) => [e - Math.floor(e), c] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0, left = size! - quota.reduce((a, b) => a + b, 0); left > 0; k++, left--) {
    quota[order[k][1]]++;
  }
  return quota;
}

/**
 * A seeded, class-stratified subset: the first images of each class in a
 * seeded shuffle of the whole split, as many as its quota (see
 * {@link SubsetOptions}), returned in their original order (a copy).
 *
 * @throws {TypeError} When neither or both of `size` and `perClass` are given.
 * @throws {RangeError} When `size` is not an integer in [1, count], or
 *   `perClass` is more than the smallest class has.
 */
export function stratifiedSubset(split: DataSplit, options: SubsetOptions): DataSplit {
  const quota = quotas(classCounts(split), split.count, options);
  const picked: number[] = [];
  const left = quota.slice();
  for (const i of permutation(split.count, options.seed ?? TRAINING_DEFAULTS.seed)) {
    const c = split.labels[i];
    if (left[c] > 0) {
      left[c]--;
      picked.push(i);
    }
  }
  return take(split, picked.sort((a, b) => a - b));
}
