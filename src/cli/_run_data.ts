/**
 * The data of a run, as `train-all` and the Keras peer both prepare it:
 * Fashion-MNIST (or the fixture split) loaded and verified, a seeded
 * validation split held out of the training images, and stratified subsets of
 * the requested sizes. One function, so every side of a comparison trains on
 * the same images.
 *
 * @module
 */
import {
  type DataSplit,
  describeSubset,
  loadFashionMnist,
  loadFixtureData,
  readSubsetManifest,
  splitValidation,
  stratifiedSubset,
} from "../data/mod.ts";
import { dataSourceOf, FIXTURES_DESCRIPTION } from "../results/data_source.ts";
import type { DataSource } from "../results/schema.ts";
import { type RunDescription, validationSizeFor } from "../train/run_description.ts";
import { cacheDirFromEnv, UsageError } from "./_cli.ts";
import { downloadProgress } from "./progress.ts";

/** What a run loads: its data request, seed and sizes (absent sizes take their defaults). */
export type RunDataOptions = Pick<
  RunDescription,
  "data" | "seed" | "trainSize" | "validationSize" | "testSize"
>;

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
export async function loadRunData(options: RunDataOptions): Promise<RunData> {
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
      cacheDir: cacheDirFromEnv(),
      download: { onProgress: downloadProgress() },
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
