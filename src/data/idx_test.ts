import assert from "node:assert/strict";
import { encodeIdx, parseIdxImages, parseIdxLabels } from "./idx.ts";

const images = (count: number) => encodeIdx("images", new Uint8Array(count * 784).fill(7), count);
const labels = (values: number[]) => encodeIdx("labels", new Uint8Array(values), values.length);

Deno.test("parseIdxImages reads the count and a view of the pixels", () => {
  const parsed = parseIdxImages(images(3), "x");
  assert.equal(parsed.count, 3);
  assert.equal(parsed.pixels.length, 3 * 784);
  assert.equal(parsed.pixels[0], 7);
});

Deno.test("parseIdxImages rejects a wrong magic number", () => {
  assert.throws(
    () => parseIdxImages(labels(new Array(20).fill(1)), "/d/train-images-idx3-ubyte.gz"),
    {
      name: "DatasetError",
      message: "/d/train-images-idx3-ubyte.gz: expected IDX magic 2051 (images), got 2049",
    },
  );
});

Deno.test("parseIdxImages rejects a truncated file", () => {
  const bytes = images(3).subarray(0, 16 + 2 * 784 + 5);
  assert.throws(() => parseIdxImages(bytes, "imgs"), {
    message:
      "imgs: expected 2368 bytes (16-byte header + 3 images of 28×28), got 1589 (truncated?)",
  });
});

Deno.test("parseIdxImages rejects a file cut inside its header", () => {
  assert.throws(() => parseIdxImages(new Uint8Array(10), "imgs"), {
    message: "imgs: expected an IDX header of 16 bytes, got a file of 10 bytes (truncated?)",
  });
});

Deno.test("parseIdxImages rejects dimensions other than 28×28", () => {
  const bytes = images(1);
  new DataView(bytes.buffer).setUint32(8, 32);
  assert.throws(() => parseIdxImages(bytes, "imgs"), {
    message: "imgs: expected 28×28 images, got 32×28",
  });
});

Deno.test("parseIdxLabels rejects trailing bytes beyond the promised count", () => {
  const bytes = new Uint8Array([...labels([1, 2]), 0]);
  assert.throws(() => parseIdxLabels(bytes, "labs"), {
    message: "labs: expected 10 bytes (8-byte header + 2 labels), got 11",
  });
});

Deno.test("parseIdxLabels rejects a label above 9", () => {
  assert.throws(() => parseIdxLabels(labels([1, 12]), "labs"), {
    message: "labs: expected labels 0–9, got 12 at index 1",
  });
});
