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
  loadFashionMnist,
  loadFixtureData,
  splitValidation,
  stratifiedSubset,
} from "../data/mod.ts";
import { dataSourceOf, FIXTURES_DESCRIPTION } from "../results/data_source.ts";
import type { DataSource } from "../results/schema.ts";
import { cacheDirFromEnv, UsageError } from "./_cli.ts";
import { downloadProgress } from "./progress.ts";

/** Validation images held out of the 2,000 fixture training images by default. */
export const FIXTURE_VALIDATION_SIZE = 200;
/** Validation images held out of the 60,000 training images by default. */
export const DEFAULT_VALIDATION_SIZE = 5000;

/** What the user asked for; sizes left out take their defaults. */
export interface RunDataOptions {
  /** Use the reduced split in `fixtures/`. */
  fixtures: boolean;
  /** Read Fashion-MNIST from this folder first. */
  dataDir?: string;
  /** Seed of the split and the subsets. */
  seed: number;
  /** Images held out for validation. Default 5,000 (200 with the fixtures). */
  validationSize?: number;
  /** Training images. Default: all left after validation. */
  trainSize?: number;
  /** Test images. Default: all. */
  testSize?: number;
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
 * @throws {UsageError} For sizes the data cannot give, or both `fixtures` and `dataDir`.
 */
export async function loadRunData(options: RunDataOptions): Promise<RunData> {
  if (options.fixtures && options.dataDir) {
    throw new UsageError("--fixtures and --data-dir exclude each other");
  }
  const data = options.fixtures ? await loadFixtureData() : await loadFashionMnist({
    dir: options.dataDir,
    cacheDir: cacheDirFromEnv(),
    download: { onProgress: downloadProgress() },
  });
  const { seed } = options;
  const validationSize = options.validationSize ??
    (options.fixtures ? FIXTURE_VALIDATION_SIZE : DEFAULT_VALIDATION_SIZE);
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
    description: options.fixtures ? FIXTURES_DESCRIPTION : data.description,
    source: dataSourceOf(options, data.files),
  };
}
