/**
 * The whole experiment behind `deno task train-all`: each model in turn is
 * built, trained epoch by epoch with a checkpoint after each, evaluated on
 * the test set and timed for inference. `results.json` is rewritten
 * atomically after every epoch, so an interrupted run loses at most the epoch
 * in flight and can be resumed; a `written` event follows each write, for the
 * caller to render what it derives from the results (`train-all` writes
 * `report.md` from it).
 *
 * Output folder layout:
 * - `results.json`: the versioned results (see `src/results/schema.ts`);
 * - `models/<model>/`: the trained models in TensorFlow.js format;
 * - `checkpoints/<model>/`: the latest epoch of a model still in training.
 *
 * @module
 */
import { dirname, join } from "node:path";
import type { LayersModel } from "@tensorflow/tfjs";
import type { EnergyMeter } from "../measure/energy.ts";
import { emptyRunRecord } from "./run_record.ts";
import { buildModel } from "../models/factory.ts";
import type { ModelSpec } from "../models/spec.ts";
import type { KernelLibraryChoice } from "../backends/onednn.ts";
import type { EngineSpec, InferencePath } from "../engines/registry.ts";
import type { Tf } from "../backends/types.ts";
import type { Environment } from "../measure/environment.ts";
import {
  type EpochRecord,
  type ResultsFile,
  type RunConfig,
  type RunRecord,
  validateResults,
} from "../results/schema.ts";
import { createResultsWriter, RESULTS_FILE, type ResultsWriterOptions } from "../results/writer.ts";
import { restoreCheckpoint, saveCheckpoint, saveModel } from "./checkpoint.ts";
import { evaluateModel } from "./evaluate.ts";
import { type InferenceTiming, measureInference } from "./latency.ts";
import { type TensorSplit, trainEpochs } from "./trainer.ts";
import { readJsonIfExists } from "../_util/fs.ts";
import { isMeasured } from "../measure/measures.ts";
import { type MeasureProbes, type ModelMeasures, modelMeasures, noProbes } from "./run_measures.ts";
import { type RunDescription, targetAccuraciesFor } from "./run_description.ts";
import { profileModel } from "./op_profiles.ts";

/**
 * What per-op profiling needs from the process that runs the models: the
 * backend's TF.js, and the fp32 ceiling (measured on first use, after the
 * first model's timed work), or null where none is measured.
 */
export interface ExperimentProfiling {
  /** The TF.js whose backend runs the models. */
  tf: Tf;
  /** The machine's fp32 ceiling in GFLOP/s, or null. */
  ceiling: () => Promise<number | null>;
}

/**
 * Progress events, for a progress bar or JSON lines. `written` follows each
 * atomic write of `results.json`, with the results as written (the same
 * object is updated afterwards: render or copy it in the handler).
 */
export type ExperimentEvent =
  | { type: "run-start"; models: PlannedModel[] }
  | { type: "model-start"; model: string; fromEpoch: number; epochs: number }
  | { type: "phase"; model: string; phase: Phase; detail: string }
  | { type: "batch"; model: string; epoch: number; batch: number; batches: number }
  | { type: "epoch"; model: string; record: EpochRecord; epochs: number }
  | { type: "model-done"; model: string; run: RunRecord }
  | { type: "model-skip"; model: string; reason: string }
  | { type: "interrupted"; model: string; epochs: number }
  | { type: "written"; path: string; results: ResultsFile };

/** A model still to run, as the `run-start` event lists it: enough to estimate the time left. */
export interface PlannedModel {
  model: string;
  /** Epochs still to train (0 when only its test and timing are left). */
  epochsLeft: number;
  /** Forward FLOPs per image: the models' relative cost. */
  flopsPerImage: number;
  /** Already complete: nothing left to do. */
  complete: boolean;
}

/** The work after a model's last epoch, each announced before it starts. */
export type Phase = "evaluate" | "inference" | "save" | "profile";

export type { InferenceTiming } from "./latency.ts";

/** Options for {@link runExperiment}. */
export interface ExperimentOptions {
  /** What to run: epochs, batch size, seed, learning rate, target accuracies. */
  run: RunDescription;
  /** The models, in run order. */
  models: readonly ModelSpec[];
  /** Data on the active backend. The caller owns (and disposes) these tensors. */
  data: { train: TensorSplit; validation?: TensorSplit; test: TensorSplit };
  /** What the results record as the run's configuration; recorded verbatim, never read as a setting. */
  config: RunConfig;
  /** How models are trained and inference is timed: its `trainStep` and `inferencePath`. */
  engine: EngineSpec;
  /**
   * The kernels the engine's own TensorFlow ops use, as `prepareEngine` chose
   * them. Default: none chosen, so those ops use TensorFlow's generic kernels
   * (a stock engine runs none of them).
   */
  kernelLibrary?: KernelLibraryChoice;
  /** The measured environment; recorded verbatim. */
  env: Environment;
  /** Output folder. */
  outDir: string;
  /** The previous state of this run (from {@link readResults}), to resume. */
  previous?: ResultsFile;
  /** Epoch order: a seeded permutation of 0..n-1 for each 1-based epoch. */
  order: (epoch: number, n: number) => Int32Array;
  /** Inference timing: warm-up and timed calls at batch 1, and the batch and calls of the batched run. */
  inference: InferenceTiming;
  /**
   * Progress callback. A promise it returns is awaited before the run goes
   * on (a `written` handler's writes are done before the next epoch), except
   * for `batch` events, which come from inside an epoch: a rejected one
   * fails the run at the next event.
   */
  onEvent?: (event: ExperimentEvent) => Promise<void> | void;
  /** Records each write beside the file (the history store); see `ResultsWriterOptions`. */
  record?: ResultsWriterOptions["record"];
  /** Told once why recording failed; the run goes on. */
  onRecordError?: ResultsWriterOptions["onRecordError"];
  /** Aborting stops after the epoch in flight, with everything done so far written. */
  signal?: AbortSignal;
  /**
   * Why the backend cannot train (`notTrainedReason`): each model's inference
   * is then timed on the untrained model, its `test` stays null and its record
   * says why. Default: none, every model trains.
   */
  notTrained?: string;
  /**
   * What the process can measure beyond seconds: host memory, the energy
   * meter, the backend's load time (`src/train/run_measures.ts`). Default:
   * none, and every such figure says it was not measured.
   */
  probes?: MeasureProbes;
  /**
   * Per-op profiles of each model after its timed work and saved model, in
   * its record's `profile` (`src/train/op_profiles.ts`); set where the run
   * asked for them (`run.profile`). Default: none, and no record has one.
   */
  profiling?: ExperimentProfiling;
}

/** What {@link runExperiment} ended with. */
export interface ExperimentResult {
  /** The results as written. */
  results: ResultsFile;
  /** True when the signal stopped the run before every model finished. */
  interrupted: boolean;
}

/** Reads and validates `results.json` from an output folder; `undefined` when there is none. */
export async function readResults(outDir: string): Promise<ResultsFile | undefined> {
  const path = join(outDir, RESULTS_FILE);
  const parsed = await readJsonIfExists(path);
  if (parsed === undefined) return undefined;
  return validateResults(parsed, path);
}

/** Trains, evaluates and times every model; see the module doc for what is written. */
export async function runExperiment(options: ExperimentOptions): Promise<ExperimentResult> {
  const { run, models, data, config, env, outDir } = options;
  const trainSize = data.train.xs.shape[0];
  const probes = options.probes ?? noProbes("not measured: the experiment was given no probes");
  const meter = isMeasured(probes.energy) ? probes.energy : undefined;
  const targets = targetAccuraciesFor(run);
  // The model in flight: its measures are brought up to date at every write.
  let current: { run: RunRecord; measures: ModelMeasures } | undefined;
  const oneDnn = options.kernelLibrary?.library === "onednn";
  let batchFailure: { error: unknown } | undefined;
  const emit = async (event: ExperimentEvent) => {
    if (batchFailure) throw batchFailure.error;
    await options.onEvent?.(event);
  };
  const emitBatch = (event: ExperimentEvent) => {
    const pending = options.onEvent?.(event);
    pending?.catch((error) => batchFailure ??= { error });
  };
  const writer = await createResultsWriter({
    outDir,
    env,
    config,
    createdAt: options.previous?.createdAt,
    runs: models.map((spec) =>
      options.previous?.runs.find((r) => r.model === spec.name) ??
        emptyRunRecord(spec, config.backend, run.engine)
    ),
    onWritten: (results, path) => emit({ type: "written", path, results }),
    record: options.record,
    onRecordError: options.onRecordError,
  });
  const { results } = writer;
  const write = async (status?: ResultsFile["status"]) => {
    if (current) {
      current.run.measures = current.measures.record(current.run.epochs, targets, trainSize);
    }
    await writer.write(status);
  };
  const measured = (record: RunRecord) =>
    record.inference !== null &&
    (record.notTrained !== undefined ||
      (record.test !== null && record.epochs.length >= run.epochs));
  // A run stopped while profiling resumes to take the profile.
  const complete = (record: RunRecord) =>
    measured(record) && (options.profiling === undefined || record.profile != null);
  await emit({
    type: "run-start",
    models: results.runs.map((record) => ({
      model: record.model,
      epochsLeft: Math.max(0, run.epochs - record.epochs.length),
      flopsPerImage: record.flopsPerImage,
      complete: complete(record),
    })),
  });

  const ctx: ModelContext = { options, emit, emitBatch, write, meter, oneDnn };
  for (const [i, spec] of models.entries()) {
    const record = results.runs[i];
    if (complete(record)) {
      await emit({ type: "model-skip", model: spec.name, reason: "already complete" });
      continue;
    }
    const measures = modelMeasures(probes, record.measures);
    current = { run: record, measures };
    try {
      if (!(await runModel(ctx, spec, record, measures))) return { results, interrupted: true };
    } finally {
      current = undefined;
    }
  }
  await write("complete");
  return { results, interrupted: false };
}

/** What each model's steps share within one experiment. */
interface ModelContext {
  options: ExperimentOptions;
  emit: (event: ExperimentEvent) => Promise<void>;
  emitBatch: (event: ExperimentEvent) => void;
  write: () => Promise<void>;
  meter: EnergyMeter | undefined;
  /** Whether the engine's own TensorFlow ops (the native step and predictor) may use oneDNN's kernels. */
  oneDnn: boolean;
}

/**
 * Builds one model, trains it (unless the backend cannot), evaluates it,
 * times its inference and saves it, updating `record` and writing as it goes.
 *
 * @returns `false` when the signal stopped its training.
 */
async function runModel(
  ctx: ModelContext,
  spec: ModelSpec,
  record: RunRecord,
  measures: ModelMeasures,
): Promise<boolean> {
  const { options, emit, write } = ctx;
  const { run, data, outDir, notTrained } = options;
  const checkpoints = join(outDir, "checkpoints", spec.name);
  const model = measures.build(() =>
    buildModel(spec, { seed: run.seed, learningRate: run.learningRate })
  );
  const phase = (phase: Phase, detail: string) =>
    emit({ type: "phase", model: spec.name, phase, detail });
  try {
    if (record.inference !== null) {
      // Stopped while profiling: what was measured stands, and the profile is of the last checkpoint.
      if (!notTrained) await restoreCheckpoint(checkpoints, model, spec.name);
    } else if (notTrained) {
      record.notTrained = notTrained;
      await emit({ type: "model-start", model: spec.name, fromEpoch: 1, epochs: 0 });
    } else {
      if (!(await trainModel(ctx, spec, model, record, measures))) return false;
      await phase("evaluate", `${data.test.xs.shape[0]} test images`);
      record.test = await evaluateModel(model, data.test.xs, data.test.ys);
    }
    if (record.inference === null) {
      const timing = {
        ...options.inference,
        path: options.engine.inferencePath,
        oneDnn: ctx.oneDnn,
      };
      await phase("inference", describeTiming(timing));
      const { firstCallMs, ...inference } = await measureInference(model, data.test.xs, timing);
      record.inference = inference;
      measures.afterInference(firstCallMs);
      if (!notTrained) {
        await phase("save", join(outDir, "models", spec.name));
        await saveModel(model, join(outDir, "models", spec.name));
      }
      await write();
    }
    if (options.profiling) {
      // After everything timed and saved: profiling trains the model on, and slows what it times.
      await phase("profile", "a training step, batch 1 and batched, 5 repeats each");
      record.profile = await profileRecord(ctx, options.profiling, model);
      await write();
    }
    await Deno.remove(checkpoints, { recursive: true }).catch(() => {});
    await Deno.remove(dirname(checkpoints)).catch(() => {}); // only once empty
    await emit({ type: "model-done", model: spec.name, run: record });
    return true;
  } finally {
    model.optimizer?.dispose();
    model.dispose();
  }
}

/** Profiles `model` as the run trains and predicts (`src/train/op_profiles.ts`). */
async function profileRecord(
  ctx: ModelContext,
  profiling: ExperimentProfiling,
  model: LayersModel,
): Promise<RunRecord["profile"]> {
  const { run, data, engine, inference, notTrained } = ctx.options;
  return await profileModel(profiling.tf, model, data.train.xs, data.train.ys, {
    step: engine.trainStep,
    path: engine.inferencePath,
    batchSize: run.batchSize,
    inferenceBatchSize: inference.batchSize,
    oneDnn: ctx.oneDnn,
    ceilingGflops: await profiling.ceiling(),
    notTrained,
  });
}

/**
 * Trains one model from its last checkpoint, one checkpoint and write per epoch.
 *
 * @returns `false` when the signal stopped it before its last epoch.
 */
async function trainModel(
  ctx: ModelContext,
  spec: ModelSpec,
  model: LayersModel,
  record: RunRecord,
  measures: ModelMeasures,
): Promise<boolean> {
  const { options, emit, write } = ctx;
  const { run, data } = options;
  const checkpoints = join(options.outDir, "checkpoints", spec.name);
  const restored = await restoreCheckpoint(checkpoints, model, spec.name);
  record.epochs = restored?.epochs ?? [];
  await emit({
    type: "model-start",
    model: spec.name,
    fromEpoch: record.epochs.length + 1,
    epochs: run.epochs,
  });
  measures.beforeTraining();
  record.epochs = await trainEpochs({
    model,
    train: data.train,
    validation: data.validation,
    epochs: run.epochs,
    completed: record.epochs,
    batchSize: run.batchSize,
    step: options.engine.trainStep,
    oneDnn: ctx.oneDnn,
    order: options.order,
    signal: options.signal,
    memory: measures.tfjs,
    energy: ctx.meter,
    onBatch: (epoch, batch, batches) =>
      ctx.emitBatch({ type: "batch", model: spec.name, epoch, batch, batches }),
    onEpoch: async (epoch, all) => {
      await saveCheckpoint(checkpoints, model, { model: spec.name, epochs: [...all] });
      record.epochs = [...all];
      await write();
      await emit({ type: "epoch", model: spec.name, record: epoch, epochs: run.epochs });
    },
  });
  await measures.afterTraining();
  if (record.epochs.length < run.epochs) {
    await emit({ type: "interrupted", model: spec.name, epochs: record.epochs.length });
    await write();
    return false;
  }
  return true;
}

/** What the inference phase times, in words. */
function describeTiming(o: InferenceTiming & { path: InferencePath }): string {
  const sizes = [o.batchSize, ...(o.moreBatchSizes ?? [])].join(", ");
  return `batch 1 × ${o.runs}, batch ${sizes} × ${o.batchedRuns}` +
    (o.path === "native" ? ", native ops (autotuned) and predictOnBatch" : "");
}
