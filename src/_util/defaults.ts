/**
 * The training settings every part of the suite shares when a caller names
 * none: the batch size, the seed and Adam's learning rate. One place, so the
 * trainer, the model factory, the data splits, the benches and the run
 * description agree; the models are compared at these values.
 *
 * @module
 */

/** The suite's training defaults. */
export const TRAINING_DEFAULTS = Object.freeze({
  /** Images per training batch. */
  batchSize: 128,
  /** Seed of the weights, dropout, shuffling and splits. */
  seed: 42,
  /** Adam's learning rate (Keras's default). */
  learningRate: 1e-3,
});
