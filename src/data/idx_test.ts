import assert from "node:assert/strict";
import { encodeIdx, parseIdxSplit } from "./idx.ts";

const images = (count: number) => encodeIdx("images", new Uint8Array(count * 784).fill(7), count);
const labels = (values: number[]) => encodeIdx("labels", new Uint8Array(values), values.length);
/** `bytes` parsed as the images of a split whose labels file is good. */
const parseImages = (bytes: Uint8Array, source: string) =>
  parseIdxSplit({ bytes, source }, { bytes: labels([0, 0, 0]), source: "l" });
/** `bytes` parsed as the labels of a split whose images file is good. */
const parseLabels = (bytes: Uint8Array, source: string) =>
  parseIdxSplit({ bytes: images(1), source: "i" }, { bytes, source });

Deno.test("parseIdxSplit reads the count and a view of the pixels past the header", () => {
  const bytes = images(3);
  const parsed = parseImages(bytes, "x");
  assert.equal(parsed.count, 3);
  assert.equal(parsed.images.length, 3 * 784);
  assert.equal(parsed.images[0], 7);
  assert.equal(parsed.images.buffer, bytes.buffer); // a view, not a copy
  assert.equal(parsed.images.byteOffset, 16);
});

Deno.test("parseIdxSplit rejects an images file with a wrong magic number", () => {
  assert.throws(
    () => parseImages(labels(new Array(20).fill(1)), "/d/train-images-idx3-ubyte.gz"),
    {
      name: "DatasetError",
      message: "/d/train-images-idx3-ubyte.gz: expected IDX magic 2051 (images), got 2049",
    },
  );
});

Deno.test("parseIdxSplit rejects a labels file with a wrong magic number", () => {
  assert.throws(() => parseLabels(images(1), "/d/train-labels-idx1-ubyte"), {
    name: "DatasetError",
    message: "/d/train-labels-idx1-ubyte: expected IDX magic 2049 (labels), got 2051",
  });
});

Deno.test("parseIdxSplit rejects a truncated images file", () => {
  const bytes = images(3).subarray(0, 16 + 2 * 784 + 5);
  assert.throws(() => parseImages(bytes, "imgs"), {
    name: "DatasetError",
    message:
      "imgs: expected 2368 bytes (16-byte header + 3 images of 28×28), got 1589 (truncated?)",
  });
});

Deno.test("parseIdxSplit rejects an images file cut inside its header", () => {
  assert.throws(() => parseImages(new Uint8Array(10), "imgs"), {
    name: "DatasetError",
    message: "imgs: expected an IDX header of 16 bytes, got a file of 10 bytes (truncated?)",
  });
});

Deno.test("parseIdxSplit rejects a truncated labels file", () => {
  assert.throws(() => parseLabels(labels([1, 2, 3]).subarray(0, 9), "labs"), {
    name: "DatasetError",
    message: "labs: expected 11 bytes (8-byte header + 3 labels), got 9 (truncated?)",
  });
});

Deno.test("parseIdxSplit rejects images of dimensions other than 28×28", () => {
  const bytes = images(1);
  new DataView(bytes.buffer).setUint32(8, 32);
  assert.throws(() => parseImages(bytes, "imgs"), {
    name: "DatasetError",
    message: "imgs: expected 28×28 images, got 32×28",
  });
});

Deno.test("parseIdxSplit rejects a labels file with trailing bytes beyond the promised count", () => {
  const bytes = new Uint8Array([...labels([1, 2]), 0]);
  assert.throws(() => parseLabels(bytes, "labs"), {
    name: "DatasetError",
    message: "labs: expected 10 bytes (8-byte header + 2 labels), got 11 (trailing bytes)",
  });
});

Deno.test("parseIdxSplit rejects a label above 9", () => {
  assert.throws(() => parseLabels(labels([1, 12]), "labs"), {
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
