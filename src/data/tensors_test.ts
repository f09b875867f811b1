import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { FIXTURE_CHECKSUMS } from "./checksums.ts";
import { loadFashionMnist } from "./load.ts";
import { FIXTURE_DIR } from "./sources.ts";
import { permutation } from "./split.ts";
import { batches, normalize, oneHot, toTensors } from "./tensors.ts";

await tf.setBackend("cpu");
tf.env().set("IS_TEST", true);

const { test } = await loadFashionMnist({
  dir: FIXTURE_DIR,
  checksums: FIXTURE_CHECKSUMS,
  systemDir: null,
  baseUrls: false,
});

Deno.test("normalize maps bytes to b/255 in float32", () => {
  const all = new Uint8Array(256).map((_, i) => i);
  assert.deepEqual(Array.from(normalize(all)), Array.from(all, (b) => Math.fround(b / 255)));
  assert.deepEqual(
    Array.from(normalize(new Uint8Array([0, 51, 255]))),
    [0, 0.2, 1].map(Math.fround),
  );
});

Deno.test("oneHot sets one 1 per row at the label", () => {
  const rows = oneHot(new Uint8Array([2, 0]));
  assert.deepEqual(Array.from(rows.subarray(0, 10)), [0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(Array.from(rows.subarray(10)), [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
});

Deno.test("toTensors gives [N,28,28,1] images in [0,1] and one-hot labels, leaking nothing", () => {
  const before = tf.memory().numTensors;
  const { xs, ys } = toTensors(test, 10, 20);
  assert.deepEqual(xs.shape, [20, 28, 28, 1]);
  assert.deepEqual(ys.shape, [20, 10]);
  assert.equal(xs.dtype, "float32");
  assert.equal(ys.dtype, "float32");
  const [min, max] = tf.tidy(() => [xs.min().dataSync()[0], xs.max().dataSync()[0]]);
  assert.deepEqual([min, max], [0, 1]);
  const labels = tf.tidy(() => Array.from(ys.argMax(1).dataSync()));
  assert.deepEqual(labels, Array.from(test.labels.subarray(10, 30)));
  assert.equal(xs.dataSync()[300], Math.fround(test.images[10 * 784 + 300] / 255));
  assert.equal(tf.memory().numTensors, before + 2);
  tf.dispose([xs, ys]);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("toTensors gives int32 [N] labels when asked", () => {
  const before = tf.memory().numTensors;
  const { xs, ys } = toTensors(test, 0, 5, { labels: "int32" });
  assert.deepEqual(ys.shape, [5]);
  assert.equal(ys.dtype, "int32");
  assert.deepEqual(Array.from(ys.dataSync()), Array.from(test.labels.subarray(0, 5)));
  tf.dispose([xs, ys]);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("batches covers the split in order and leaks no tensor", () => {
  const before = tf.memory().numTensors;
  const sizes: number[] = [];
  let labelsSeen: number[] = [];
  for (const { xs, ys } of batches(test, 128)) {
    sizes.push(xs.shape[0]);
    assert.equal(tf.memory().numTensors, before + 2); // one batch alive at a time
    labelsSeen = labelsSeen.concat(tf.tidy(() => Array.from(ys.argMax(1).dataSync())));
  }
  assert.deepEqual(sizes, [128, 128, 128, 116]);
  assert.deepEqual(labelsSeen, Array.from(test.labels));
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("batches follows a seeded order and disposes the batch when the loop breaks", () => {
  const before = tf.memory().numTensors;
  const order = permutation(test.count, 9);
  let first: number[] = [];
  let pixel = -1;
  for (const { xs, ys } of batches(test, { batchSize: 4, order, labels: "int32" })) {
    first = Array.from(ys.dataSync());
    pixel = xs.dataSync()[784 + 400]; // image 1 of the batch, pixel 400
    break;
  }
  assert.deepEqual(first, Array.from(order.subarray(0, 4), (i) => test.labels[i]));
  assert.equal(pixel, Math.fround(test.images[order[1] * 784 + 400] / 255));
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("toTensors and batches reject ranges and sizes outside the split", () => {
  const split = { images: new Uint8Array(784 * 2), labels: new Uint8Array(2), count: 2 };
  assert.throws(() => toTensors(split, 1, 2), {
    name: "RangeError",
    message: "toTensors: expected a range within 0..2, got 1+2",
  });
  assert.throws(() => batches(split, 0).next(), {
    name: "RangeError",
    message: "batches: expected a positive integer batch size, got 0",
  });
  assert.throws(() => batches(split, { batchSize: 1, order: [0] }).next(), {
    name: "RangeError",
    message: "batches: expected an order of 2 indices, got 1",
  });
});
