import assert from "node:assert/strict";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { buildModel } from "../models/factory.ts";
import { referenceSpec } from "../models/spec.ts";
import { restoreCheckpoint, saveCheckpoint, saveModel } from "./checkpoint.ts";

await tf.setBackend("cpu");
tf.env().set("IS_TEST", true);

const spec = referenceSpec("tiny", 4);
const epochRecord = (epoch: number) => ({
  epoch,
  trainSeconds: 1,
  imagesPerSecond: 8,
  loss: 1,
  accuracy: 0.5,
  valLoss: null,
  valAccuracy: null,
  numTensors: 0,
});

async function trainedModel(): Promise<tf.Sequential> {
  const model = buildModel(spec, { seed: 3 });
  const xs = tf.randomUniform([8, 28, 28, 1], 0, 1, "float32", 1);
  const ys = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], "int32"), 10).toFloat();
  await model.fit(xs, ys, { epochs: 2, batchSize: 4, verbose: 0 });
  tf.dispose([xs, ys]);
  return model;
}

Deno.test("restoreCheckpoint brings back weights, optimizer state and epochs", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const a = await trainedModel();
    await saveCheckpoint(dir, a, { model: "tiny", epochs: [epochRecord(1), epochRecord(2)] });
    const b = buildModel(spec, { seed: 99 });
    const state = await restoreCheckpoint(dir, b, "tiny");
    assert.deepEqual(state?.epochs.map((e) => e.epoch), [1, 2]);
    const weights = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));
    assert.deepEqual(weights(b), weights(a));
    const opt = async (m: tf.LayersModel) => {
      const ws = await m.optimizer.getWeights();
      const values = ws.map((w) => Array.from(w.tensor.dataSync()));
      ws.filter((w) => w.name === "iter").forEach((w) => w.tensor.dispose());
      return values;
    };
    const [oa, ob] = [await opt(a), await opt(b)];
    assert.equal(oa[0][0], 4); // 2 epochs × 2 batches
    assert.deepEqual(ob, oa);
    for (const m of [a, b]) {
      m.optimizer.dispose();
      m.dispose();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("saveCheckpoint keeps only the latest epoch and leaks no tensor", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const model = await trainedModel();
    await saveCheckpoint(dir, model, { model: "tiny", epochs: [epochRecord(1)] });
    const before = tf.memory().numTensors;
    await saveCheckpoint(dir, model, { model: "tiny", epochs: [epochRecord(1), epochRecord(2)] });
    assert.equal(tf.memory().numTensors, before);
    const names = [];
    for await (const e of Deno.readDir(dir)) names.push(e.name);
    assert.deepEqual(names.sort(), ["epoch-0002", "latest.json"]);
    assert.deepEqual(JSON.parse(await Deno.readTextFile(join(dir, "latest.json"))), {
      epoch: 2,
      dir: "epoch-0002",
    });
    model.optimizer.dispose();
    model.dispose();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("restoreCheckpoint refuses a checkpoint of another model", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const model = await trainedModel();
    await saveCheckpoint(dir, model, { model: "tiny", epochs: [epochRecord(1)] });
    await assert.rejects(restoreCheckpoint(dir, model, "model1"), {
      name: "TypeError",
      message: `${join(dir, "epoch-0001")}: expected a checkpoint of model1, found one of tiny`,
    });
    assert.equal(await restoreCheckpoint(join(dir, "none"), model, "tiny"), undefined);
    model.optimizer.dispose();
    model.dispose();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("saveModel writes a model that tf.loadLayersModel reads back", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const model = await trainedModel();
    await saveModel(model, join(dir, "tiny"));
    const json = JSON.parse(await Deno.readTextFile(join(dir, "tiny", "model.json")));
    assert.deepEqual(json.weightsManifest[0].paths, ["weights.bin"]);
    const weights = await Deno.readFile(join(dir, "tiny", "weights.bin"));
    const loaded = await tf.loadLayersModel(tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest[0].weights,
      weightData: weights.buffer,
    }));
    const x = tf.ones([1, 28, 28, 1]);
    const [p, q] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
    assert.deepEqual(Array.from(q.dataSync()), Array.from(p.dataSync()));
    tf.dispose([x, p, q]);
    model.optimizer.dispose();
    model.dispose();
    loaded.dispose();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
