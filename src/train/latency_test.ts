/**
 * Inference timing on the real tensorflow backend, with model1 on fixture
 * images: the structure of the figures (never their speed), the run counts
 * asked for, the native path's extra figures and kernels, the refusals, and
 * no leaked tensor.
 */
import assert from "node:assert/strict";
import type { LayersModel, Tensor4D } from "@tensorflow/tfjs";
import { loadBackend } from "../backends/registry.ts";
import { prepareEngine } from "../tf_ops/install.ts";
import { getEngineSpec } from "../engines/registry.ts";
import { loadFixtureData } from "../data/load.ts";
import { stratifiedSubset } from "../data/split.ts";
import { toTensors } from "../data/tensors.ts";
import { buildModel } from "../models/factory.ts";
import { getModelSpec, referenceSpec } from "../models/spec.ts";
import { inferenceBatchFor, type InferenceTimes, measureInference } from "./latency.ts";
import { percentile } from "../_util/stats.ts";

const loaded = await loadBackend("tensorflow");
prepareEngine(loaded, getEngineSpec("native"));
const { tf } = loaded;
const testImages = stratifiedSubset((await loadFixtureData()).test, { size: 40, seed: 3 });
const few = { warmup: 2, runs: 20, batchSize: 32, batchedRuns: 3 } as const;

/** Runs `fn` with an untrained model1 and 40 fixture test images, disposing both after. */
async function withModel1<T>(fn: (model: LayersModel, images: Tensor4D) => T): Promise<Awaited<T>> {
  const model = buildModel(getModelSpec("model1"), { seed: 42 });
  const { xs, ys } = toTensors(testImages);
  ys.dispose();
  try {
    return await fn(model, xs);
  } finally {
    model.optimizer.dispose();
    model.dispose();
    xs.dispose();
  }
}

/** Checks figures of `measureInference`: present, positive, finite, ordered, counted as asked. */
function assertTimes(t: InferenceTimes, runs: number, batchSize: number, batchedRuns: number) {
  const { p50Ms, p95Ms, minMs } = t.batch1;
  for (const ms of [p50Ms, p95Ms, minMs]) assert.ok(Number.isFinite(ms) && ms > 0, `${ms} ms`);
  assert.ok(minMs <= p50Ms && p50Ms <= p95Ms, `min ${minMs} ≤ p50 ${p50Ms} ≤ p95 ${p95Ms}`);
  assert.equal(t.batch1.runs, runs);
  assert.equal(t.batched.batchSize, batchSize);
  assert.equal(t.batched.runs, batchedRuns);
  const ips = t.batched.imagesPerSecond;
  assert.ok(Number.isFinite(ips) && ips > 0, `${ips} images/s`);
}

Deno.test("measureInference times predictOnBatch: ordered batch-1 percentiles, the runs asked, batched images/s", async () => {
  const { result, leaked } = await withModel1(async (model, images) => {
    const before = tf.memory().numTensors;
    const result = await measureInference(model, images, few);
    return { result, leaked: tf.memory().numTensors - before };
  });
  assert.equal(leaked, 0, "no tensor leaked");
  assert.equal(result.path, "layers");
  assertTimes(result, 20, 32, 3);
  assert.deepEqual(Object.keys(result).sort(), ["batch1", "batched", "firstCallMs", "path"]);
  assert.ok(result.firstCallMs > 0);
});

Deno.test("measureInference refuses a batch larger than the images given, and defaults to them all", async () => {
  await withModel1(async (model, images) => {
    const three = tf.slice(images, [0, 0, 0, 0], [3, -1, -1, -1]);
    const before = tf.memory().numTensors;
    await assert.rejects(measureInference(model, three, { ...few, batchSize: 8 }), {
      name: "RangeError",
      message: "measureInference: expected a batch size from 1 to the 3 images given, got 8; " +
        "cap it with inferenceBatchFor",
    });
    await assert.rejects(
      measureInference(model, three, { ...few, batchSize: 2, moreBatchSizes: [4] }),
      { message: /^measureInference: expected a batch size from 1 to the 3 images given, got 4;/ },
    );
    assert.equal(tf.memory().numTensors, before, "no tensor leaked");
    // By default the batch is every image there is; one run gives every percentile as that run.
    const result = await measureInference(model, three, { warmup: 0, runs: 1, batchedRuns: 1 });
    assertTimes(result, 1, 3, 1);
    assert.equal(result.batch1.p50Ms, result.batch1.minMs);
    assert.equal(result.batch1.p95Ms, result.batch1.minMs);
    three.dispose();
  });
});

Deno.test("measureInference times each further batch size as the main one", async () => {
  await withModel1(async (model, images) => {
    const before = tf.memory().numTensors;
    const result = await measureInference(model, images, {
      ...few,
      batchSize: 4,
      moreBatchSizes: [2, 3],
    });
    assert.deepEqual(result.moreBatches?.map((b) => [b.batchSize, b.runs, b.samplesMs?.length]), [
      [2, few.batchedRuns, few.batchedRuns],
      [3, few.batchedRuns, few.batchedRuns],
    ]);
    for (const b of result.moreBatches!) {
      assert.ok(
        Math.abs(b.imagesPerSecond - b.batchSize / (percentile(b.samplesMs!, 50) / 1000)) < 1e-6,
      );
    }
    assert.equal((await measureInference(model, images, few)).moreBatches, undefined);
    assert.equal(tf.memory().numTensors, before, "no tensor leaked");
  });
});

Deno.test("inferenceBatchFor caps the batch at the images there are", () => {
  assert.equal(inferenceBatchFor(1024, 500), 500);
  assert.equal(inferenceBatchFor(256, 10000), 256);
});

Deno.test("measureInference refuses fewer than one run, leaking nothing", async () => {
  await withModel1(async (model, images) => {
    const before = tf.memory().numTensors;
    await assert.rejects(measureInference(model, images, { runs: 0 }), {
      name: "RangeError",
      message: "measureInference: expected runs ≥ 1, got 0/5",
    });
    await assert.rejects(measureInference(model, images, { batchedRuns: 0 }), {
      name: "RangeError",
      message: "measureInference: expected runs ≥ 1, got 100/0",
    });
    assert.equal(tf.memory().numTensors, before);
  });
});

Deno.test("measureInference's native path times the predictor and predictOnBatch and names its kernels", async () => {
  const { result, leaked } = await withModel1(async (model, images) => {
    const before = tf.memory().numTensors;
    const result = await measureInference(model, images, { ...few, path: "native" });
    return { result, leaked: tf.memory().numTensors - before };
  });
  assert.equal(leaked, 0, "no tensor leaked, the predictor disposed");
  assert.equal(result.path, "native");
  assertTimes(result, 20, 32, 3);
  assert.ok(result.layers, "predictOnBatch's figures come with it");
  assertTimes(result.layers, 20, 32, 3);
  // One kernel name per convolution, max-pool and dense layer of model1, at each batch size.
  const conv = /^(_MklNativeFusedConv2D|Conv2D\+BiasAdd\+Relu|_FusedConv2D)$/;
  const pool = /^(MaxPool|_MklNativeMaxPool)$/;
  const hidden = /^(MatMul\+BiasAdd\+Relu|_FusedMatMul)$/;
  const output = /^(MatMul\+BiasAdd|_FusedMatMul)$/; // the softmax follows, unfused
  for (const kernels of [result.kernels!.batch1, result.kernels!.batched]) {
    assert.equal(kernels.length, 6, kernels.join(", "));
    [conv, pool, conv, pool, hidden, output].forEach((re, i) => assert.match(kernels[i], re));
  }
});

Deno.test("measureInference's native path without oneDNN picks none of oneDNN's kernels", async () => {
  const result = await withModel1((model, images) =>
    measureInference(model, images, { ...few, runs: 5, path: "native", oneDnn: false })
  );
  const kernels = [...result.kernels!.batch1, ...result.kernels!.batched];
  assert.equal(kernels.length, 12);
  assert.deepEqual(kernels.filter((k) => k.includes("Mkl")), [], kernels.join(", "));
});

Deno.test("measureInference's native path refuses the pure-JS backend with a TypeError", async () => {
  await loadBackend("cpu");
  const small = buildModel(referenceSpec("tiny", 4));
  const x = tf.zeros([2, 28, 28, 1]) as Tensor4D;
  try {
    const before = tf.memory().numTensors;
    await assert.rejects(measureInference(small, x, { path: "native", runs: 1, batchSize: 2 }), {
      name: "TypeError",
      message: "the native predictor needs the tensorflow backend, not cpu",
    });
    assert.equal(tf.memory().numTensors, before);
    // The layers path runs on it.
    const layers = await measureInference(small, x, {
      warmup: 0,
      runs: 2,
      batchSize: 2,
      batchedRuns: 1,
    });
    assertTimes(layers, 2, 2, 1);
  } finally {
    x.dispose();
    small.optimizer.dispose();
    small.dispose();
    await tf.setBackend("tensorflow");
  }
});
