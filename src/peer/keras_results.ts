/**
 * A Keras run as a `results.json` in the common schema, so that `deno task
 * merge` puts it beside the TF.js rows: engine `keras`, the Keras backend
 * and the device it saw recorded in `env.keras` and `env.device`, and the
 * backend name chosen by the caller (`keras` for `deno task peer`'s runs on
 * TensorFlow, `keras-jax` or `keras-torch` for the GPU kit's).
 *
 * @module
 */
import type { Environment } from "../measure/environment.ts";
import type { RunConfig } from "../results/schema.ts";
import type { KerasBackend, KerasVersions } from "./keras.ts";

/** The engine every Keras run is recorded under. */
export const KERAS_ENGINE = "keras";

/** How each Keras backend's framework is named in words. */
export const KERAS_FRAMEWORK_NAMES: Readonly<Record<KerasBackend, string>> = Object.freeze({
  tensorflow: "TensorFlow",
  jax: "JAX",
  torch: "PyTorch",
});

/** The backend name a kit's Keras run is recorded under: `keras-jax`, `keras-torch`, `keras-tensorflow`. */
export function kerasBackendName(backend: KerasBackend): string {
  return `keras-${backend}`;
}

/** The device of a Keras run in words: `Keras 3.15.1 on JAX 0.11.0 (gpu:0 NVIDIA H100), Python 3.12.3`. */
export function describeKerasDevice(v: KerasVersions): string {
  const framework = KERAS_FRAMEWORK_NAMES[v.backend];
  return `Keras ${v.keras} on ${framework} ${v.backendVersion} (${v.device}), Python ${v.python}`;
}

/** Options of {@link kerasRecord}. */
export interface KerasRecordOptions {
  /** What the runs ran on. */
  versions: KerasVersions;
  /** The machine's environment (`collectEnvironment`); its device fields are filled in here. */
  env: Environment;
  /** The configuration both sides share; `engine` is set to {@link KERAS_ENGINE}. */
  config: Omit<RunConfig, "engine">;
}

/** The environment and configuration a Keras run's results file records. */
export function kerasRecord(options: KerasRecordOptions): { env: Environment; config: RunConfig } {
  const { versions: v } = options;
  return {
    env: {
      ...options.env,
      backend: options.config.backend,
      device: describeKerasDevice(v),
      deviceInfo: { kind: v.gpu ? "gpu" : "cpu" },
      keras: {
        version: v.keras,
        backend: v.backend,
        backendVersion: v.backendVersion,
        device: v.device,
        python: v.python,
      },
    },
    config: { ...options.config, engine: KERAS_ENGINE },
  };
}
