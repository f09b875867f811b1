/**
 * The run description: one typed value that says what a training run is
 * (models, epochs, backend, engine, data, sizes, seed, learning rate, batch,
 * inference settings, oneDNN, machine), with every default in
 * {@link RUN_DEFAULTS}. `train-all` resolves its flags into one, saves it
 * beside its results (`run.json`, the only thing `--resume` reads back), and
 * every driver that starts a `train-all` child (`compare`, `peer`, the GPU
 * kit) describes the child's run with one and hands it to the one launcher
 * that turns it into arguments.
 *
 * The results file records what ran; it is never read back as a setting.
 *
 * @module
 */
import { TRAINING_DEFAULTS } from "../_util/defaults.ts";
import { readJsonIfExists } from "../_util/fs.ts";
import type { DataRequest } from "../results/data_source.ts";
import type { DataSource, RunConfig } from "../results/schema.ts";
import { DEFAULT_ENGINE, ENGINE_NAMES, type EngineName } from "../engines/registry.ts";
import { INFERENCE_DEFAULTS, inferenceBatchFor } from "./latency.ts";

/** Every default of a run, in one place; help texts are generated from these. */
export const RUN_DEFAULTS = Object.freeze({
  ...TRAINING_DEFAULTS,
  /** The engine when none is named: stock TF.js. */
  engine: DEFAULT_ENGINE,
  /** Batch size of the batched inference measurement (capped at the test split). */
  inferenceBatchSize: INFERENCE_DEFAULTS.batchSize,
  /** Timed batch-1 inference calls. */
  inferenceRuns: INFERENCE_DEFAULTS.runs,
  /** Untimed batch-1 calls before the timed ones. */
  inferenceWarmup: INFERENCE_DEFAULTS.warmup,
  /** Timed calls at the inference batch size. */
  inferenceBatchedRuns: INFERENCE_DEFAULTS.batchedRuns,
  /** Validation images held out of the 60,000 official training images. */
  validationSize: 5000,
  /** Validation images held out of the 2,000 fixture training images. */
  fixtureValidationSize: 200,
});

/** Fewer timed batch-1 calls than this give no p95. */
export const MIN_INFERENCE_RUNS = 50;

/** Largest seed (TF.js's seeded initializers take 32-bit integers). */
export const MAX_SEED = 2 ** 31;

/** oneDNN pinned for a run: `on` or `off`; absent, the CPU's default (or the variable as set). */
export type PinnedOneDnn = "on" | "off";

/** What a training run is; see the module doc. */
export interface RunDescription {
  /** Models, in run order. */
  models: string[];
  /** Epochs per model; the first is left out of the median. */
  epochs: number;
  /** The backend; absent: the best available that really runs on its device. */
  backend?: string;
  /** Accept a GPU backend that runs on the CPU (the results say so). */
  allowFallback: boolean;
  /** The engine (`src/train/engines.ts`). */
  engine: EngineName;
  /** Where the data comes from: the fixtures, a folder, or the official data. */
  data: DataRequest;
  /**
   * The data files a resumed run must load again, with their checksums:
   * set once the run has started (`train-all` saves it in `run.json`).
   */
  dataSource?: DataSource;
  /** Training images, a stratified subset; absent: all left after validation. */
  trainSize?: number;
  /** Validation images; absent: {@link validationSizeFor}. */
  validationSize?: number;
  /** Test images, a stratified subset; absent: all. */
  testSize?: number;
  /** Images per training batch. */
  batchSize: number;
  /** Seed of the weights, dropout, shuffling and splits. */
  seed: number;
  /** Adam's learning rate (not a flag: the models are compared at one rate). */
  learningRate: number;
  /** Batch size of the batched inference measurement, before the cap at the test split. */
  inferenceBatchSize: number;
  /** Timed batch-1 inference calls. */
  inferenceRuns: number;
  /** oneDNN pinned on or off; absent: as the environment has it. */
  oneDnn?: PinnedOneDnn;
  /** The machine's name in the results; absent: the hostname. */
  machine?: string;
}

/** What {@link describeRun} needs: the models and epochs; anything else overrides a default. */
export type RunParts = Partial<RunDescription> & Pick<RunDescription, "models" | "epochs">;

/** A run description with {@link RUN_DEFAULTS} wherever `parts` leaves a field out. */
export function describeRun(parts: RunParts): RunDescription {
  return {
    allowFallback: false,
    engine: RUN_DEFAULTS.engine,
    data: { fixtures: false },
    batchSize: RUN_DEFAULTS.batchSize,
    seed: RUN_DEFAULTS.seed,
    learningRate: RUN_DEFAULTS.learningRate,
    inferenceBatchSize: RUN_DEFAULTS.inferenceBatchSize,
    inferenceRuns: RUN_DEFAULTS.inferenceRuns,
    ...withoutUndefined(parts),
    models: [...parts.models],
    epochs: parts.epochs,
  };
}

/** The validation images a run holds out: as described, else the default for its data. */
export function validationSizeFor(run: Pick<RunDescription, "data" | "validationSize">): number {
  if (run.validationSize !== undefined) return run.validationSize;
  return run.data.fixtures ? RUN_DEFAULTS.fixtureValidationSize : RUN_DEFAULTS.validationSize;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}

/** The prepared data a run trained on, as {@link recordedConfig} records it. */
export interface RunDataRecord {
  /** The splits' sizes. */
  train: { count: number };
  validation: { count: number };
  test: { count: number };
  /** Where the dataset came from, in words. */
  description: string;
  /** Where it came from, with its checksums. */
  source: DataSource;
}

/**
 * The `config` a results file records for `run` on `data` and `backend`:
 * the sizes as they came out, the inference batch as capped at the test
 * split. What ran, for the reader; never read back as a setting.
 */
export function recordedConfig(
  run: RunDescription,
  data: RunDataRecord,
  backend: string,
): RunConfig {
  return {
    models: [...run.models],
    epochs: run.epochs,
    batchSize: run.batchSize,
    trainSize: data.train.count,
    validationSize: data.validation.count,
    testSize: data.test.count,
    backend,
    seed: run.seed,
    learningRate: run.learningRate,
    data: data.description,
    dataSource: data.source,
    inferenceBatchSize: inferenceBatchFor(run.inferenceBatchSize, data.test.count),
    inferenceRuns: run.inferenceRuns,
    engine: run.engine,
  };
}

/** The file beside `results.json` that holds a run's description, read back by `--resume`. */
export const RUN_DESCRIPTION_FILE = "run.json";

/**
 * Reads a saved run description.
 *
 * @returns `undefined` when the file does not exist (a run saved before descriptions were).
 * @throws {TypeError} `PATH: not valid JSON (…)`, or `PATH: FIELD: expected …, got …` for a
 *   file that is not a run description.
 */
export async function readRunDescription(path: string): Promise<RunDescription | undefined> {
  const value = await readJsonIfExists(path);
  if (value === undefined) return undefined;
  return checkRunDescription(value, path);
}

/**
 * Checks that `value` is a run description: each field of its type, no other.
 *
 * @throws {TypeError} `WHERE: FIELD: expected …, got …`.
 */
export function checkRunDescription(value: unknown, where: string): RunDescription {
  const fail = (field: string, expected: string, got: unknown): never => {
    throw new TypeError(`${where}: ${field}: expected ${expected}, got ${JSON.stringify(got)}`);
  };
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return fail("the run", "an object", value);
  }
  const v = value as Record<string, unknown>;
  const count = (field: string, optional: boolean) => {
    const n = v[field];
    if (optional && n === undefined) return;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
      fail(field, "a whole number", n);
    }
  };
  const text = (field: string, optional: boolean) => {
    if (optional && v[field] === undefined) return;
    if (typeof v[field] !== "string") fail(field, "a string", v[field]);
  };
  if (!Array.isArray(v.models) || v.models.some((m) => typeof m !== "string")) {
    fail("models", "a list of model names", v.models);
  }
  ["epochs", "batchSize", "seed", "inferenceBatchSize", "inferenceRuns"].forEach((f) =>
    count(f, false)
  );
  ["trainSize", "validationSize", "testSize"].forEach((f) => count(f, true));
  if (!(ENGINE_NAMES as readonly unknown[]).includes(v.engine)) {
    fail("engine", `one of ${ENGINE_NAMES.join(", ")}`, v.engine);
  }
  const source = v.dataSource as Record<string, unknown> | undefined;
  if (
    source !== undefined &&
    (typeof source !== "object" || source === null || typeof source.kind !== "string" ||
      typeof source.sha256 !== "object")
  ) {
    fail("dataSource", "{ kind, sha256 }", v.dataSource);
  }
  text("backend", true);
  text("machine", true);
  if (typeof v.learningRate !== "number") fail("learningRate", "a number", v.learningRate);
  if (typeof v.allowFallback !== "boolean") fail("allowFallback", "true or false", v.allowFallback);
  if (v.oneDnn !== undefined && v.oneDnn !== "on" && v.oneDnn !== "off") {
    fail("oneDnn", "on or off", v.oneDnn);
  }
  const data = v.data as Record<string, unknown> | undefined;
  if (
    typeof data !== "object" || data === null || typeof data.fixtures !== "boolean" ||
    (data.dataDir !== undefined && typeof data.dataDir !== "string")
  ) {
    fail("data", "{ fixtures, dataDir? }", v.data);
  }
  const known = new Set([
    "models",
    "epochs",
    "backend",
    "allowFallback",
    "engine",
    "data",
    "dataSource",
    "trainSize",
    "validationSize",
    "testSize",
    "batchSize",
    "seed",
    "learningRate",
    "inferenceBatchSize",
    "inferenceRuns",
    "oneDnn",
    "machine",
  ]);
  const extra = Object.keys(v).find((k) => !known.has(k));
  if (extra) fail(extra, "no such field", v[extra]);
  return v as unknown as RunDescription;
}
