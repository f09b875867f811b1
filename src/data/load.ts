/**
 * `loadFashionMnist`: find, verify, cache and parse the four files.
 *
 * Each file is taken from the first place with a good copy (see
 * `sources.ts`): a folder the caller names, the decoded cache, Debian's
 * system copy, a download. A copy taken from anywhere but the cache is then
 * kept decompressed in the cache (atomically), so the next load skips gunzip
 * and the network (see `cache.ts`).
 *
 * @module
 */
import { dirname } from "node:path";
import { unlessNotFound } from "../_util/fs.ts";
import { DecodedCache, decodedCacheDir } from "./cache.ts";
import {
  type Checksums,
  FILE_ROLES,
  type FileRole,
  FIXTURE_CHECKSUMS,
  FULL_CHECKSUMS,
} from "./checksums.ts";
import { CLASS_NAMES } from "./classes.ts";
import { DatasetError } from "./errors.ts";
import { type IdxFile, parseIdxSplit } from "./idx.ts";
import { type FileSource, FIXTURE_DIR, resolveFile, type SourcePlaces } from "./sources.ts";
import type { DataSplit } from "./split.ts";

/** Options for {@link loadFashionMnist}: where to look (see `sources.ts`) and what to expect; every one has a default. */
export interface LoadOptions extends SourcePlaces {
  /**
   * (b) The suite's cache folder (see `defaultCacheDir`); the decoded cache
   * lives in its `fashion-mnist/` subfolder. Default: none, so no cache is
   * read or written.
   */
  cacheDir?: string;
  /**
   * Expected SHA-256 of each decompressed file. Default
   * {@link FULL_CHECKSUMS}; pass `FIXTURE_CHECKSUMS` to load the fixtures.
   */
  checksums?: Checksums;
}

/** The loaded dataset. */
export interface FashionMnist {
  /** The training split (60,000 images in the full dataset). */
  train: DataSplit;
  /** The test split (10,000 images in the full dataset). */
  test: DataSplit;
  /** Class names by label. */
  classNames: readonly string[];
  /** Where each file came from and how it was checked, in {@link FILE_ROLES} order. */
  files: FileSource[];
  /** Bad copies met and skipped on the way, and cache writes that failed; one line each. */
  warnings: string[];
  /** One line saying where the data came from, for results, e.g. `system: /usr/share/…`. */
  description: string;
}

/**
 * Loads Fashion-MNIST from the first place that has good copies (see the
 * module doc), verifying every file's SHA-256 and parsing it as IDX.
 * The images and labels are views into the decompressed file bytes (no copy).
 *
 * @throws {DatasetError} When the named folder does not exist or holds a bad
 *   copy (naming the file, the expected and got SHA-256 and the fix); when no
 *   place has a good copy (listing the places looked, the problems met and
 *   the three fixes); or when the files do not parse.
 */
export async function loadFashionMnist(options: LoadOptions = {}): Promise<FashionMnist> {
  const { dir, checksums = FULL_CHECKSUMS } = options;
  if (dir !== undefined) {
    const stat = await unlessNotFound(() => Deno.stat(dir));
    if (!stat?.isDirectory) {
      throw new DatasetError(
        `${dir}: expected a folder holding the Fashion-MNIST files, but ` +
          `${stat ? "it is not a folder" : "it does not exist"}; check the path`,
      );
    }
  }
  const cache = options.cacheDir === undefined
    ? undefined
    : await DecodedCache.open(decodedCacheDir(options.cacheDir, checksums));
  const warnings: string[] = [];
  const files: FileSource[] = [];
  const idx = {} as Record<FileRole, IdxFile>;
  for (const role of FILE_ROLES) {
    const got = await resolveFile(role, checksums[role], { ...options, cache }, warnings);
    if (cache && got.source.kind !== "cache") {
      // Keep the verified, decompressed bytes for next time; a failure here costs speed only.
      await cache.store(got.source.name, got.bytes, got.source.sha256).catch((err: Error) => {
        warnings.push(
          `${cache.dir}: could not keep ${got.source.name} in the cache (${err.message})`,
        );
      });
    }
    idx[role] = { bytes: got.bytes, source: got.source.path };
    files.push(got.source);
  }

  const split = (images: FileRole, labels: FileRole) => parseIdxSplit(idx[images], idx[labels]);
  const kinds = [...new Set(files.map((f) => f.kind))];
  const place = (f: FileSource) =>
    f.kind === "download" ? f.path.slice(0, f.path.lastIndexOf("/") + 1) : dirname(f.path);
  return {
    train: split("trainImages", "trainLabels"),
    test: split("testImages", "testLabels"),
    classNames: CLASS_NAMES,
    files,
    warnings,
    description: kinds.map((kind) =>
      `${kind}: ${[...new Set(files.filter((f) => f.kind === kind).map(place))].join(", ")}`
    ).join("; "),
  };
}

/**
 * Loads the reduced split in fixtures/ (2,000 training / 500 test images),
 * checked against its own checksums; never looks at the system package or
 * the network.
 */
export function loadFixtureData(): Promise<FashionMnist> {
  return loadFashionMnist({
    dir: FIXTURE_DIR,
    checksums: FIXTURE_CHECKSUMS,
    systemDir: null,
    baseUrls: false,
  });
}
