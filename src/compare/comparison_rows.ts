/**
 * The rows of a comparison (`comparison.ts`) one run at a time: a row from
 * each model run of a results file, a row from a backend that did not run,
 * and the summary of the machine a results file came from.
 *
 * @module
 */
import { describeCpu, describeGpu, describeOneDnn } from "../measure/environment.ts";
import { batch1Interval, epochTimes, MIN_SAMPLES, steadyEpochSeconds } from "../results/stats.ts";
import { bootstrapInterval } from "../_util/stats.ts";
import type { ResultsFile, RunRecord } from "../results/schema.ts";
import type { ComparisonRow, MachineSummary, RowSetup, SkippedRun } from "./row.ts";

/** The machine name of a results file: `env.machine`, else a name made from its CPU. */
export function machineOf(results: ResultsFile): string {
  return results.env.machine ?? `unnamed (${results.env.cpu.model})`;
}

/** Turns each model run of a results file into a row (speed-ups are filled in later). */
export function rowsFromResults(
  results: ResultsFile,
  source: string | null = null,
): ComparisonRow[] {
  return results.runs.map((run) => rowFromRun(run, results, source));
}

function rowFromRun(run: RunRecord, results: ResultsFile, source: string | null): ComparisonRow {
  const info = results.env.deviceInfo;
  const trainSize = results.config.trainSize;
  const times = epochTimes(run);
  const engine = run.engine ?? results.config.engine;
  const notes = rowNotes(run, results, info, engine);
  return {
    machine: machineOf(results),
    model: run.model,
    backend: run.backend,
    engine,
    inferencePath: run.inference?.path ?? results.config.inferencePath ?? "layers",
    status: "measured",
    note: notes.length > 0 ? notes.join("; ") : null,
    ...(run.notTrained ? { notTrained: run.notTrained } : {}),
    device: results.env.device,
    deviceKind: info?.kind ?? (run.backend === "tensorflow-gpu" ? null : "cpu"),
    softwareAdapter: info?.softwareAdapter ?? false,
    fellBackToCpu: info?.fellBackToCpu ?? false,
    flopsPerImage: run.flopsPerImage,
    trainSize,
    epochs: run.epochs.length,
    secondsPerEpoch: times,
    imagesPerSecond: times ? trainSize / times.median : null,
    ...inferenceFields(run),
    samples: {
      epochSeconds: steadyEpochSeconds(run),
      batch1Ms: run.inference?.batch1.samplesMs ?? null,
      batchedMs: run.inference?.batched.samplesMs ?? null,
    },
    setup: setupOf(results),
    test: run.test ? { accuracy: run.test.accuracy, count: run.test.count } : null,
    accuracyPerEpoch: run.epochs.map((e) => ({
      epoch: e.epoch,
      accuracy: e.valAccuracy ?? e.accuracy,
    })),
    speedup: null,
    speedupInterval: null,
    engineSpeedup: null,
    engineSpeedupInterval: null,
    measures: run.measures ?? null,
    ...(run.profile ? { profile: run.profile } : {}),
    source,
    createdAt: results.createdAt,
  };
}

/** Why a row's figures need a word: a fallback, a software adapter, a short run, a derived engine. */
function rowNotes(
  run: RunRecord,
  results: ResultsFile,
  info: ResultsFile["env"]["deviceInfo"],
  engine: string,
): string[] {
  const notes: string[] = [];
  if (info?.fellBackToCpu ?? false) notes.push("GPU package ran on the CPU: no speed-up claimed");
  if (info?.softwareAdapter ?? false) {
    notes.push(
      run.backend === "browser-webgl"
        ? "software WebGL renderer, not a GPU"
        : "software WebGPU adapter, not a GPU",
    );
  }
  if (run.notTrained) notes.push(`not trained: ${run.notTrained}`);
  else if (run.epochs.length < results.config.epochs) {
    notes.push(`incomplete: ${run.epochs.length} of ${results.config.epochs} epochs`);
  }
  if (results.schemaVersion < 2) {
    notes.push(`engine ${engine} derived from a schema-${results.schemaVersion} file`);
  }
  return notes;
}

/** A row's inference figures: batch-1 latency, batched throughput and any further batch sizes. */
function inferenceFields(
  run: RunRecord,
): Pick<ComparisonRow, "batch1" | "batched" | "moreBatched"> {
  const inference = run.inference;
  return {
    batch1: inference
      ? {
        p50Ms: inference.batch1.p50Ms,
        p90Ms: inference.batch1.p90Ms ?? null,
        p95Ms: inference.batch1.p95Ms,
        p99Ms: inference.batch1.p99Ms ?? null,
        runs: inference.batch1.runs,
        interval: batch1Interval(run),
      }
      : null,
    batched: inference
      ? {
        batchSize: inference.batched.batchSize,
        imagesPerSecond: inference.batched.imagesPerSecond,
        interval: imagesPerSecondInterval(inference.batched.batchSize, inference.batched.samplesMs),
      }
      : null,
    ...(inference?.moreBatches?.length
      ? {
        moreBatched: inference.moreBatches.map((b) => ({
          batchSize: b.batchSize,
          imagesPerSecond: b.imagesPerSecond,
          interval: imagesPerSecondInterval(b.batchSize, b.samplesMs),
          samplesMs: b.samplesMs ?? null,
        })),
      }
      : {}),
  };
}

/**
 * Images/s at a batch size: its interval from the interval of the median call's milliseconds;
 * null with fewer than two calls recorded.
 */
function imagesPerSecondInterval(batchSize: number, samplesMs: readonly number[] | undefined) {
  if (!samplesMs || samplesMs.length < MIN_SAMPLES) return null;
  const ms = bootstrapInterval(samplesMs);
  return { low: batchSize / (ms.high / 1000), high: batchSize / (ms.low / 1000) };
}

/** What a results file's runs were set up with, beyond the code. */
export function setupOf(results: Pick<ResultsFile, "env" | "config">): RowSetup {
  const { env, config } = results;
  const sha = config.dataSource?.sha256;
  return {
    dataSha256: sha
      ? [sha.trainImages, sha.trainLabels, sha.testImages, sha.testLabels].join(" ")
      : null,
    onednn: describeOneDnn(env),
    batchSize: config.batchSize,
    inferenceBatchSize: config.inferenceBatchSize ?? null,
    trainSize: config.trainSize,
    testSize: config.testSize,
    seed: config.seed,
    threads: `intra-op ${env.threads.intraOp}, inter-op ${env.threads.interOp}`,
    cpu: `${env.cpu.model}, ${env.cpu.cores} cores`,
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
    batch1: null,
    batched: null,
    samples: null,
    setup: null,
    test: null,
    accuracyPerEpoch: [],
    speedup: null,
    speedupInterval: null,
    engineSpeedup: null,
    engineSpeedupInterval: null,
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
    gpu: describeGpu(env),
    tensorflow: env.tensorflow,
    software: env.keras
      ? `Deno ${env.deno}, Keras ${env.keras.version} on ${env.keras.backend} ` +
        `${env.keras.backendVersion}, Python ${env.keras.python}`
      : env.browser
      ? `Deno ${env.deno}, TF.js ${env.tfjs} in ${env.browser.version} (${env.browser.mode})`
      : `Deno ${env.deno}, TF.js ${env.tfjs}`,
    gitCommit: env.gitCommit,
  };
}
