/**
 * The native predictor against tfjs-layers' `predictOnBatch`, on fixture
 * images and the real tensorflow backend, and `measureInference` with each
 * path.
 */
import assert from "node:assert/strict";
import type { Tensor } from "@tensorflow/tfjs";
import { loadBackend } from "../backends/registry.ts";
import { prepareEngine } from "./install.ts";
import { getEngineSpec } from "../engines/registry.ts";
import { loadFixtureData } from "../data/load.ts";
import { toTensors } from "../data/tensors.ts";
import { buildModel } from "../models/factory.ts";
import { getModelSpec, MODEL_NAMES } from "../models/spec.ts";
import { measureInference } from "../train/latency.ts";
import { nativePredictor, nativePredictSupport } from "./predict.ts";

const loaded = await loadBackend("tensorflow");
prepareEngine(loaded, getEngineSpec("native"));
const { tf } = loaded;
const data = await loadFixtureData();
const images = toTensors(data.test, 0, 64).xs;

for (const name of MODEL_NAMES) {
  Deno.test(`native predictor gives predictOnBatch's probabilities for ${name} with each kernel choice`, () => {
    const model = buildModel(getModelSpec(name), { seed: 7 });
    try {
      const choices = ["default", "eigen", "autotune"] as const;
      for (const [kernels, oneDnn] of choices.flatMap((k) => [[k, true], [k, false]] as const)) {
        const { predict } = nativePredictor(model, { kernels, oneDnn });
        for (const x of [images, tf.slice(images, [5, 0, 0, 0], [1, -1, -1, -1])]) {
          const [a, b] = [model.predictOnBatch(x) as Tensor, predict(x)];
          assert.deepEqual(b.shape, a.shape);
          const diff = tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
          assert.ok(diff < 1e-6, `${kernels}, oneDNN ${oneDnn}: largest difference ${diff}`);
          tf.dispose([a, b]);
        }
      }
    } finally {
      model.dispose();
    }
  });
}

Deno.test("native predictor names the kernels it chose for each batch size", () => {
  const model = buildModel(getModelSpec("model1"), { seed: 7 });
  try {
    const eigen = nativePredictor(model, { kernels: "eigen" });
    assert.equal(eigen.kernels(64), undefined);
    eigen.predict(images).dispose();
    assert.deepEqual(eigen.kernels(64), [
      "_FusedConv2D",
      "MaxPool",
      "_FusedConv2D",
      "MaxPool",
      "_FusedMatMul",
      "_FusedMatMul",
    ]);
    const standard = nativePredictor(model, { kernels: "default" });
    standard.predict(images).dispose();
    assert.deepEqual(standard.kernels(64), [
      "_MklNativeFusedConv2D",
      "MaxPool",
      "_MklNativeFusedConv2D",
      "MaxPool",
      "MatMul+BiasAdd+Relu",
      "MatMul+BiasAdd",
    ]);
    // Without oneDNN, only TensorFlow's generic kernels are candidates.
    const generic = nativePredictor(model, { oneDnn: false });
    generic.settle(images);
    const genericChosen = generic.kernels(64)!;
    assert.equal(genericChosen.length, 6);
    assert.ok(genericChosen.every((k) => !k.startsWith("_Mkl")), genericChosen.join(", "));
    const tuned = nativePredictor(model);
    tuned.settle(images);
    const chosen = tuned.kernels(64)!;
    assert.equal(chosen.length, 6);
    chosen.forEach((k, i) => {
      const options = [eigen.kernels(64)![i], standard.kernels(64)![i], "_MklNativeMaxPool"];
      assert.ok(options.includes(k), `${i}: ${k}`);
    });
  } finally {
    model.dispose();
  }
});

Deno.test("native predictor tunes over calls, not in the first one, and settle finishes it", () => {
  const model = buildModel(getModelSpec("model1"), { seed: 7 });
  try {
    const one = tf.slice(images, [0, 0, 0, 0], [1, -1, -1, -1]) as typeof images;
    const tuned = nativePredictor(model);
    const first = tuned.predict(one);
    first.dispose();
    assert.equal(tuned.kernels(1), undefined, "one call cannot have timed every candidate");
    // Each candidate's first call is not counted and five timed ones are the least: ≥ 12 in all.
    const calls = tuned.settle(one);
    assert.ok(calls >= 11, `settled after ${calls} more calls`);
    assert.equal(tuned.kernels(1)?.length, 6);
    assert.equal(tuned.settle(one), 0);
    assert.equal(tuned.kernels(64), undefined, "each batch size is tuned on its own");
    const fixed = nativePredictor(model, { kernels: "default" });
    assert.equal(fixed.settle(one), 0, "one candidate per layer: nothing to tune");
    tf.dispose(one);
    tuned.dispose();
    fixed.dispose();
  } finally {
    model.dispose();
  }
});

Deno.test("native predictor predicts with the weights the model has at the call", () => {
  const model = buildModel(getModelSpec("model1"), { seed: 7 });
  const other = buildModel(getModelSpec("model1"), { seed: 8 });
  try {
    const { predict } = nativePredictor(model);
    const before = predict(images);
    model.setWeights(other.getWeights());
    const [after, expected] = [predict(images), other.predictOnBatch(images) as Tensor];
    assert.ok(tf.max(tf.abs(tf.sub(before, after))).dataSync()[0] > 1e-3);
    assert.ok(tf.max(tf.abs(tf.sub(after, expected))).dataSync()[0] < 1e-6);
    tf.dispose([before, after, expected]);
  } finally {
    model.dispose();
    other.dispose();
  }
});

Deno.test("native predictor leaves no tensor but its result, and none once disposed", () => {
  const model = buildModel(getModelSpec("model2"), { seed: 7 });
  try {
    const start = tf.memory().numTensors;
    const predictor = nativePredictor(model);
    predictor.predict(images).dispose(); // tunes, and keeps the flatten's shape tensor
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) predictor.predict(images).dispose();
    assert.equal(tf.memory().numTensors, before);
    predictor.dispose();
    assert.equal(tf.memory().numTensors, start);
  } finally {
    model.dispose();
  }
});

Deno.test("nativePredictSupport names the layer and the backend it cannot run", async () => {
  const model = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28, 1] }),
      tf.layers.dense({ units: 10, activation: "sigmoid", name: "probabilities" }),
    ],
  });
  assert.equal(
    nativePredictSupport(model),
    "native predictor: probabilities (Dense) has activation sigmoid, expected softmax; " +
      "it supports only buildModel's layers",
  );
  assert.throws(() => nativePredictor(model), TypeError);
  const model2 = buildModel(getModelSpec("model2"));
  assert.equal(nativePredictSupport(model2), undefined);
  await tf.setBackend("cpu");
  try {
    assert.equal(
      nativePredictSupport(model2),
      "the native predictor needs the tensorflow backend, not cpu",
    );
  } finally {
    await tf.setBackend("tensorflow");
    model.dispose();
    model2.dispose();
  }
});

Deno.test("measureInference times the native path and predictOnBatch beside it", async () => {
  const model = buildModel(getModelSpec("model1"), { seed: 7 });
  try {
    const before = tf.memory().numTensors;
    const options = { warmup: 2, runs: 5, batchSize: 64, batchedRuns: 2 };
    const native = await measureInference(model, images, { ...options, path: "native" });
    assert.equal(native.path, "native");
    assert.equal(native.batch1.runs, 5);
    assert.equal(native.batched.batchSize, 64);
    assert.ok(native.batch1.p50Ms > 0 && native.batched.imagesPerSecond > 0);
    assert.equal(native.layers?.batch1.runs, 5);
    assert.equal(native.layers?.batched.batchSize, 64);
    assert.equal(native.kernels?.batch1.length, 6);
    assert.equal(native.kernels?.batched.length, 6);
    const layers = await measureInference(model, images, options);
    assert.equal(layers.path, "layers");
    assert.equal(layers.layers, undefined);
    assert.equal(tf.memory().numTensors, before);
  } finally {
    model.dispose();
  }
});
