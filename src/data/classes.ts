/**
 * The ten Fashion-MNIST classes, in label order.
 *
 * @module
 */

/** Class names by label (0–9), as in the dataset's README. */
export const CLASS_NAMES: readonly string[] = Object.freeze([
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
]);

/** Number of classes. */
export const NUM_CLASSES = 10;
