/**
 * The shape of a Fashion-MNIST image, which the IDX files, the splits and
 * the tensors all share.
 *
 * @module
 */

/** Image side length in pixels. */
export const IMAGE_SIZE = 28;
/** Pixels per image (28 × 28). */
export const IMAGE_PIXELS = IMAGE_SIZE * IMAGE_SIZE;
