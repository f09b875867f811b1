/**
 * The registry of training engines: how a model is trained and how its
 * inference is timed, a dimension of every result beside the backend. An
 * engine is a checked value looked up here by name; adding one means adding
 * one entry to {@link ENGINES}.
 *
 * - `tfjs`: stock TensorFlow.js, as people run it: `model.fit` with TF.js's
 *   own gradients and kernels, inference with `predictOnBatch`. Every backend
 *   (`wasm` and `browser-wasm` with the suite's `Conv2DBackpropFilter`, the one
 *   kernel tfjs-backend-wasm lacks; their device description says so).
 * - `native`: this project's TensorFlow-ops engine: the training step of
 *   `src/tf_ops/step.ts` and the predictor of `src/tf_ops/predict.ts` (TensorFlow's
 *   ops called directly, as Keras's graph runs them), with `predictOnBatch`
 *   timed beside it. The libtensorflow backends only.
 * - `tfjs-patched`: `model.fit` and `predictOnBatch`, but with some of
 *   TF.js's gradients and kernels replaced by TensorFlow ops (`ReluGrad`,
 *   oneDNN's max-pool gradient, fused convolution; `src/tf_ops/gradients.ts`,
 *   `src/tf_ops/kernels.ts`). The libtensorflow backends only.
 *
 * This module has no runtime dependency on a backend, so results code can
 * use it.
 *
 * @module
 */
import type { BackendName } from "../backends/types.ts";
import { BACKEND_NAMES } from "../backends/registry.ts";

/**
 * How an epoch's batches are trained:
 * - `"fit"`: TF.js's `model.fit`, on any backend;
 * - `"native"`: TensorFlow's own ops called directly, as Keras's graph does
 *   (`src/tf_ops/step.ts`); the libtensorflow backends only (`tensorflow`,
 *   `tensorflow-gpu`), same batches, dropout, loss, metrics and Adam update.
 */
export type TrainStep = "fit" | "native";

/**
 * How a batch is predicted: `"layers"`, tfjs-layers' `model.predictOnBatch`
 * (one call per batch, as Keras's `predict_on_batch`); `"native"`, the same
 * forward pass as TensorFlow's ops called directly (`src/tf_ops/predict.ts`,
 * the libtensorflow backends only: `tensorflow`, `tensorflow-gpu`).
 */
export type InferencePath = "layers" | "native";

/** Names of the engines this suite knows; see {@link ENGINES}. */
export type EngineName = "tfjs" | "native" | "tfjs-patched";

/** One entry of the engine registry. */
export interface EngineSpec {
  /** Registry name, used on the command line and recorded in results. */
  name: EngineName;
  /** One line for tables and `--help`. */
  description: string;
  /** The backends it runs on, in registry order. */
  backends: readonly BackendName[];
  /** How an epoch's batches are trained (see `trainEpochs`). */
  trainStep: TrainStep;
  /** What inference timing reports (see `measureInference`). */
  inferencePath: InferencePath;
  /**
   * Whether TensorFlow ops replace some of TF.js's gradients and kernels on
   * a libtensorflow backend (`prepareEngine` in `src/tf_ops/install.ts`
   * installs them). Results record what was installed as
   * `config.nativeGradients` and `config.nativeKernels`.
   */
  patchesTfjs: boolean;
}

const NATIVE_BACKENDS: readonly BackendName[] = ["tensorflow-gpu", "tensorflow"];

/** Every engine, the default first. */
export const ENGINES: readonly EngineSpec[] = Object.freeze([
  {
    name: "tfjs",
    description: "stock TF.js: model.fit with TF.js's own gradients and kernels; predictOnBatch",
    // Stock TF.js runs wherever TF.js does: every backend of the registry.
    backends: BACKEND_NAMES,
    trainStep: "fit",
    inferencePath: "layers",
    patchesTfjs: false,
  },
  {
    name: "native",
    description: "TensorFlow's ops called directly: the native training step and predictor " +
      "(predictOnBatch timed beside it)",
    backends: NATIVE_BACKENDS,
    trainStep: "native",
    inferencePath: "native",
    patchesTfjs: true,
  },
  {
    name: "tfjs-patched",
    description: "model.fit and predictOnBatch with TensorFlow's ReluGrad, oneDNN's max-pool " +
      "gradient and fused convolution in place of TF.js's",
    backends: NATIVE_BACKENDS,
    trainStep: "fit",
    inferencePath: "layers",
    patchesTfjs: true,
  },
]);

/** The names of all engines, in registry order. */
export const ENGINE_NAMES: readonly EngineName[] = ENGINES.map((e) => e.name);

/** The engine used when none is named: stock TF.js, on every backend. */
export const DEFAULT_ENGINE: EngineName = "tfjs";

/**
 * The engines `compare` and `peer` run when none are named: stock TF.js, and
 * this suite's native engine beside it where it runs.
 */
export const COMPARED_ENGINES: readonly EngineName[] = [DEFAULT_ENGINE, "native"];

/**
 * Looks an engine up by name.
 *
 * @throws {RangeError} For an unknown name: `expected one of tfjs, native, …, got "x"`.
 */
export function getEngineSpec(name: string): EngineSpec {
  const spec = ENGINES.find((e) => e.name === name);
  if (!spec) {
    throw new RangeError(`expected one of ${ENGINE_NAMES.join(", ")}, got ${JSON.stringify(name)}`);
  }
  return spec;
}

/** Whether `engine` runs on `backend`. */
export function engineRunsOn(engine: EngineSpec, backend: string): boolean {
  return (engine.backends as readonly string[]).includes(backend);
}

/**
 * Checks that `engine` runs on `backend`.
 *
 * @param flag How the engine was chosen, for the message, e.g. `--engine`.
 * @throws {RangeError} `native runs on tensorflow-gpu, tensorflow, not cpu; use …`,
 *   naming both and the fix.
 */
export function assertEngineRunsOn(engine: EngineSpec, backend: string, flag = "--engine"): void {
  if (engineRunsOn(engine, backend)) return;
  throw new RangeError(
    `${flag} ${engine.name} runs on ${engine.backends.join(", ")}, not ${backend}; use ` +
      `${flag} ${DEFAULT_ENGINE} on ${backend}, or a backend it runs on`,
  );
}

/** The parts of a schema-1 run configuration an engine is derived from. */
export interface LegacyEngineFields {
  /** `"native"` for the native training step; absent or `"fit"` for `model.fit`. */
  trainStep?: string;
  /** The gradients TensorFlow ops replaced; absent in files older than that option. */
  nativeGradients?: readonly string[];
  /** The kernels TensorFlow's fused ops replaced. */
  nativeKernels?: readonly string[];
}

/**
 * The engine of a run recorded before results named it (schema version 1):
 * the native training step → `native`; `model.fit` with TensorFlow's
 * gradients or kernels installed → `tfjs-patched`; `model.fit` with none
 * (`nativeGradients` empty, or absent: files older than the native gradients
 * had none) → `tfjs`.
 */
export function engineOfLegacyConfig(config: LegacyEngineFields): EngineName {
  if (config.trainStep === "native") return "native";
  const patched = (config.nativeGradients?.length ?? 0) > 0 ||
    (config.nativeKernels?.length ?? 0) > 0;
  return patched ? "tfjs-patched" : "tfjs";
}

/** The engine of a backend that runs only one (e.g. `tfjs` on `cpu`), else `undefined`. */
export function onlyEngineOn(backend: string): EngineName | undefined {
  const engines = ENGINES.filter((e) => engineRunsOn(e, backend));
  return engines.length === 1 ? engines[0].name : undefined;
}
