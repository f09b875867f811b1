/**
 * A run in this Deno process, as `train-all` makes it: the backend loaded
 * for the run's engine, the data loaded, split and checked against the data
 * a resumed run started on, the description pinned to what it got (saved as
 * `run.json`), the record derived from it, the environment and the probes
 * found; then {@link runSession} trains, evaluates and times every model
 * through {@link runExperiment}, with the data's tensors made and disposed
 * around it.
 *
 * @module
 */
import { UsageError } from "../_util/usage_error.ts";
import type { OneDnnState } from "../backends/onednn.ts";
import { loadBackend, pickBackend } from "../backends/registry.ts";
import { missingTrainingKernels, notTrainedReason } from "../backends/training_kernels.ts";
import type { LoadedBackend } from "../backends/types.ts";
import { DatasetError } from "../data/errors.ts";
import { epochOrder } from "../data/split.ts";
import { toTensors } from "../data/tensors.ts";
import { assertEngineRunsOn, type EngineSpec, getEngineSpec } from "../engines/registry.ts";
import { getModelSpec } from "../models/spec.ts";
import { backendReadySeconds } from "../measure/cold_start.ts";
import { findEnergyMeter } from "../measure/energy.ts";
import { hostMemoryReader } from "../measure/host_memory.ts";
import { isMeasured } from "../measure/measures.ts";
import { ceilingOn } from "../measure/fp32_ceiling.ts";
import { dataChecksumMismatch } from "../results/data_source.ts";
import { collectEnvironment, type Environment } from "../measure/environment.ts";
import type { ResultsFile, RunConfig } from "../results/schema.ts";
import { type PreparedEngine, prepareEngine } from "../tf_ops/install.ts";
import {
  type ExperimentOptions,
  type ExperimentProfiling,
  type ExperimentResult,
  runExperiment,
} from "./experiment.ts";
import { loadRunData, type RunData, type RunDataOptions } from "./run_data.ts";
import { inferenceTimingFor, recordedConfig, type RunDescription } from "./run_description.ts";
import { savePinnedRun } from "./run_file.ts";
import { asUsageError } from "./run_values.ts";
import type { MeasureProbes } from "./run_measures.ts";

/** What the machine is, as the caller read it from the process and its environment. */
export interface MachineFacts {
  /** The CPU's vector extensions, or `null` where they cannot be read. */
  cpuFeatures: string[] | null;
  /** oneDNN's state in this process. */
  onednn: OneDnnState;
  /** TensorFlow's thread pools as the environment sets them. */
  threads: { intraOp: number | "default"; interOp: number | "default" };
  /** `TF_ENABLE_ONEDNN_OPTS` as set, or `undefined`. */
  oneDnnVariable?: string;
}

/** Options of {@link startSession}. */
export interface SessionOptions {
  /** The run, as resolved from the flags (or the saved description on resume). */
  run: RunDescription;
  /** Its folder. */
  outDir: string;
  /** What an earlier start left there, on resume. */
  previous?: ResultsFile;
  /** The machine. */
  machine: MachineFacts;
  /** Where the data is cached and how a download reports. */
  data: RunDataOptions;
}

/** A run ready to train: everything loaded, pinned and recorded. */
export interface Session {
  /** The description as it runs (saved in `run.json`). */
  run: RunDescription;
  /** What `results.json` records as its configuration. */
  config: RunConfig;
  /** The environment it records. */
  env: Environment;
  /** The loaded backend. */
  backend: LoadedBackend;
  /** The engine and what it installed. */
  engine: EngineSpec;
  prepared: PreparedEngine;
  /** The prepared splits. */
  data: RunData;
  /** What is measured beyond seconds. */
  probes: MeasureProbes;
  /** Why the backend cannot train, when it lacks a kernel of the backward pass. */
  notTrained?: string;
}

/**
 * Loads the run's backend (the best available when none is named) for its
 * engine, then its data outside every timed region, and saves the pinned
 * description as `run.json`.
 *
 * @throws {UsageError} For an engine that does not run on the backend, or a backend that is missing.
 * @throws {DatasetError} When a resumed run's data changed.
 */
export async function startSession(options: SessionOptions): Promise<Session> {
  const { outDir, previous, machine } = options;
  const engine = getEngineSpec(options.run.engine);
  const backendName = options.run.backend ?? (await pickBackend());
  asUsageError(() => assertEngineRunsOn(engine, backendName, "--engine"));
  const backend = await loadBackend(backendName, { allowFallback: options.run.allowFallback })
    .catch((err: Error) => {
      throw new UsageError(err.message.replace(/^backend /, "--backend "));
    });
  // The engine installs its own patches; the stock engine checks there are none.
  const prepared = prepareEngine(backend, engine, { oneDnn: machine.onednn });
  const backendLoadSeconds = await backendReadySeconds(backend.tf);
  const data = await loadRunData(options.run, options.data);
  const saved = options.run.dataSource;
  const changed = saved && dataChecksumMismatch(saved.sha256, data.source.sha256);
  if (changed) throw new DatasetError(changed);
  // A GPU backend's fallback is accepted again on resume only where it really fell back.
  const fellBack = backend.device.fellBackToCpu || backend.device.isFallbackAdapter || false;
  const allowFallback = options.run.allowFallback && fellBack;
  const run = await savePinnedRun(outDir, { ...options.run, allowFallback }, backend.name, data);

  // A resumed run keeps the words it recorded for its data (the files may come from elsewhere now).
  const recorded = saved ? previous?.config.data : undefined;
  return {
    run,
    config: {
      ...recordedConfig(run, data, backend.name, prepared),
      data: recorded ?? data.description,
    },
    env: await environmentOf(backend, run, machine),
    backend,
    engine,
    prepared,
    data,
    probes: await findProbes(backend, backendLoadSeconds),
    notTrained: notTrainedOn(backend),
  };
}

/**
 * Trains, evaluates and times every model of a started session, then closes its meters.
 *
 * @param hooks Progress (`onEvent`; a promise it returns is awaited, see `runExperiment`) and a
 *   `signal` whose abort stops after the epoch in flight, with everything done so far written.
 */
export async function runSession(
  session: Session,
  outDir: string,
  previous: ResultsFile | undefined,
  hooks: Pick<ExperimentOptions, "onEvent" | "signal" | "record" | "onRecordError"> = {},
): Promise<ExperimentResult> {
  const { run, data, backend } = session;
  const tensors = {
    train: toTensors(data.train),
    validation: toTensors(data.validation),
    test: toTensors(data.test),
  };
  try {
    return await runExperiment({
      run,
      models: run.models.map(getModelSpec),
      data: tensors,
      config: session.config,
      engine: session.engine,
      kernelLibrary: session.prepared.kernelLibrary,
      env: session.env,
      outDir,
      previous,
      order: epochOrder(run.seed),
      inference: inferenceTimingFor(run, data.test.count),
      onEvent: hooks.onEvent,
      signal: hooks.signal,
      record: hooks.record,
      onRecordError: hooks.onRecordError,
      probes: session.probes,
      notTrained: session.notTrained,
      profiling: run.profile ? profilingOn(backend) : undefined,
    });
  } finally {
    for (const t of Object.values(tensors)) backend.tf.dispose([t.xs, t.ys]);
    if (isMeasured(session.probes.energy)) await session.probes.energy.close();
  }
}

/** Profiling on `backend`: its fp32 ceiling measured once, on first use, where it runs TensorFlow. */
function profilingOn(backend: LoadedBackend): ExperimentProfiling {
  let ceiling: Promise<number | null> | undefined;
  return {
    tf: backend.tf,
    ceiling: () => ceiling ??= ceilingOn(backend.name, backend.tf),
  };
}

function environmentOf(
  backend: LoadedBackend,
  run: RunDescription,
  machine: MachineFacts,
): Promise<Environment> {
  return collectEnvironment({
    tfjsVersion: backend.tf.version_core,
    tensorflowVersion: backend.device.tensorflowVersion ?? null,
    backend: backend.name,
    device: backend.device.description,
    deviceInfo: {
      kind: backend.device.kind,
      ...(backend.device.fellBackToCpu ? { fellBackToCpu: true } : {}),
      ...(backend.device.isFallbackAdapter ? { softwareAdapter: true } : {}),
    },
    wasm: backend.device.wasm,
    machine: run.machine,
    threads: machine.threads,
    oneDnnVariable: machine.oneDnnVariable,
    cpuFeatures: machine.cpuFeatures,
    oneDnn: machine.onednn,
  });
}

/** What this process can measure beyond seconds, on the device the backend computes on. */
async function findProbes(
  backend: LoadedBackend,
  backendLoadSeconds: number,
): Promise<MeasureProbes> {
  const device = backend.device.kind;
  const energy = await findEnergyMeter({ device });
  return {
    hostMemory: hostMemoryReader(),
    energy,
    backendLoadSeconds,
    noDeviceMemory: device === "cpu"
      ? "the backend computes on the CPU: its memory is the host figure"
      : isMeasured(energy)
      ? `${energy.info.name} read no memory`
      : energy.notMeasured.replace(/^no GPU power meter/, "no GPU memory meter"),
  };
}

/** Why `backend` cannot train the models, or `undefined` when it can. */
function notTrainedOn(backend: LoadedBackend): string | undefined {
  const name = backend.tf.getBackend();
  const missing = missingTrainingKernels(backend.tf.getKernel, name);
  return missing.length > 0 ? notTrainedReason(name, backend.tf.version_core, missing) : undefined;
}
