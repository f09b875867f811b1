/**
 * The rows of a comparison (`comparison.ts`) one run at a time: a row from
 * each model run of a results file, a row from a backend that did not run,
 * and the summary of the machine a results file came from.
 *
 * @module
 */
import { describeCpu, describeOneDnn } from "./environment.ts";
import { epochTimes } from "./stats.ts";
import type { ResultsFile, RunRecord } from "./schema.ts";
import type { ComparisonRow, MachineSummary, SkippedRun } from "./comparison.ts";

/** The machine name of a results file: `env.machine`, else a name made from its CPU. */
export function machineOf(results: ResultsFile): string {
  return results.env.machine ?? `unnamed (${results.env.cpu.model})`;
}

/** Turns each model run of a results file into a row (speed-ups are filled in later). */
export function rowsFromResults(
  results: ResultsFile,
  source: string | null = null,
): ComparisonRow[] {
  const { env, config } = results;
  return results.runs.map((run) =>
    rowFromRun(run, results, source, env.deviceInfo, config.trainSize)
  );
}

function rowFromRun(
  run: RunRecord,
  results: ResultsFile,
  source: string | null,
  info: ResultsFile["env"]["deviceInfo"],
  trainSize: number,
): ComparisonRow {
  const times = epochTimes(run);
  const fellBack = info?.fellBackToCpu ?? false;
  const software = info?.softwareAdapter ?? false;
  const notes: string[] = [];
  if (fellBack) notes.push("GPU package ran on the CPU: no speed-up claimed");
  if (software) notes.push("software WebGPU adapter, not a GPU");
  if (run.epochs.length < results.config.epochs) {
    notes.push(`incomplete: ${run.epochs.length} of ${results.config.epochs} epochs`);
  }
  const engine = run.engine ?? results.config.engine;
  if (results.schemaVersion < 2) {
    notes.push(`engine ${engine} derived from a schema-${results.schemaVersion} file`);
  }
  return {
    machine: machineOf(results),
    model: run.model,
    backend: run.backend,
    engine,
    inferencePath: run.inference?.path ?? results.config.inferencePath ?? "layers",
    status: "measured",
    note: notes.length > 0 ? notes.join("; ") : null,
    device: results.env.device,
    deviceKind: info?.kind ?? (run.backend === "tensorflow-gpu" ? null : "cpu"),
    softwareAdapter: software,
    fellBackToCpu: fellBack,
    flopsPerImage: run.flopsPerImage,
    trainSize,
    epochs: run.epochs.length,
    secondsPerEpoch: times,
    imagesPerSecond: times ? trainSize / times.median : null,
    batch1P50Ms: run.inference?.batch1.p50Ms ?? null,
    batched: run.inference
      ? {
        batchSize: run.inference.batched.batchSize,
        imagesPerSecond: run.inference.batched.imagesPerSecond,
      }
      : null,
    test: run.test ? { accuracy: run.test.accuracy, count: run.test.count } : null,
    accuracyPerEpoch: run.epochs.map((e) => ({
      epoch: e.epoch,
      accuracy: e.valAccuracy ?? e.accuracy,
    })),
    speedup: null,
    engineSpeedup: null,
    measures: run.measures ?? null,
    source,
    createdAt: results.createdAt,
  };
}

/** Turns a backend that did not run into a row. */
export function rowFromSkipped(skipped: SkippedRun): ComparisonRow {
  return {
    machine: skipped.machine,
    model: skipped.model,
    backend: skipped.backend,
    engine: skipped.engine,
    inferencePath: null,
    status: skipped.status,
    note: skipped.reason,
    device: skipped.device ?? null,
    deviceKind: null,
    softwareAdapter: false,
    fellBackToCpu: skipped.status === "fell-back",
    flopsPerImage: skipped.flopsPerImage ?? null,
    trainSize: null,
    epochs: null,
    secondsPerEpoch: null,
    imagesPerSecond: null,
    batch1P50Ms: null,
    batched: null,
    test: null,
    accuracyPerEpoch: [],
    speedup: null,
    engineSpeedup: null,
    measures: null,
    source: null,
    createdAt: null,
  };
}

/** The summary of the machine a results file came from. */
export function machineSummary(results: ResultsFile): MachineSummary {
  const { env } = results;
  return {
    machine: machineOf(results),
    cpu: describeCpu(env),
    onednn: describeOneDnn(env),
    gpu: env.gpu
      ? `${env.gpu.name} (driver ${env.gpu.driver})`
      : `none (${env.gpuReason ?? "not found"})`,
    tensorflow: env.tensorflow,
    software: env.keras
      ? `Deno ${env.deno}, Keras ${env.keras.version} on ${env.keras.backend} ` +
        `${env.keras.backendVersion}, Python ${env.keras.python}`
      : `Deno ${env.deno}, TF.js ${env.tfjs}`,
    gitCommit: env.gitCommit,
  };
}
