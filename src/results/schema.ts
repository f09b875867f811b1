/**
 * The versioned schema of `results.json`: the TypeScript types for the code,
 * and {@link validateResults}, which checks any file on disk against the JSON
 * Schema in `json_schema.ts` (draft 2020-12, with Ajv), so a result written by
 * an older or foreign run is validated before it is trusted. A field is added
 * in both files: its type here, its JSON Schema there.
 *
 * @module
 */
import { schemaProblems } from "../_util/json_schema.ts";
import { READABLE_SCHEMA_VERSIONS, RESULTS_JSON_SCHEMA } from "./json_schema.ts";
import { engineOfLegacyConfig } from "../engines/registry.ts";
import type { KernelLibraryChoice } from "../backends/onednn.ts";
import type { Environment } from "../measure/environment.ts";
import type { MeasuresRecord } from "../measure/measures.ts";
import type { ModelProfiles } from "../measure/op_profile.ts";

export { READABLE_SCHEMA_VERSIONS, SCHEMA_VERSION } from "./json_schema.ts";

/** One training epoch. */
export interface EpochRecord {
  /** 1-based epoch number. */
  epoch: number;
  /** Wall seconds of training only (no evaluation, no data preparation). */
  trainSeconds: number;
  /** Training images per second. */
  imagesPerSecond: number;
  /** Mean training loss over the epoch. */
  loss: number;
  /** Training accuracy over the epoch. */
  accuracy: number;
  /** Validation loss after the epoch, or null without a validation split. */
  valLoss: number | null;
  /** Validation accuracy after the epoch, or null without a validation split. */
  valAccuracy: number | null;
  /** `tf.memory().numTensors` at the end of the epoch. */
  numTensors: number;
  /** Wall seconds of the whole epoch: shuffle, training and validation. Absent before schema 3. */
  wallSeconds?: number;
  /** Joules the energy meter counted over the timed region; absent without a meter. */
  joules?: number;
  /** The GPU's mean utilisation (%) and SM clock (MHz) over the timed region, from `nvidia-smi`; absent without it. */
  gpu?: { utilisationPercent: number; smClockMHz: number | null };
}

/** Test-set evaluation. */
export interface TestRecord {
  /** Fraction correct. */
  accuracy: number;
  /** Mean categorical cross-entropy. */
  loss: number;
  /** Images evaluated. */
  count: number;
  /** `confusion[trueClass][predictedClass]`. */
  confusion: number[][];
}

/** Batch-1 latency in milliseconds, over `runs` timed calls. */
export interface Batch1Latency {
  /** Median. */
  p50Ms: number;
  /** 90th percentile; absent in files written before it was recorded. */
  p90Ms?: number;
  /** 95th percentile. */
  p95Ms: number;
  /** 99th percentile (with 100 calls it lies between the two slowest); absent in older files. */
  p99Ms?: number;
  /** Fastest call. */
  minMs: number;
  /** Timed calls. */
  runs: number;
  /** Every timed call's milliseconds, in order; absent in older files. */
  samplesMs?: number[];
}

/** Throughput at one batch size: images/s at the median of the timed calls. */
export interface BatchedThroughput {
  /** Images per call. */
  batchSize: number;
  /** `batchSize` over the median call's seconds. */
  imagesPerSecond: number;
  /** Timed calls. */
  runs: number;
  /** Every timed call's milliseconds, in order; absent in older files. */
  samplesMs?: number[];
}

/** Inference timing. */
export interface InferenceRecord {
  /** Batch-1 latency percentiles in milliseconds, and every timed call's. */
  batch1: Batch1Latency;
  /** Throughput at a large batch, and every timed call's milliseconds. */
  batched: BatchedThroughput;
  /**
   * What was timed: `"layers"` (tfjs-layers' `predictOnBatch`) or `"native"`
   * (TensorFlow's ops called directly, `src/tf_ops/predict.ts`). Absent: `"layers"`.
   */
  path?: "layers" | "native";
  /** With the native path: the ops each convolution, max-pool and dense layer ran at batch 1 and batched. */
  kernels?: { batch1: string[]; batched: string[] };
  /** With the native path: `predictOnBatch`'s batch-1 and batched figures, from the same run. */
  layers?: Pick<InferenceRecord, "batch1" | "batched">;
  /** Throughput at each of `config.moreInferenceBatchSizes`, as `batched`; absent when none was asked. */
  moreBatches?: BatchedThroughput[];
}

/** Everything measured for one model on one backend. */
export interface RunRecord {
  /** Model name. */
  model: string;
  /** Backend registry name. */
  backend: string;
  /** The engine (see {@link RunConfig.engine}); absent in files older than schema 2. */
  engine?: string;
  /** Trainable parameters. */
  params: number;
  /** Forward FLOPs per image. */
  flopsPerImage: number;
  /** Epochs completed so far, in order. */
  epochs: EpochRecord[];
  /** Test evaluation, once training is complete. */
  test: TestRecord | null;
  /** Inference timing, once training is complete. */
  inference: InferenceRecord | null;
  /**
   * Why the model was not trained, when its backend cannot train it (it
   * lacks a kernel of the backward pass, `missingTrainingKernels`): its
   * inference is then timed on the untrained model, and `test` is null.
   */
  notTrained?: string;
  /**
   * Memory, cold start, time to accuracy and energy (`src/measure/measures.ts`),
   * updated with every write. Absent in files older than schema 3.
   */
  measures?: MeasuresRecord;
  /**
   * Per-op profiles of a training step, a batch-1 call and a batched call
   * (`src/measure/op_profile.ts`), taken after the timed runs where
   * `--profile` asked for them; absent or null otherwise, and in files older
   * than schema 4. Never part of the timed figures.
   */
  profile?: ModelProfiles | null;
}

/** The run configuration, as resolved from flags and defaults. */
export interface RunConfig {
  /** Models, in run order. */
  models: string[];
  /** Epochs per model. */
  epochs: number;
  /** Batch size. */
  batchSize: number;
  /** Training images used (after the validation split). */
  trainSize: number;
  /** Validation images held out of the training split. */
  validationSize: number;
  /** Test images evaluated. */
  testSize: number;
  /** Backend registry name. */
  backend: string;
  /** Seed for weights, shuffling and splits. */
  seed: number;
  /** Adam learning rate. */
  learningRate: number;
  /**
   * Where the dataset came from, in words, as the reports print it: `fixtures:
   * fixtures/fashion-mnist`, `dir: <the folder as given>`, or the official
   * data's place, e.g. `system: /usr/share/datasets/fashion-mnist`.
   */
  data: string;
  /**
   * The data the run trained on, recorded so that `--resume` continues on the
   * same files. Absent in files written before it was recorded.
   */
  dataSource?: DataSource;
  /** Batch size of the inference throughput measurement. Default (when absent) 1024. */
  inferenceBatchSize?: number;
  /** Further batch sizes whose throughput was measured beside it (`inference.moreBatches`); absent: none. */
  moreInferenceBatchSizes?: number[];
  /** Timed batch-1 inference calls. Default (when absent) 100. */
  inferenceRuns?: number;
  /** Untimed batch-1 calls before the timed ones, where `--warmup-calls` set them; absent: 10. */
  inferenceWarmup?: number;
  /** The validation accuracies whose time to reach the run records (fractions). Absent before schema 3. */
  targetAccuracies?: number[];
  /** Gradients computed by one native TensorFlow op instead of TF.js's composition (e.g. `["Relu"]`); `[]` for stock TF.js. */
  nativeGradients?: string[];
  /**
   * The kernels this suite's own TensorFlow ops use (the `native` and
   * `tfjs-patched` engines' step, predictor, gradients and kernels):
   * oneDNN's, or TensorFlow's generic ones where oneDNN is off, its ops do
   * not run or the work is on a GPU, with the reason. Absent in older files
   * (oneDNN's wherever its ops ran).
   */
  kernelLibrary?: KernelLibraryChoice;
  /** tfjs-node kernels replaced by TensorFlow's fused ones (e.g. `["FusedConv2D"]`); `[]` for none. */
  nativeKernels?: string[];
  /**
   * How batches were trained: `"fit"` (TF.js's `model.fit`) or `"native"`
   * (TensorFlow's ops called directly, `src/tf_ops/step.ts`). Absent: `"fit"`.
   */
  trainStep?: "fit" | "native";
  /**
   * How inference was timed: `"layers"` (`predictOnBatch`) or `"native"`
   * (TensorFlow's ops called directly, `src/tf_ops/predict.ts`). Absent: `"layers"`.
   */
  inferencePath?: "layers" | "native";
  /**
   * The engine (`src/engines/registry.ts`): `"tfjs"`, `"native"` or
   * `"tfjs-patched"`; `"keras"` for the Keras peer's runs. Required from
   * schema 2; derived when a schema-1 file is read.
   */
  engine: string;
}

/**
 * Where a run's data came from, portably: the flag that chose it and the
 * SHA-256 of the four files it loaded.
 */
export interface DataSource {
  /**
   * `"fixtures"`: `--fixtures`; `"dir"`: `--data-dir` (even when the folder
   * lacked some files and they came from the next place); otherwise the place
   * the training images came from when the official data was looked up
   * (`"cache"`, `"system"` or `"download"`), the other files verified against
   * the same checksums; `"subset"`: `--data-dir` on a folder with a
   * `subset.json`, a stratified subset of the official data checked against
   * its own checksums (the GPU kit's data).
   */
  kind: "fixtures" | "cache" | "system" | "download" | "dir" | "subset";
  /** Only for kinds `"dir"` and `"subset"`: the folder exactly as the user gave it (not made absolute). */
  dir?: string;
  /** SHA-256 (lowercase hex) of each of the four decompressed files. */
  sha256: { trainImages: string; trainLabels: string; testImages: string; testLabels: string };
  /** Only for kind `"subset"`: what it was picked from, how, and how many images it holds. */
  subset?: {
    of: { trainImages: string; trainLabels: string; testImages: string; testLabels: string };
    seed: number;
    perClass: { train: number; test: number };
    counts: { train: number; test: number };
  };
}

/** A whole `results.json`. */
export interface ResultsFile {
  /** `SCHEMA_VERSION` of the writer. */
  schemaVersion: number;
  /** ISO time the run started. */
  createdAt: string;
  /** ISO time of the last update. */
  updatedAt: string;
  /** `"complete"` when every model finished; `"partial"` while running or after an interruption. */
  status: "partial" | "complete";
  /** Where it was measured. */
  env: Environment;
  /** How it was run. */
  config: RunConfig;
  /** One record per model. */
  runs: RunRecord[];
}

/**
 * Checks that a parsed JSON value is a valid results file of this schema
 * version or an older one still readable ({@link READABLE_SCHEMA_VERSIONS}).
 *
 * A schema-1 file is returned with its engine filled in (in `config` and in
 * every run, `schemaVersion` left at 1 so readers can say it was derived):
 * the native training step → `native`; `model.fit` with TensorFlow's
 * gradients or kernels installed → `tfjs-patched`; `model.fit` without
 * (`nativeGradients` empty or absent) → `tfjs`; the Keras peer's runs →
 * `keras`. See `engineOfLegacyConfig`.
 *
 * @param source Names the value in the error (e.g. the file path).
 * @throws {TypeError} Listing the first few violations, with their JSON paths.
 */
export function validateResults(value: unknown, source = "results"): ResultsFile {
  const problems = schemaProblems(RESULTS_JSON_SCHEMA, value);
  if (problems.length === 0) return withEngine(value as unknown as ResultsFile);
  throw new TypeError(
    `${source}: not a valid fmnist-bench results file (schema version ${
      READABLE_SCHEMA_VERSIONS.slice(0, -1).join(", ")
    } or ${READABLE_SCHEMA_VERSIONS.at(-1)}): ${problems.join("; ")}`,
  );
}

/** A schema-1 file with its engine derived; a newer file as it is. */
function withEngine(results: ResultsFile): ResultsFile {
  if (results.schemaVersion !== 1) return results;
  const { config } = results;
  const engine = config.backend === "keras" ? "keras" : engineOfLegacyConfig(config);
  return {
    ...results,
    config: { ...config, engine },
    runs: results.runs.map((r) => ({ ...r, engine })),
  };
}
