/**
 * The shared body of `bench/model{1,2,3}_bench.ts`: for one model, on each
 * configured backend, with the configured engine (`src/engines/registry.ts`;
 * default `tfjs`, stock TF.js), registers three `Deno.bench` groups — one
 * training epoch, batch-1 inference, batched inference — with the native
 * CPU backend as the baseline. One engine per process: `tfjs` and `native`
 * install different gradients on the same backend. A backend that is not available is still registered, with
 * `ignore: true` and a name that says why, so it shows in the output.
 *
 * Data loading, model building and tensor conversion happen once, before
 * the timed regions; every timed region ends with the result read back.
 * With `profile`, each model's ops are profiled after its benches
 * (`profile_bench.ts`).
 *
 * @module
 */
import type { OneDnnState } from "../backends/onednn.ts";
import type { BackendName, LoadedBackend } from "../backends/types.ts";
import { getBackendSpec, loadBackend } from "../backends/registry.ts";
import { missingTrainingKernels, notTrainedReason } from "../backends/training_kernels.ts";
import { DatasetError } from "../data/errors.ts";
import { type FashionMnist, loadFashionMnist, loadFixtureData } from "../data/load.ts";
import { type DataSplit, epochOrder, stratifiedSubset, take } from "../data/split.ts";
import { toTensors } from "../data/tensors.ts";
import { TRAINING_DEFAULTS } from "../_util/defaults.ts";
import { buildModel } from "../models/factory.ts";
import { INFERENCE_DEFAULTS, inferenceBatchFor } from "../train/latency.ts";
import { epochTensors, fitOneEpoch } from "../train/trainer.ts";
import {
  assertEngineRunsOn,
  DEFAULT_ENGINE,
  type EngineSpec,
  getEngineSpec,
} from "../engines/registry.ts";
import { getModelSpec } from "../models/spec.ts";
import { nativePredictor, type Predict } from "../tf_ops/predict.ts";
import { type PreparedEngine, prepareEngine } from "../tf_ops/install.ts";
import { type ProfileBenchTarget, registerProfileBench } from "./profile_bench.ts";

/** What to benchmark. */
export interface ModelBenchConfig {
  /** Backends, in order; the first CPU backend among them is the baseline. */
  backends: BackendName[];
  /** The engine every backend runs. */
  engine: EngineSpec;
  /** Training images per epoch. */
  trainSize: number;
  /** Timed epochs per backend (each after one untimed warm-up epoch). */
  epochRuns: number;
  /** Batch size of training. */
  batchSize: number;
  /** Images per batched-inference call. */
  inferenceBatch: number;
  /** Use the fixture split instead of the full dataset. */
  fixtures: boolean;
  /** The cache folder for the dataset, or none. */
  cacheDir?: string;
  /** This process's oneDNN state (see `PrepareEngineOptions.oneDnn`). Default: on. */
  oneDnn?: OneDnnState;
  /** Profile each model's ops once after its benches (`src/bench/profile_bench.ts`). */
  profile: boolean;
}

/** The environment variables `parseBenchConfig` reads (passed in by the bench files). */
export interface BenchEnv {
  /** `FMNIST_BENCH_BACKENDS`: comma-separated backend names; default: the best native one. */
  backends?: string;
  /** `FMNIST_BENCH_TRAIN_SIZE`: images per training epoch; default 60000. */
  trainSize?: string;
  /** `FMNIST_BENCH_EPOCHS`: timed epochs per backend; default 3. */
  epochRuns?: string;
  /** `FMNIST_BENCH_FIXTURES=1`: use the 2,000-image fixture split. */
  fixtures?: string;
  /** `FMNIST_BENCH_ENGINE`: one engine name; default `tfjs`. */
  engine?: string;
  /** `FMNIST_BENCH_PROFILE=1`: profile each model's ops after its benches, and print the summary. */
  profile?: string;
}

/**
 * Turns the environment's strings into a checked config.
 *
 * @param defaultBackend The backend to use when none is named (the best native one).
 * @throws {RangeError} Naming the variable, what was expected and what was found.
 */
export function parseBenchConfig(env: BenchEnv, defaultBackend: BackendName): ModelBenchConfig {
  const int = (name: string, value: string | undefined, fallback: number) => {
    if (value === undefined || value === "") return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) {
      throw new RangeError(`${name}: expected a positive integer, got ${JSON.stringify(value)}`);
    }
    return n;
  };
  const backends = env.backends
    ? env.backends.split(",").map((b) => b.trim()).filter(Boolean)
    : [defaultBackend];
  const named = <T>(variable: string, read: () => T): T => {
    try {
      return read();
    } catch (err) {
      throw new RangeError(`${variable}: ${(err as Error).message}`);
    }
  };
  const natives = backends.filter((b) =>
    named("FMNIST_BENCH_BACKENDS", () => getBackendSpec(b)).libtensorflow
  );
  if (natives.length > 1) {
    const both = natives.join(" and ");
    throw new RangeError(
      `FMNIST_BENCH_BACKENDS: ${both} cannot share a process; bench them in separate runs`,
    );
  }
  const engine = named(
    "FMNIST_BENCH_ENGINE",
    () => getEngineSpec(env.engine?.trim() || DEFAULT_ENGINE),
  );
  for (const b of backends) assertEngineRunsOn(engine, b, "FMNIST_BENCH_ENGINE");
  const fixtures = env.fixtures === "1";
  return {
    backends: backends as BackendName[],
    engine,
    trainSize: int("FMNIST_BENCH_TRAIN_SIZE", env.trainSize, fixtures ? 2000 : 60000),
    epochRuns: int("FMNIST_BENCH_EPOCHS", env.epochRuns, 3),
    batchSize: TRAINING_DEFAULTS.batchSize,
    inferenceBatch: INFERENCE_DEFAULTS.batchSize,
    fixtures,
    profile: env.profile === "1",
  };
}

/** The training images: the full training set, or a stratified subset, or repeats of it. */
function trainingImages(train: DataSplit, size: number): DataSplit {
  if (size === train.count) return train;
  if (size < train.count) return stratifiedSubset(train, { size, seed: TRAINING_DEFAULTS.seed });
  return take(train, Array.from({ length: size }, (_, i) => i % train.count));
}

/** A backend loaded with the engine installed, or why it could not be. */
type Loaded = { backend: LoadedBackend; prepared: PreparedEngine } | string;

/** The `Deno.bench` options of one group on one backend: the group's name and the baseline flag. */
type GroupOptions = (group: string) => { group: string; baseline: boolean };

/**
 * Registers the benchmarks of one model. Call it at the top level of a bench
 * file (it awaits data and backends before registering).
 */
export async function registerModelBenches(
  modelName: string,
  config: ModelBenchConfig,
): Promise<void> {
  const spec = getModelSpec(modelName);
  const data = await benchData(modelName, config);
  if (!data) return;
  const train = trainingImages(data.train, config.trainSize);
  const baseline = config.backends.find((b) => b === "tensorflow" || b === "cpu") ??
    config.backends[0];
  const loaded = await loadBackends(config);
  for (const name of config.backends) {
    const entry = loaded.get(name)!;
    const groupOpts: GroupOptions = (group) => ({
      group: `${modelName} ${group}`,
      baseline: name === baseline,
    });
    if (typeof entry === "string") {
      registerUnavailable(modelName, name, entry, groupOpts);
      continue;
    }
    const { tf, device } = entry.backend;
    const use = () => tf.setBackend(getBackendSpec(name).tfjsName);
    await use(); // tensors live on the backend that is active when they are made
    const model = buildModel(spec, { seed: TRAINING_DEFAULTS.seed });
    const bench: BackendBench = {
      modelName,
      name,
      config,
      groupOpts,
      tf,
      use,
      model,
      label: `${name} (${device.description}), engine ${config.engine.name}`,
      oneDnn: entry.prepared.kernelLibrary?.library === "onednn",
    };
    registerTrainEpoch(bench, train);
    registerInference(bench, data.test);
    if (config.profile) registerProfileBench(profileTarget(bench), train);
  }
}

/** What the profile of `bench` needs. */
function profileTarget(bench: BackendBench): ProfileBenchTarget {
  const { tfjsName } = getBackendSpec(bench.name);
  const missing = missingTrainingKernels(bench.tf.getKernel, tfjsName);
  return {
    ...bench,
    backend: bench.name,
    step: bench.config.engine.trainStep,
    path: bench.config.engine.inferencePath,
    batchSize: bench.config.batchSize,
    inferenceBatch: bench.config.inferenceBatch,
    notTrained: missing.length > 0
      ? notTrainedReason(tfjsName, bench.tf.version_core, missing)
      : undefined,
  };
}

/** The dataset, or `undefined` after registering one ignored bench that says why it is missing. */
async function benchData(
  modelName: string,
  config: ModelBenchConfig,
): Promise<FashionMnist | undefined> {
  try {
    return config.fixtures
      ? await loadFixtureData()
      : await loadFashionMnist({ cacheDir: config.cacheDir, baseUrls: false });
  } catch (err) {
    if (!(err instanceof DatasetError)) throw err;
    Deno.bench({ name: `${modelName} [skipped: ${err.message}]`, ignore: true, fn() {} });
    return undefined;
  }
}

/**
 * Every backend of `config` loaded with its engine, or the reason it is not;
 * native backends first, before WebGPU: the other order crashes.
 */
async function loadBackends(config: ModelBenchConfig): Promise<Map<BackendName, Loaded>> {
  const order = [...config.backends].sort((a, b) =>
    Number(getBackendSpec(b).libtensorflow) - Number(getBackendSpec(a).libtensorflow)
  );
  const loaded = new Map<BackendName, Loaded>();
  for (const name of order) {
    const probe = await getBackendSpec(name).probe();
    if (!probe.available) {
      loaded.set(name, probe.reason);
      continue;
    }
    try {
      const backend = await loadBackend(name, { allowFallback: true });
      const prepared = prepareEngine(backend, config.engine, { oneDnn: config.oneDnn });
      loaded.set(name, { backend, prepared });
    } catch (err) {
      loaded.set(name, (err as Error).message);
    }
  }
  return loaded;
}

/** Registers the three groups of an unavailable backend as ignored, with `reason` in their names. */
function registerUnavailable(
  modelName: string,
  name: BackendName,
  reason: string,
  groupOpts: GroupOptions,
): void {
  // Deno does not print ignored benches, so say it here too, where the output shows it.
  console.log(`${modelName} on ${name}: skipped, unavailable: ${reason}`);
  for (const group of ["train epoch", "batch-1 inference", "batched inference"]) {
    Deno.bench({
      name: `${modelName} ${group} on ${name} [unavailable: ${reason}]`,
      ...groupOpts(group),
      baseline: false,
      ignore: true,
      fn() {},
    });
  }
}

/** One model on one loaded backend, what its benches share. */
interface BackendBench {
  modelName: string;
  name: BackendName;
  config: ModelBenchConfig;
  groupOpts: GroupOptions;
  tf: LoadedBackend["tf"];
  /** Makes this backend the active one again. */
  use: () => Promise<boolean>;
  model: ReturnType<typeof buildModel>;
  /** The backend, its device and the engine, as bench names show them. */
  label: string;
  /** oneDNN's kernels run in the native step and predictor. */
  oneDnn: boolean;
}

/**
 * Registers the training epoch of `bench` on `train`, with an ignored bench
 * saying why before it when the backend lacks training kernels.
 */
function registerTrainEpoch(bench: BackendBench, train: DataSplit): void {
  const { modelName, name, config, tf, use, model } = bench;
  const order = epochOrder(TRAINING_DEFAULTS.seed);
  const trainSet = toTensors(train);
  let epoch = 0;
  const step = config.engine.trainStep;
  const how = step === "native" ? "native step" : "model.fit";
  const { tfjsName } = getBackendSpec(name);
  const missing = missingTrainingKernels(tf.getKernel, tfjsName);
  if (missing.length > 0) {
    // Deno does not print ignored benches, so say it here too, as for an unavailable backend.
    console.log(
      `${modelName} train epoch on ${name}: skipped, it cannot train (no ${missing.join(", ")})`,
    );
    const why = notTrainedReason(tfjsName, tf.version_core, missing);
    Deno.bench({
      name: `${modelName} train epoch on ${name} [not trained: ${why}]`,
      ...bench.groupOpts("train epoch"),
      ignore: true,
      fn() {},
    });
  }
  Deno.bench({
    name: `${modelName} train epoch (${train.count} images, ${how}) on ${bench.label}`,
    ...bench.groupOpts("train epoch"),
    ignore: missing.length > 0,
    n: config.epochRuns,
    warmup: 1,
    async fn(b) {
      await use();
      const [ex, ey] = epochTensors(trainSet, order, ++epoch);
      b.start();
      await fitOneEpoch(model, ex, ey, { step, batchSize: config.batchSize, oneDnn: bench.oneDnn });
      b.end();
      tf.dispose([ex, ey]);
    },
  });
}

/**
 * Registers batch-1 and batched inference of `bench` on images of `test`:
 * one call per batch, then the result read back before the clock stops;
 * predictOnBatch with every engine, and the native predictor beside it with
 * `native`.
 */
function registerInference(bench: BackendBench, test: DataSplit): void {
  const { modelName, config, model, label } = bench;
  const one = toTensors(test, 0, 1).xs;
  const batch = toTensors(test, 0, inferenceBatchFor(config.inferenceBatch, test.count)).xs;
  // Each path with what readies it for a batch size, run before the clock (the native
  // predictor's tuning: a no-op once settled).
  const paths: [string, Predict, (x: Parameters<Predict>[0]) => unknown][] = [
    ["", (x) => model.predictOnBatch(x) as ReturnType<Predict>, () => {}],
  ];
  if (config.engine.inferencePath === "native") {
    const native = nativePredictor(model, { oneDnn: bench.oneDnn });
    paths.push([" (native ops)", native.predict, native.settle]);
  }
  const timings = [
    ["batch-1 inference", "batch-1 inference", one, 200, 20],
    ["batched inference", `batched inference (${batch.shape[0]} images)`, batch, 10, 2],
  ] as const;
  for (const [suffix, predict, settle] of paths) {
    for (const [group, name, x, n, warmup] of timings) {
      Deno.bench({
        name: `${modelName} ${name}${suffix} on ${label}`,
        ...bench.groupOpts(group),
        n,
        warmup,
        async fn(b) {
          await bench.use();
          settle(x);
          b.start();
          const y = predict(x);
          await y.data();
          b.end();
          y.dispose();
        },
      });
    }
  }
}
