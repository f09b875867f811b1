/**
 * The run description: one typed value that says what a training run is
 * (models, epochs, backend, engine, data, sizes, seed, learning rate, batch,
 * inference settings, oneDNN, machine, per-op profiles), with every default in
 * {@link RUN_DEFAULTS}; its fields' flags, help, checks and schema are one
 * table, `RUN_FIELDS` (`run_fields.ts`). `train-all` resolves its flags into one, saves it
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
import type { DataRequest } from "../results/data_source.ts";
import type { DataSource, RunConfig } from "../results/schema.ts";
import type { PreparedEngine } from "../tf_ops/install.ts";
import { DEFAULT_ENGINE, type EngineName, ENGINES } from "../engines/registry.ts";
import { INFERENCE_DEFAULTS, inferenceBatchFor, type InferenceTiming } from "./latency.ts";

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
  /** Validation accuracies whose time to reach is recorded, on the official data (10 epochs reach about 92%). */
  targetAccuracies: Object.freeze([0.85, 0.88, 0.9, 0.91]),
  /** The same on the fixture split (200 validation images; 3 epochs reach about 75%). */
  fixtureTargetAccuracies: Object.freeze([0.6, 0.7, 0.75]),
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
  /** The engine (`src/engines/registry.ts`). */
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
  /** Further batch sizes measured beside it, before the cap; absent: none. */
  moreInferenceBatchSizes?: readonly number[];
  /** Timed batch-1 inference calls. */
  inferenceRuns: number;
  /** Untimed batch-1 calls before the timed ones; absent: `RUN_DEFAULTS.inferenceWarmup`. */
  inferenceWarmup?: number;
  /** Validation accuracies (fractions) whose time to reach is recorded; absent: {@link targetAccuraciesFor}'s default. */
  targetAccuracies?: number[];
  /** oneDNN pinned on or off; absent: as the environment has it. */
  oneDnn?: PinnedOneDnn;
  /** The machine's name in the results; absent: the hostname. */
  machine?: string;
  /**
   * Profile each model's ops after its timed runs (`--profile`): a training
   * step, a batch-1 and a batched call, recorded apart from the timed
   * figures; absent: false.
   */
  profile?: boolean;
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

/** The target validation accuracies of a run: as described, else the default for its data. */
export function targetAccuraciesFor(
  run: Pick<RunDescription, "data" | "targetAccuracies">,
): number[] {
  if (run.targetAccuracies !== undefined) return [...run.targetAccuracies];
  return [
    ...(run.data.fixtures ? RUN_DEFAULTS.fixtureTargetAccuracies : RUN_DEFAULTS.targetAccuracies),
  ];
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
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
 * The further inference batch sizes of `run`, each capped at the `available`
 * test images, without repeats of the main size or of each other.
 */
export function moreInferenceBatchesFor(
  run: Pick<RunDescription, "inferenceBatchSize" | "moreInferenceBatchSizes">,
  available: number,
): number[] {
  const main = inferenceBatchFor(run.inferenceBatchSize, available);
  const sizes = (run.moreInferenceBatchSizes ?? []).map((n) => inferenceBatchFor(n, available));
  return [...new Set(sizes)].filter((n) => n !== main);
}

/**
 * The inference measurement of `run` on `available` test images: its batch
 * sizes capped there, its timed calls, and the suite's warm-up and batched calls.
 */
export function inferenceTimingFor(
  run: Pick<
    RunDescription,
    "inferenceBatchSize" | "moreInferenceBatchSizes" | "inferenceRuns" | "inferenceWarmup"
  >,
  available: number,
): InferenceTiming {
  return {
    batchSize: inferenceBatchFor(run.inferenceBatchSize, available),
    moreBatchSizes: moreInferenceBatchesFor(run, available),
    runs: run.inferenceRuns,
    warmup: run.inferenceWarmup ?? RUN_DEFAULTS.inferenceWarmup,
    batchedRuns: RUN_DEFAULTS.inferenceBatchedRuns,
  };
}

/**
 * The `config` a results file records for `run` on `data` and `backend`:
 * the sizes as they came out, the inference batch as capped at the test
 * split, and for a TF.js run (`kernels` given) the engine's training step,
 * inference path and the kernels its own ops use (a Keras run has none). What ran, for the reader;
 * never read back as a setting. The one place a record is made from a
 * description.
 */
export function recordedConfig(
  run: RunDescription,
  data: RunDataRecord,
  backend: string,
  kernels?: PreparedEngine,
): RunConfig {
  const engine = kernels && ENGINES.find((e) => e.name === run.engine);
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
    // The files the run started on (a resumed run's are checked to be the same).
    dataSource: run.dataSource ?? data.source,
    inferenceBatchSize: inferenceBatchFor(run.inferenceBatchSize, data.test.count),
    ...(run.moreInferenceBatchSizes?.length
      ? { moreInferenceBatchSizes: moreInferenceBatchesFor(run, data.test.count) }
      : {}),
    inferenceRuns: run.inferenceRuns,
    ...(run.inferenceWarmup !== undefined ? { inferenceWarmup: run.inferenceWarmup } : {}),
    targetAccuracies: targetAccuraciesFor(run),
    engine: run.engine,
    ...(kernels ? { nativeGradients: kernels.nativeGradients } : {}),
    ...(kernels ? { nativeKernels: kernels.nativeKernels } : {}),
    ...(kernels?.kernelLibrary ? { kernelLibrary: kernels.kernelLibrary } : {}),
    ...(engine ? { trainStep: engine.trainStep, inferencePath: engine.inferencePath } : {}),
  };
}
