/**
 * The versioned schema of `results.json`: TypeScript types for the code, and
 * a JSON Schema (draft 2020-12, checked with Ajv) for any file on disk, so a
 * result written by an older or foreign run is validated before it is trusted.
 *
 * Longer than most files on purpose: each type and its JSON Schema sit side
 * by side, so a field is added or changed in one place.
 *
 * @module
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import { engineOfLegacyConfig } from "../engines/registry.ts";
import type { KernelLibraryChoice } from "../backends/onednn.ts";
import type { Environment } from "./environment.ts";

/**
 * Version of the results schema; bump it on any incompatible change.
 * Version 2 added the engine (`config.engine`, `runs[].engine`); version-1
 * files are still read, their engine derived (see {@link validateResults}).
 */
export const SCHEMA_VERSION = 2;

/** Every schema version {@link validateResults} reads: this one and version 1. */
export const READABLE_SCHEMA_VERSIONS: readonly number[] = [1, SCHEMA_VERSION];

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

/** Inference timing. */
export interface InferenceRecord {
  /** Batch-1 latency percentiles in milliseconds. */
  batch1: { p50Ms: number; p95Ms: number; minMs: number; runs: number };
  /** Throughput at a large batch. */
  batched: { batchSize: number; imagesPerSecond: number; runs: number };
  /**
   * What was timed: `"layers"` (tfjs-layers' `predictOnBatch`) or `"native"`
   * (TensorFlow's ops called directly, `src/native/predict.ts`). Absent: `"layers"`.
   */
  path?: "layers" | "native";
  /** With the native path: the ops each convolution, max-pool and dense layer ran at batch 1 and batched. */
  kernels?: { batch1: string[]; batched: string[] };
  /** With the native path: `predictOnBatch`'s batch-1 and batched figures, from the same run. */
  layers?: Pick<InferenceRecord, "batch1" | "batched">;
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
  /** Timed batch-1 inference calls. Default (when absent) 100. */
  inferenceRuns?: number;
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
   * (TensorFlow's ops called directly, `src/native/step.ts`). Absent: `"fit"`.
   */
  trainStep?: "fit" | "native";
  /**
   * How inference was timed: `"layers"` (`predictOnBatch`) or `"native"`
   * (TensorFlow's ops called directly, `src/native/predict.ts`). Absent: `"layers"`.
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
   * the same checksums.
   */
  kind: "fixtures" | "cache" | "system" | "download" | "dir";
  /** Only for kind `"dir"`: the folder exactly as the user gave it (not made absolute). */
  dir?: string;
  /** SHA-256 (lowercase hex) of each of the four decompressed files. */
  sha256: { trainImages: string; trainLabels: string; testImages: string; testLabels: string };
}

/** A whole `results.json`. */
export interface ResultsFile {
  /** {@link SCHEMA_VERSION} of the writer. */
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

const num = { type: "number" } as const;
const int = { type: "integer", minimum: 0 } as const;
const nullableNum = { type: ["number", "null"] } as const;
const str = { type: "string" } as const;
const nullableStr = { type: ["string", "null"] } as const;
const sha = { type: "string", pattern: "^[0-9a-f]{64}$" } as const;
const threadCount = { oneOf: [{ type: "integer", minimum: 1 }, { const: "default" }] } as const;
const obj = (properties: Record<string, unknown>, required = Object.keys(properties)) => ({
  type: "object",
  properties,
  required,
});

const inferenceBatch1 = obj({ p50Ms: num, p95Ms: num, minMs: num, runs: int });
const inferenceBatched = obj({ batchSize: int, imagesPerSecond: num, runs: int });

/** The JSON Schema of {@link ResultsFile}. */
const RESULTS_JSON_SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://fmnist-bench.invalid/results.schema.json",
  title: "fmnist-bench results",
  ...obj({
    schemaVersion: { enum: READABLE_SCHEMA_VERSIONS },
    createdAt: str,
    updatedAt: str,
    status: { enum: ["partial", "complete"] },
    env: obj({
      deno: str,
      v8: str,
      typescript: str,
      tfjs: str,
      tensorflow: nullableStr,
      backend: nullableStr,
      device: nullableStr,
      deviceInfo: obj({
        kind: { enum: ["cpu", "gpu"] },
        fellBackToCpu: { type: "boolean" },
        softwareAdapter: { type: "boolean" },
      }, ["kind"]),
      machine: str,
      os: str,
      cpu: obj({ model: str, cores: int, features: { type: "array", items: str } }, [
        "model",
        "cores",
      ]),
      onednn: obj({
        enabled: { type: "boolean" },
        source: { enum: ["variable", "cpu-default"] },
        reason: str,
      }),
      memoryBytes: int,
      threads: obj({ intraOp: threadCount, interOp: threadCount }),
      gpu: { oneOf: [{ type: "null" }, obj({ name: str, driver: str })] },
      gpuReason: str,
      gitCommit: nullableStr,
      keras: obj({
        version: str,
        backend: { enum: ["tensorflow", "jax", "torch"] },
        backendVersion: str,
        device: str,
        python: str,
      }),
    }, ["deno", "tfjs", "tensorflow", "backend", "device", "cpu", "threads", "gpu", "gitCommit"]),
    config: obj({
      models: { type: "array", items: str, minItems: 1 },
      epochs: int,
      batchSize: int,
      trainSize: int,
      validationSize: int,
      testSize: int,
      backend: str,
      seed: { type: "integer" },
      learningRate: num,
      data: str,
      dataSource: {
        ...obj({
          kind: { enum: ["fixtures", "cache", "system", "download", "dir"] },
          dir: str,
          sha256: obj({ trainImages: sha, trainLabels: sha, testImages: sha, testLabels: sha }),
        }, ["kind", "sha256"]),
        if: { properties: { kind: { const: "dir" } } },
        then: { properties: { dir: str }, required: ["dir"] },
      },
      inferenceBatchSize: { type: "integer", minimum: 1 },
      inferenceRuns: { type: "integer", minimum: 1 },
      nativeGradients: { type: "array", items: str },
      nativeKernels: { type: "array", items: str },
      kernelLibrary: obj({ library: { enum: ["onednn", "generic"] }, reason: str }),
      trainStep: { enum: ["fit", "native"] },
      inferencePath: { enum: ["layers", "native"] },
      engine: str,
    }, [
      "models",
      "epochs",
      "batchSize",
      "trainSize",
      "validationSize",
      "testSize",
      "backend",
      "seed",
      "learningRate",
      "data",
    ]),
    runs: {
      type: "array",
      items: obj({
        model: str,
        backend: str,
        engine: str,
        params: int,
        flopsPerImage: int,
        epochs: {
          type: "array",
          items: obj({
            epoch: { type: "integer", minimum: 1 },
            trainSeconds: num,
            imagesPerSecond: num,
            loss: num,
            accuracy: num,
            valLoss: nullableNum,
            valAccuracy: nullableNum,
            numTensors: int,
          }),
        },
        test: {
          oneOf: [
            { type: "null" },
            obj({
              accuracy: num,
              loss: num,
              count: int,
              confusion: { type: "array", items: { type: "array", items: int } },
            }),
          ],
        },
        inference: {
          oneOf: [
            { type: "null" },
            obj({
              batch1: inferenceBatch1,
              batched: inferenceBatched,
              path: { enum: ["layers", "native"] },
              layers: obj({ batch1: inferenceBatch1, batched: inferenceBatched }),
              kernels: obj({
                batch1: { type: "array", items: str },
                batched: { type: "array", items: str },
              }),
            }, ["batch1", "batched"]),
          ],
        },
      }, ["model", "backend", "params", "flopsPerImage", "epochs", "test", "inference"]),
    },
  }),
  // From schema 2 every run names its engine; a schema-1 file gets it derived when read.
  if: { type: "object", properties: { schemaVersion: { const: 1 } } },
  else: {
    type: "object",
    properties: {
      config: obj({ engine: str }),
      runs: { type: "array", items: obj({ engine: str }) },
    },
  },
} as const;

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
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  const validate = ajv.compile(RESULTS_JSON_SCHEMA);
  if (validate(value)) return withEngine(value as unknown as ResultsFile);
  const problems = (validate.errors ?? []).slice(0, 5).map((e) =>
    `${e.instancePath || "/"} ${e.message}${
      e.params && "allowedValue" in e.params
        ? ` (${JSON.stringify(e.params.allowedValue)})`
        : e.params && "allowedValues" in e.params
        ? ` (${JSON.stringify(e.params.allowedValues)})`
        : ""
    }`
  );
  throw new TypeError(
    `${source}: not a valid fmnist-bench results file (schema version ${
      READABLE_SCHEMA_VERSIONS.join(" or ")
    }): ${problems.join("; ")}`,
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
