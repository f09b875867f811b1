/**
 * The native training step against `model.fit`, on the reduced split in
 * fixtures/ and the real tensorflow backend: the same losses and accuracy,
 * the weights and Adam state handed back, no leaked tensor.
 */
import assert from "node:assert/strict";
import { loadBackend } from "../../src/backends/registry.ts";
import { prepareEngine } from "../../src/tf_ops/install.ts";
import { getEngineSpec } from "../../src/engines/registry.ts";
import { loadFixtureData } from "../../src/data/load.ts";
import {
  type DataSplit,
  permutation,
  splitValidation,
  stratifiedSubset,
} from "../../src/data/split.ts";
import { toTensors } from "../../src/data/tensors.ts";
import { buildModel } from "../../src/models/factory.ts";
import { getModelSpec } from "../../src/models/spec.ts";
import { evaluateModel } from "../../src/train/evaluate.ts";
import { fitEpochNative, nativeStepSupport } from "../../src/tf_ops/step.ts";
import { trainEpochs } from "../../src/train/trainer.ts";
import type { TrainStep } from "../../src/engines/registry.ts";

const loaded = await loadBackend("tensorflow");
prepareEngine(loaded, getEngineSpec("native"));
const { tf, device } = loaded;
const data = await loadFixtureData();
const split = splitValidation(data.train, { size: 200, seed: 42 });
/**
 * 300 training images, three batches of 128 (the last one short): for what holds at any size.
 * The comparison with `model.fit` keeps all 1,800: its tolerances are for 45 steps, and its
 * accuracy threshold needs them.
 */
const small = stratifiedSubset(split.train, { size: 300, seed: 42 });
const SMALL_STEPS = Math.ceil(small.count / 128);

async function run(step: TrainStep, epochs: number, trainSplit: DataSplit = split.train) {
  const m = buildModel(getModelSpec("model1"), { seed: 42 });
  const train = toTensors(trainSplit);
  const validation = toTensors(split.validation);
  const test = toTensors(data.test);
  try {
    const records = await trainEpochs({
      model: m,
      train,
      validation,
      epochs,
      step,
      order: (epoch, n) => permutation(n, 42_000 + epoch),
    });
    const evaluated = await evaluateModel(m, test.xs, test.ys);
    return { records, test: evaluated };
  } finally {
    m.optimizer.dispose();
    m.dispose();
    tf.dispose([train.xs, train.ys, validation.xs, validation.ys, test.xs, test.ys]);
  }
}

Deno.test("native step trains model1 to model.fit's losses and accuracy on the fixture split", async () => {
  const fit = await run("fit", 3);
  const native = await run("native", 3);
  for (const i of [0, 1, 2]) {
    const [a, b] = [native.records[i], fit.records[i]];
    assert.ok(Math.abs(a.loss - b.loss) < 2e-3, `epoch ${i + 1}: loss ${a.loss} vs ${b.loss}`);
    assert.ok(Math.abs(a.valLoss! - b.valLoss!) < 5e-3, `val loss ${a.valLoss} vs ${b.valLoss}`);
    assert.ok(Math.abs(a.accuracy - b.accuracy) < 0.01, `acc ${a.accuracy} vs ${b.accuracy}`);
  }
  assert.ok(native.test.accuracy > 0.7, `test accuracy ${native.test.accuracy}`);
  assert.ok(
    Math.abs(native.test.accuracy - fit.test.accuracy) <= 0.01,
    `test accuracy ${native.test.accuracy} vs ${fit.test.accuracy}`,
  );
});

Deno.test("native step with TensorFlow's generic kernels only gives the oneDNN kernels' losses", async () => {
  const { xs, ys } = toTensors(small);
  const losses = [];
  for (const oneDnn of [true, false]) {
    const model = buildModel(getModelSpec("model1"), { seed: 5 });
    losses.push((await fitEpochNative(model, xs, ys, { oneDnn })).loss);
    model.optimizer.dispose();
    model.dispose();
  }
  tf.dispose([xs, ys]);
  assert.ok(Math.abs(losses[0] - losses[1]) < 1e-4, `loss ${losses[0]} vs ${losses[1]}`);
});

Deno.test("native step's fused convolution gives the unfused losses and weights", async () => {
  assert.ok(device.patchedBinding, "deno task setup compiles the binding with list attributes");
  const { xs, ys } = toTensors(small);
  const results = [];
  for (const fused of [false, true]) {
    const model = buildModel(getModelSpec("model1"), { seed: 3 });
    const metrics = await fitEpochNative(model, xs, ys, { fused });
    results.push({ metrics, weights: model.getWeights().map((w) => w.dataSync().slice()) });
    model.optimizer.dispose();
    model.dispose();
  }
  tf.dispose([xs, ys]);
  const [plain, fused] = results;
  assert.ok(
    Math.abs(plain.metrics.loss - fused.metrics.loss) < 1e-4,
    `loss ${plain.metrics.loss} vs ${fused.metrics.loss}`,
  );
  let worst = 0;
  plain.weights.forEach((w, i) =>
    w.forEach((v, j) => worst = Math.max(worst, Math.abs(v - fused.weights[i][j])))
  );
  assert.ok(worst < 5e-3, `largest weight difference after ${SMALL_STEPS} steps: ${worst}`);
});

Deno.test("native step leaks no tensor from epoch to epoch", async () => {
  const { records } = await run("native", 3, small);
  const counts = records.map((r) => r.numTensors);
  assert.deepEqual(counts, new Array(3).fill(counts[0]), `numTensors by epoch: ${counts}`);
});

Deno.test("native step hands the weights and Adam's state back to the model", async () => {
  const model = buildModel(getModelSpec("model1"), { seed: 1 });
  const { xs, ys } = toTensors(small);
  try {
    const before = model.getWeights().map((w) => w.dataSync().slice());
    const metrics = await fitEpochNative(model, xs, ys, { batchSize: 128 });
    assert.ok(metrics.loss > 0 && metrics.loss < 2.3, `loss ${metrics.loss}`);
    const after = model.getWeights();
    assert.equal(after.length, 8);
    after.forEach((w, i) => assert.notDeepEqual(w.dataSync(), before[i], `weight ${i} moved`));
    const state = await model.optimizer.getWeights();
    assert.equal(state.length, 1 + 2 * 8, "iterations, then a first and second moment per weight");
    assert.equal(state[0].tensor.dataSync()[0], SMALL_STEPS, "one step per batch");
    assert.ok(state[1 + 8].tensor.dataSync().some((v) => v > 0), "second moments are set");
    state[0].tensor.dispose();
  } finally {
    tf.dispose([xs, ys]);
    model.optimizer.dispose();
    model.dispose();
  }
});

Deno.test("nativeStepSupport names the layer and the backend it cannot run", async () => {
  const model = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28, 1] }),
      tf.layers.dense({ units: 10, activation: "sigmoid" }),
    ],
  });
  model.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
  const name = model.layers[1].name;
  assert.equal(
    nativeStepSupport(model),
    `native step: ${name} (Dense) has activation sigmoid, expected softmax; ` +
      "it supports only buildModel's layers",
  );
  assert.equal(nativeStepSupport(buildModel(getModelSpec("model2"))), undefined);
  await tf.setBackend("cpu");
  try {
    assert.equal(
      nativeStepSupport(model),
      "the native step needs the tensorflow backend, not cpu",
    );
  } finally {
    await tf.setBackend("tensorflow");
  }
  model.dispose();
});
