import assert from "node:assert/strict";
import { encodeJobData, readJobData } from "./job_wire.ts";
import type { DataSplit } from "../data/split.ts";

function split(count: number, seed: number): DataSplit {
  const images = new Uint8Array(count * 784).map((_, i) => (i * 7 + seed) % 256);
  const labels = new Uint8Array(count).map((_, i) => (i + seed) % 10);
  return { images, labels, count };
}

Deno.test("a job's data travels as bytes and comes back split as it was", async () => {
  const splits = { train: split(5, 1), validation: split(2, 2), test: split(3, 3) };
  const bytes = await encodeJobData(splits);
  assert.equal(bytes.length, 10 * 785);
  const back = readJobData(bytes, { train: 5, validation: 2, test: 3 });
  for (const name of ["train", "validation", "test"] as const) {
    assert.equal(back[name].count, splits[name].count);
    assert.deepEqual(back[name].images, splits[name].images);
    assert.deepEqual(back[name].labels, splits[name].labels);
  }
});

Deno.test("readJobData names the sizes it expected when the bytes are short", () => {
  assert.throws(() => readJobData(new Uint8Array(100), { train: 1, validation: 0, test: 0 }), {
    name: "RangeError",
    message: "the job's data: expected 785 bytes for 1/0/0 images, got 100",
  });
});
