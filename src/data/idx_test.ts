import assert from "node:assert/strict";
import { encodeIdx, parseIdxImages, parseIdxLabels, parseIdxSplit } from "./idx.ts";

const images = (count: number) => encodeIdx("images", new Uint8Array(count * 784).fill(7), count);
const labels = (values: number[]) => encodeIdx("labels", new Uint8Array(values), values.length);

Deno.test("parseIdxImages reads the count and a view of the pixels past the header", () => {
  const bytes = images(3);
  const parsed = parseIdxImages(bytes, "x");
  assert.equal(parsed.count, 3);
  assert.equal(parsed.pixels.length, 3 * 784);
  assert.equal(parsed.pixels[0], 7);
  assert.equal(parsed.pixels.buffer, bytes.buffer); // a view, not a copy
  assert.equal(parsed.pixels.byteOffset, 16);
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

Deno.test("parseIdxLabels rejects a wrong magic number", () => {
  assert.throws(() => parseIdxLabels(images(1), "/d/train-labels-idx1-ubyte"), {
    name: "DatasetError",
    message: "/d/train-labels-idx1-ubyte: expected IDX magic 2049 (labels), got 2051",
  });
});

Deno.test("parseIdxImages rejects a truncated file", () => {
  const bytes = images(3).subarray(0, 16 + 2 * 784 + 5);
  assert.throws(() => parseIdxImages(bytes, "imgs"), {
    name: "DatasetError",
    message:
      "imgs: expected 2368 bytes (16-byte header + 3 images of 28×28), got 1589 (truncated?)",
  });
});

Deno.test("parseIdxImages rejects a file cut inside its header", () => {
  assert.throws(() => parseIdxImages(new Uint8Array(10), "imgs"), {
    name: "DatasetError",
    message: "imgs: expected an IDX header of 16 bytes, got a file of 10 bytes (truncated?)",
  });
});

Deno.test("parseIdxLabels rejects a truncated file", () => {
  assert.throws(() => parseIdxLabels(labels([1, 2, 3]).subarray(0, 9), "labs"), {
    name: "DatasetError",
    message: "labs: expected 11 bytes (8-byte header + 3 labels), got 9 (truncated?)",
  });
});

Deno.test("parseIdxImages rejects dimensions other than 28×28", () => {
  const bytes = images(1);
  new DataView(bytes.buffer).setUint32(8, 32);
  assert.throws(() => parseIdxImages(bytes, "imgs"), {
    name: "DatasetError",
    message: "imgs: expected 28×28 images, got 32×28",
  });
});

Deno.test("parseIdxLabels rejects trailing bytes beyond the promised count", () => {
  const bytes = new Uint8Array([...labels([1, 2]), 0]);
  assert.throws(() => parseIdxLabels(bytes, "labs"), {
    name: "DatasetError",
    message: "labs: expected 10 bytes (8-byte header + 2 labels), got 11 (trailing bytes)",
  });
});

Deno.test("parseIdxLabels rejects a label above 9", () => {
  assert.throws(() => parseIdxLabels(labels([1, 12]), "labs"), {
    name: "DatasetError",
    message: "labs: expected labels 0–9, got 12 at index 1",
  });
});

Deno.test("parseIdxSplit rejects images and labels that disagree in count", () => {
  assert.throws(
    () =>
      parseIdxSplit(
        { bytes: images(3), source: "/d/t10k-images-idx3-ubyte" },
        { bytes: labels([1, 2]), source: "/d/t10k-labels-idx1-ubyte" },
      ),
    {
      name: "DatasetError",
      message:
        "/d/t10k-labels-idx1-ubyte: expected 3 labels, one per image in /d/t10k-images-idx3-ubyte, got 2",
    },
  );
});

Deno.test("parseIdxSplit pairs images with their labels", () => {
  const split = parseIdxSplit({ bytes: images(2), source: "i" }, {
    bytes: labels([4, 9]),
    source: "l",
  });
  assert.equal(split.count, 2);
  assert.deepEqual([...split.labels], [4, 9]);
  assert.equal(split.images.length, 2 * 784);
});

Deno.test("encodeIdx rejects data that does not fit the count", () => {
  assert.throws(() => encodeIdx("images", new Uint8Array(100), 1), {
    name: "RangeError",
    message: "encodeIdx: expected 784 bytes for 1 images, got 100",
  });
});
