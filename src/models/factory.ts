/**
 * Builds a fresh, compiled TensorFlow.js model from a {@link ModelSpec}.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { TRAINING_DEFAULTS } from "../_util/defaults.ts";
import { NUM_CLASSES } from "../data/classes.ts";
import { INPUT_SHAPE, type ModelSpec, validateSpec } from "./spec.ts";

/**
 * A standard tfjs `Dropout` layer whose masks are repeatable: tfjs passes
 * the layer's `seed` to `tf.dropout` on every training call, so a fixed seed
 * would draw the same mask at every step, and no seed draws from
 * `Math.random`. Here each read of `seed` yields the next number of a
 * sequence that starts at `seed` (one read per training step; see
 * {@link setDropoutStep}). The layer stays a plain `Dropout` when saved (the
 * seed is left out of its config), so saved models load anywhere.
 */
function seededDropout(rate: number, seed: number): tf.layers.Layer {
  const layer = tf.layers.dropout({ rate });
  const state = { calls: 0 };
  Object.defineProperty(layer, DROPOUT_STATE, { value: state });
  Object.defineProperty(layer, "seed", { get: () => seed * 1_000_003 + state.calls++ });
  const getConfig = layer.getConfig.bind(layer);
  layer.getConfig = () => {
    const { seed: _seed, ...config } = getConfig();
    return config;
  };
  return layer;
}

/** Where a seeded dropout layer keeps how many seeds it has handed out: its training steps so far. */
const DROPOUT_STATE = Symbol("fmnist-bench dropout state");

/**
 * Puts the dropout masks of a {@link buildModel} model at training step
 * `steps` (batches trained so far), so that a model rebuilt from a checkpoint
 * draws the masks the uninterrupted run would have drawn. Layers other than
 * `buildModel`'s seeded dropout are left alone.
 */
export function setDropoutStep(model: tf.LayersModel, steps: number): void {
  for (const layer of model.layers) {
    const state = (layer as unknown as { [DROPOUT_STATE]?: { calls: number } })[DROPOUT_STATE];
    if (state) state.calls = steps;
  }
}

/** Options for {@link buildModel}. */
export interface BuildModelOptions {
  /** Seed for the weight initialisers and dropout; each layer derives its own. Default 42. */
  seed?: number;
  /** Adam's learning rate. Default 1e-3 (Keras's default). */
  learningRate?: number;
}

/**
 * Builds and compiles a model: Adam, categorical cross-entropy on one-hot
 * labels, accuracy metric. Uses whichever TensorFlow.js backend is active.
 *
 * @throws {RangeError} When the spec is invalid (see `validateSpec`).
 */
export function buildModel(spec: ModelSpec, options: BuildModelOptions = {}): tf.Sequential {
  validateSpec(spec);
  const { seed = TRAINING_DEFAULTS.seed, learningRate = TRAINING_DEFAULTS.learningRate } = options;
  let layerSeed = seed;
  const init = () => tf.initializers.glorotUniform({ seed: layerSeed++ });
  const model = tf.sequential({ name: spec.name });
  spec.convFilters.forEach((filters, i) => {
    model.add(tf.layers.conv2d({
      ...(i === 0 ? { inputShape: [...INPUT_SHAPE] } : {}),
      filters,
      kernelSize: spec.kernelSize,
      padding: "same",
      activation: "relu",
      kernelInitializer: init(),
    }));
    model.add(tf.layers.maxPooling2d({ poolSize: spec.poolSize, strides: spec.poolSize }));
  });
  model.add(tf.layers.flatten());
  spec.denseUnits.forEach((units, i) => {
    model.add(tf.layers.dense({ units, activation: "relu", kernelInitializer: init() }));
    if (i === spec.denseUnits.length - 1 && spec.dropout > 0) {
      model.add(seededDropout(spec.dropout, layerSeed++));
    }
  });
  model.add(
    tf.layers.dense({ units: NUM_CLASSES, activation: "softmax", kernelInitializer: init() }),
  );
  model.compile({
    optimizer: tf.train.adam(learningRate),
    loss: "categoricalCrossentropy",
    metrics: ["accuracy"],
  });
  return model;
}
