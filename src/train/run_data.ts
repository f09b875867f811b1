/**
 * The data of a run, as `train-all` and the Keras peer both prepare it:
 * Fashion-MNIST (or the fixture split) loaded and verified, a seeded
 * validation split held out of the training images, and stratified subsets of
 * the requested sizes. One function, so every side of a comparison trains on
 * the same images.
 *
 * @module
 */
import { loadFashionMnist, loadFixtureData } from "../data/load.ts";
import { type DataSplit, splitValidation, stratifiedSubset } from "../data/split.ts";
import { describeSubset, readSubsetManifest } from "../data/subset.ts";
import { dataSourceOf, FIXTURES_DESCRIPTION } from "../results/data_source.ts";
import type { DataSource } from "../results/schema.ts";
import { UsageError } from "../_util/usage_error.ts";
import { type RunDescription, validationSizeFor } from "./run_description.ts";

/** What a run loads: its data request, seed and sizes (absent sizes take their defaults). */
export type RunDataRequest = Pick<
  RunDescription,
  "data" | "seed" | "trainSize" | "validationSize" | "testSize"
>;

/** Where a download of the official files goes, and how it reports progress. */
export interface RunDataOptions {
  /** The suite's cache folder (`cacheDirFromEnv`); absent: the official data is not downloaded. */
  cacheDir?: string;
  /** Called as a download progresses. Default: silent. */
  onDownloadProgress?: (file: string, received: number, total: number | undefined) => void;
}

/** The prepared splits. */
export interface RunData {
  /** Training images. */
  train: DataSplit;
  /** Validation images. */
  validation: DataSplit;
  /** Test images. */
  test: DataSplit;
  /** Where the dataset came from, in words, without machine paths for the fixtures. */
  description: string;
  /** Where the dataset came from, for `config.dataSource`. */
  source: DataSource;
}

/**
 * Loads and splits the data of a run.
 *
 * @throws {UsageError} For sizes the data cannot give.
 */
export async function loadRunData(
  options: RunDataRequest,
  load: RunDataOptions = {},
): Promise<RunData> {
  const { fixtures, dataDir } = options.data;
  const manifest = !fixtures && dataDir !== undefined
    ? await readSubsetManifest(dataDir)
    : undefined;
  // A subset's folder is checked against its own manifest and never falls back to other places.
  const data = fixtures ? await loadFixtureData() : manifest
    ? await loadFashionMnist({
      dir: dataDir,
      checksums: manifest.sha256,
      systemDir: null,
      baseUrls: false,
    })
    : await loadFashionMnist({
      dir: dataDir,
      cacheDir: load.cacheDir,
      ...(load.onDownloadProgress ? { download: { onProgress: load.onDownloadProgress } } : {}),
    });
  const { seed } = options;
  const validationSize = validationSizeFor(options);
  if (validationSize >= data.train.count) {
    throw new UsageError(
      `--validation-size: expected fewer than the ${data.train.count} training images, got ${validationSize}`,
    );
  }
  const split = splitValidation(data.train, { size: validationSize, seed });
  const subset = (s: DataSplit, n: number | undefined, flag: string): DataSplit => {
    if (n === undefined || n === s.count) return s;
    if (n > s.count) throw new UsageError(`${flag}: expected at most ${s.count}, got ${n}`);
    return stratifiedSubset(s, { size: n, seed });
  };
  return {
    train: subset(split.train, options.trainSize, "--train-size"),
    validation: split.validation,
    test: subset(data.test, options.testSize, "--test-size"),
    description: fixtures
      ? FIXTURES_DESCRIPTION
      : manifest
      ? describeSubset(dataDir!, manifest)
      : data.description,
    source: dataSourceOf(options.data, data.files, manifest),
  };
}
