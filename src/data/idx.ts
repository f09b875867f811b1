/**
 * The IDX format of (Fashion-)MNIST: a big-endian header (magic number, then
 * one 32-bit size per dimension) followed by unsigned bytes.
 *
 * @module
 */
import { DatasetError } from "./errors.ts";

/** IDX magic number of an image file: unsigned bytes, 3 dimensions. */
export const IMAGES_MAGIC = 2051;
/** IDX magic number of a label file: unsigned bytes, 1 dimension. */
export const LABELS_MAGIC = 2049;
/** Image side length in pixels. */
export const IMAGE_SIZE = 28;
/** Pixels per image. */
export const IMAGE_PIXELS = IMAGE_SIZE * IMAGE_SIZE;

/** Parsed images: `count` images of 28×28 bytes, row-major, one after the other. */
export interface IdxImages {
  /** Number of images. */
  count: number;
  /** `count × 784` pixel bytes (0–255), a view into the file's bytes. */
  pixels: Uint8Array;
}

function header(bytes: Uint8Array, source: string, words: number): DataView {
  if (bytes.length < 4 * words) {
    throw new DatasetError(
      `${source}: expected an IDX header of ${
        4 * words
      } bytes, got a file of ${bytes.length} bytes (truncated?)`,
    );
  }
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function checkMagic(view: DataView, source: string, expected: number, what: string): void {
  const magic = view.getUint32(0);
  if (magic !== expected) {
    throw new DatasetError(`${source}: expected IDX magic ${expected} (${what}), got ${magic}`);
  }
}

function checkLength(bytes: Uint8Array, source: string, expected: number, promise: string): void {
  if (bytes.length !== expected) {
    throw new DatasetError(
      `${source}: expected ${expected} bytes (${promise}), got ${bytes.length}` +
        (bytes.length < expected ? " (truncated?)" : ""),
    );
  }
}

/**
 * Parses an IDX image file.
 *
 * @param source Names the file in errors.
 * @throws {DatasetError} On a wrong magic number, dimensions other than 28×28,
 *   or a byte length that differs from what the header promises.
 */
export function parseIdxImages(bytes: Uint8Array, source: string): IdxImages {
  const view = header(bytes, source, 4);
  checkMagic(view, source, IMAGES_MAGIC, "images");
  const [count, rows, cols] = [view.getUint32(4), view.getUint32(8), view.getUint32(12)];
  if (rows !== IMAGE_SIZE || cols !== IMAGE_SIZE) {
    throw new DatasetError(
      `${source}: expected ${IMAGE_SIZE}×${IMAGE_SIZE} images, got ${rows}×${cols}`,
    );
  }
  checkLength(
    bytes,
    source,
    16 + count * IMAGE_PIXELS,
    `16-byte header + ${count} images of 28×28`,
  );
  return { count, pixels: bytes.subarray(16) };
}

/**
 * Parses an IDX label file.
 *
 * @param source Names the file in errors.
 * @throws {DatasetError} On a wrong magic number, a label above 9, or a byte
 *   length that differs from what the header promises.
 */
export function parseIdxLabels(bytes: Uint8Array, source: string): Uint8Array {
  const view = header(bytes, source, 2);
  checkMagic(view, source, LABELS_MAGIC, "labels");
  const count = view.getUint32(4);
  checkLength(bytes, source, 8 + count, `8-byte header + ${count} labels`);
  const labels = bytes.subarray(8);
  const bad = labels.findIndex((l) => l > 9);
  if (bad >= 0) {
    throw new DatasetError(`${source}: expected labels 0–9, got ${labels[bad]} at index ${bad}`);
  }
  return labels;
}

/**
 * Encodes images or labels as IDX bytes (used to write fixtures and tests).
 */
export function encodeIdx(kind: "images" | "labels", data: Uint8Array, count: number): Uint8Array {
  const headerBytes = kind === "images" ? 16 : 8;
  const out = new Uint8Array(headerBytes + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, kind === "images" ? IMAGES_MAGIC : LABELS_MAGIC);
  view.setUint32(4, count);
  if (kind === "images") {
    view.setUint32(8, IMAGE_SIZE);
    view.setUint32(12, IMAGE_SIZE);
  }
  out.set(data, headerBytes);
  return out;
}
