/**
 * Subsets of Fashion-MNIST that travel as a folder of IDX files with a
 * `subset.json` beside them: a seeded, class-stratified pick of the official
 * training and test images, and the SHA-256 of each file it wrote, so that a
 * loader verifies the subset as strictly as the official data (see
 * {@link readSubsetManifest}). The GPU kit carries one (`src/kit/kit_data.ts`).
 *
 * @module
 */
import { join } from "node:path";
import { sha256Hex } from "../_util/hash.ts";
import { type Checksums, FILE_ROLES, type FileRole } from "./checksums.ts";
import { DatasetError } from "./errors.ts";
import { encodeIdx } from "./idx.ts";
import type { FashionMnist } from "./load.ts";
import { stratifiedSubset } from "./split.ts";

/** The manifest's name in a subset's folder. */
export const SUBSET_MANIFEST = "subset.json";

/** How a subset was made, and the checksums of its files. */
export interface SubsetManifest {
  /** Always `"fmnist-bench-subset"`. */
  kind: "fmnist-bench-subset";
  /** SHA-256 of the four files it was picked from (the official data's). */
  of: Checksums;
  /** Seed of the stratified pick. */
  seed: number;
  /** Images per class it holds, of the training and of the test files. */
  perClass: { train: number; test: number };
  /** Images it holds. */
  counts: { train: number; test: number };
  /** SHA-256 of each of its four decompressed files. */
  sha256: Checksums;
}

/** Options of {@link makeSubset}. */
export interface SubsetSpec {
  /** Training images per class (at most 6,000 in the official data). */
  trainPerClass: number;
  /** Test images per class (1,000 is the whole test split). */
  testPerClass: number;
  /** Seed of the pick. Default 42. */
  seed?: number;
}

/** A subset made in memory: each file's bytes, and its manifest. */
export interface Subset {
  /** The four IDX files, uncompressed, by role. */
  files: Record<FileRole, Uint8Array>;
  /** Its manifest. */
  manifest: SubsetManifest;
}

/**
 * Picks a stratified subset of `data` (the same pick for the same data and
 * spec) and encodes it as the four IDX files.
 *
 * @throws {RangeError} When a class has fewer images than asked.
 */
export function makeSubset(data: FashionMnist, spec: SubsetSpec): Subset {
  const seed = spec.seed ?? 42;
  const train = stratifiedSubset(data.train, { perClass: spec.trainPerClass, seed });
  const test = stratifiedSubset(data.test, { perClass: spec.testPerClass, seed });
  const files: Record<FileRole, Uint8Array> = {
    trainImages: encodeIdx("images", train.images, train.count),
    trainLabels: encodeIdx("labels", train.labels, train.count),
    testImages: encodeIdx("images", test.images, test.count),
    testLabels: encodeIdx("labels", test.labels, test.count),
  };
  const shaOf = (role: FileRole) => data.files.find((f) => f.role === role)?.sha256 ?? "";
  const sha = (f: (r: FileRole) => string) =>
    Object.fromEntries(FILE_ROLES.map((r) => [r, f(r)])) as unknown as Checksums;
  return {
    files,
    manifest: {
      kind: "fmnist-bench-subset",
      of: sha(shaOf),
      seed,
      perClass: { train: spec.trainPerClass, test: spec.testPerClass },
      counts: { train: train.count, test: test.count },
      sha256: sha((r) => sha256Hex(files[r])),
    },
  };
}

/** A subset's folder in words: `subset: DIR (30,000 training, 10,000 test images, 3000 and 1000 per class, seed 42)`. */
export function describeSubset(dir: string, m: SubsetManifest): string {
  return `subset: ${dir} (${m.counts.train.toLocaleString("en-US")} training, ${
    m.counts.test.toLocaleString("en-US")
  } test images, ${m.perClass.train} and ${m.perClass.test} per class, seed ${m.seed})`;
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * The manifest of the subset in `dir`, checked for shape.
 *
 * @returns `undefined` when `dir` has no `subset.json` (it is not a subset's folder).
 * @throws {DatasetError} When `subset.json` is not a subset manifest; the message names the field.
 */
export async function readSubsetManifest(dir: string): Promise<SubsetManifest | undefined> {
  const path = join(dir, SUBSET_MANIFEST);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory) {
      return undefined;
    }
    throw err;
  }
  const bad = (what: string) =>
    new DatasetError(
      `${path}: expected a Fashion-MNIST subset manifest, but ${what}; ` +
        "copy the subset's folder again, or remove subset.json to load the folder as the official data",
    );
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw bad("it is not JSON");
  }
  const m = value as Partial<SubsetManifest>;
  if (m?.kind !== "fmnist-bench-subset") throw bad(`kind is ${JSON.stringify(m?.kind)}`);
  for (const field of ["of", "sha256"] as const) {
    for (const role of FILE_ROLES) {
      if (typeof m[field]?.[role] !== "string" || !HEX64.test(m[field]![role])) {
        throw bad(`${field}.${role} is not a SHA-256`);
      }
    }
  }
  if (!Number.isInteger(m.seed)) throw bad("seed is not an integer");
  for (const field of ["perClass", "counts"] as const) {
    for (const part of ["train", "test"] as const) {
      if (!Number.isInteger(m[field]?.[part]) || m[field]![part] < 1) {
        throw bad(`${field}.${part} is not a positive integer`);
      }
    }
  }
  return m as SubsetManifest;
}
