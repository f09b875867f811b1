import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { tfjsMemorySampler } from "./tfjs_memory.ts";

Deno.test("tfjsMemorySampler: keeps the peak of live tensor bytes, merged with an earlier record", async () => {
  await tf.setBackend("cpu");
  const base = tf.memory().numBytes;
  const sampler = tfjsMemorySampler();
  assert.equal(sampler.record(), null);
  const big = tf.zeros([1024, 256]); // 1 MiB of float32
  sampler.sample();
  big.dispose();
  sampler.sample();
  const record = sampler.record()!;
  assert.equal(record.peakBytes, base + 1024 * 256 * 4);
  assert.equal(record.samples, 2);
  assert.equal(record.peakBytesInGpu, null);
  const merged = sampler.record({
    peakBytes: 1e9,
    peakTensors: 1,
    peakBytesInGpu: null,
    samples: 5,
  })!;
  assert.deepEqual(merged, { ...record, peakBytes: 1e9, samples: 7 });
});
