/**
 * The IDX format of (Fashion-)MNIST: a big-endian header (a magic number, then
 * one 32-bit size per dimension) followed by unsigned bytes. Images are
 * `count × 28 × 28` pixels (magic 2051), labels `count` bytes 0–9 (magic 2049).
 *
 * @module
 */
import { DatasetError } from "./errors.ts";
import { IMAGE_PIXELS, IMAGE_SIZE } from "./checksums.ts";
import type { DataSplit } from "./split.ts";

/** IDX magic number of an image file: unsigned bytes, 3 dimensions. */
export const IMAGES_MAGIC = 2051;
/** IDX magic number of a label file: unsigned bytes, 1 dimension. */
export const LABELS_MAGIC = 2049;
/** Bytes of an image file's header: magic, count, rows, columns. */
export const IMAGES_HEADER_BYTES = 16;
/** Bytes of a label file's header: magic, count. */
export const LABELS_HEADER_BYTES = 8;

/** Which of the two IDX layouts a file has. */
export type IdxKind = "images" | "labels";

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * What is wrong with `bytes` as an IDX file of `kind`, without the file's
 * name (e.g. `expected IDX magic 2051 (images), got 2049`), or `undefined`
 * when it is well-formed: the magic number, 28×28 dimensions, a byte length
 * equal to what the header promises, and labels 0–9.
 */
export function idxProblem(bytes: Uint8Array, kind: IdxKind): string | undefined {
  const headerBytes = kind === "images" ? IMAGES_HEADER_BYTES : LABELS_HEADER_BYTES;
  if (bytes.length < headerBytes) {
    return `expected an IDX header of ${headerBytes} bytes, got a file of ${bytes.length} bytes (truncated?)`;
  }
  const v = view(bytes);
  const magic = v.getUint32(0);
  const expectedMagic = kind === "images" ? IMAGES_MAGIC : LABELS_MAGIC;
  if (magic !== expectedMagic) return `expected IDX magic ${expectedMagic} (${kind}), got ${magic}`;
  const count = v.getUint32(4);
  if (kind === "images") {
    const rows = v.getUint32(8);
    const cols = v.getUint32(12);
    if (rows !== IMAGE_SIZE || cols !== IMAGE_SIZE) {
      return `expected ${IMAGE_SIZE}×${IMAGE_SIZE} images, got ${rows}×${cols}`;
    }
  }
  const expectedLength = headerBytes + count * (kind === "images" ? IMAGE_PIXELS : 1);
  const items = kind === "images" ? `${count} images of 28×28` : `${count} labels`;
  const promise = `${headerBytes}-byte header + ${items}`;
  if (bytes.length !== expectedLength) {
    return `expected ${expectedLength} bytes (${promise}), got ${bytes.length}` +
      (bytes.length < expectedLength ? " (truncated?)" : " (trailing bytes)");
  }
  if (kind === "labels") {
    for (let i = headerBytes; i < bytes.length; i++) {
      if (bytes[i] > 9) return `expected labels 0–9, got ${bytes[i]} at index ${i - headerBytes}`;
    }
  }
  return undefined;
}

/** One decompressed IDX file and the name to use for it in errors. */
export interface IdxFile {
  /** The decompressed bytes. */
  bytes: Uint8Array;
  /** The file's path (or URL), for errors. */
  source: string;
}

/**
 * Parses an image file and its label file into one split, checking that they
 * hold the same number of items. The images and labels are views into the
 * files' bytes past their headers (no copy).
 *
 * @throws {DatasetError} On any problem of either file (see {@link idxProblem}),
 *   e.g. `/d/train-images-idx3-ubyte.gz: expected IDX magic 2051 (images), got 2049`,
 *   or when the counts differ:
 *   `<labels>: expected 60000 labels, one per image in <images>, got 59999`.
 */
export function parseIdxSplit(images: IdxFile, labels: IdxFile): DataSplit {
  for (const [file, kind] of [[images, "images"], [labels, "labels"]] as const) {
    const problem = idxProblem(file.bytes, kind);
    if (problem) throw new DatasetError(`${file.source}: ${problem}`);
  }
  const count = view(images.bytes).getUint32(4);
  const lab = labels.bytes.subarray(LABELS_HEADER_BYTES);
  if (lab.length !== count) {
    throw new DatasetError(
      `${labels.source}: expected ${count} labels, one per image in ${images.source}, ` +
        `got ${lab.length}`,
    );
  }
  return { images: images.bytes.subarray(IMAGES_HEADER_BYTES), labels: lab, count };
}

/**
 * Encodes images (`count × 784` bytes) or labels (`count` bytes) as an IDX
 * file, header included. Used to write fixtures and in tests.
 *
 * @throws {RangeError} When `data`'s length does not fit `count` items.
 */
export function encodeIdx(kind: IdxKind, data: Uint8Array, count: number): Uint8Array {
  const itemBytes = kind === "images" ? IMAGE_PIXELS : 1;
  if (data.length !== count * itemBytes) {
    throw new RangeError(
      `encodeIdx: expected ${count * itemBytes} bytes for ${count} ${kind}, got ${data.length}`,
    );
  }
  const headerBytes = kind === "images" ? IMAGES_HEADER_BYTES : LABELS_HEADER_BYTES;
  const out = new Uint8Array(headerBytes + data.length);
  const v = view(out);
  v.setUint32(0, kind === "images" ? IMAGES_MAGIC : LABELS_MAGIC);
  v.setUint32(4, count);
  if (kind === "images") {
    v.setUint32(8, IMAGE_SIZE);
    v.setUint32(12, IMAGE_SIZE);
  }
  out.set(data, headerBytes);
  return out;
}
