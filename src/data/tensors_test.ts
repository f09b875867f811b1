import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { FIXTURE_CHECKSUMS, FIXTURE_DIR } from "./files.ts";
import { loadFashionMnist } from "./load.ts";
import { batches, normalize, oneHot, toTensors } from "./tensors.ts";

await tf.setBackend("cpu");
tf.env().set("IS_TEST", true);

Deno.test("normalize maps bytes to [0, 1]", () => {
  assert.deepEqual(
    Array.from(normalize(new Uint8Array([0, 51, 255]))),
    [0, 0.2, 1].map(Math.fround),
  );
});

Deno.test("oneHot sets one 1 per row at the label", () => {
  assert.deepEqual(Array.from(oneHot(new Uint8Array([2, 0]))), [
    0,
    0,
    1,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    1,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
  ]);
});

Deno.test("toTensors gives [N,28,28,1] images in [0,1] and one-hot labels", async () => {
  const { test } = await loadFashionMnist({
    dir: FIXTURE_DIR,
    checksums: FIXTURE_CHECKSUMS,
    systemDir: null,
    baseUrls: false,
  });
  const before = tf.memory().numTensors;
  const { xs, ys } = toTensors(test, 10, 20);
  assert.deepEqual(xs.shape, [20, 28, 28, 1]);
  assert.deepEqual(ys.shape, [20, 10]);
  assert.equal(xs.dtype, "float32");
  const [min, max] = tf.tidy(() => [xs.min().dataSync()[0], xs.max().dataSync()[0]]);
  assert.ok(min === 0 && max === 1, `range ${min}..${max}`);
  const labels = tf.tidy(() => Array.from(ys.argMax(1).dataSync()));
  assert.deepEqual(labels, Array.from(test.labels.subarray(10, 30)));
  assert.equal(xs.dataSync()[300], Math.fround(test.images[10 * 784 + 300] / 255));
  tf.dispose([xs, ys]);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("batches covers the split in order and leaks no tensor", async () => {
  const { test } = await loadFashionMnist({
    dir: FIXTURE_DIR,
    checksums: FIXTURE_CHECKSUMS,
    systemDir: null,
    baseUrls: false,
  });
  const before = tf.memory().numTensors;
  const sizes: number[] = [];
  let labelsSeen: number[] = [];
  for (const { xs, ys } of batches(test, 128)) {
    sizes.push(xs.shape[0]);
    labelsSeen = labelsSeen.concat(tf.tidy(() => Array.from(ys.argMax(1).dataSync())));
  }
  assert.deepEqual(sizes, [128, 128, 128, 116]);
  assert.deepEqual(labelsSeen, Array.from(test.labels));
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("toTensors rejects a range outside the split", () => {
  const split = { images: new Uint8Array(784 * 2), labels: new Uint8Array(2), count: 2 };
  assert.throws(() => toTensors(split, 1, 2), {
    name: "RangeError",
    message: "toTensors: expected a range within 0..2, got 1+2",
  });
});
