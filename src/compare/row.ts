/**
 * The rows of a comparison (`comparison.ts`) and what they carry: one model
 * on one backend and engine on one machine, the setup a run was made with,
 * the machine's summary, and a backend that did not run.
 *
 * @module
 */
import type { Interval } from "../_util/stats.ts";
import type { MeasuresRecord } from "../measure/measures.ts";
import type { ModelProfiles } from "../measure/op_profile.ts";
import type { EpochTimes } from "../results/stats.ts";
import type { Verdict } from "./verdict.ts";

/** Why a row has numbers or not. */
export type RowStatus = "measured" | "unavailable" | "fell-back" | "failed";

/** One model on one backend on one machine. */
export interface ComparisonRow {
  /** Machine name (`env.machine`, the hostname unless `--machine` named it). */
  machine: string;
  /** Model name. */
  model: string;
  /** Backend registry name. */
  backend: string;
  /**
   * The engine (`src/engines/registry.ts`), `"keras"` for the Keras peer, or
   * `"unrecorded"` for a native-backend row of a version-1 comparison.
   */
  engine: string;
  /** What the inference figures time: `"layers"` (`predictOnBatch`) or `"native"`; null when unknown. */
  inferencePath: "layers" | "native" | null;
  /** `"measured"` when the numbers below are filled in. */
  status: RowStatus;
  /** Why it was not measured, or a note on how it was (e.g. a short run). */
  note: string | null;
  /** Why its model was not trained (its backend cannot train), when so; inference was still timed. */
  notTrained?: string;
  /** The device, in words, as the backend reported it. */
  device: string | null;
  /** `"gpu"` only when the work really ran on a GPU. */
  deviceKind: "cpu" | "gpu" | null;
  /** WebGPU on a software rasteriser, not a GPU. */
  softwareAdapter: boolean;
  /** A GPU package that ran on the CPU: no speed-up is claimed for it. */
  fellBackToCpu: boolean;
  /** Forward FLOPs per image of the model. */
  flopsPerImage: number | null;
  /** Training images per epoch. */
  trainSize: number | null;
  /** Epochs trained. */
  epochs: number | null;
  /**
   * Seconds per epoch over the steady epochs (the first left out when there
   * are more), with the 95% bootstrap interval of the median over those
   * epochs (null in comparisons before version 3).
   */
  secondsPerEpoch: EpochTimes | null;
  /** Training images per second at the median epoch. */
  imagesPerSecond: number | null;
  /**
   * Batch-1 inference latency in milliseconds: percentiles over `runs` calls
   * and the 95% bootstrap interval of the median over them (null where not
   * recorded: comparisons before version 3 kept the p50 only).
   */
  batch1: {
    p50Ms: number;
    p90Ms: number | null;
    p95Ms: number | null;
    p99Ms: number | null;
    runs: number | null;
    interval: Interval | null;
  } | null;
  /** Batched inference throughput, its batch size and the 95% interval of the images/s (over calls). */
  batched: { batchSize: number; imagesPerSecond: number; interval: Interval | null } | null;
  /** Throughput at further batch sizes (e.g. 128 beside 1,024), as `batched`, with each call's milliseconds; absent when none was measured. */
  moreBatched?: {
    batchSize: number;
    imagesPerSecond: number;
    interval: Interval | null;
    samplesMs: number[] | null;
  }[];
  /**
   * The samples the intervals come from: each steady epoch's seconds, each
   * batch-1 call's and each batched call's milliseconds; null where they
   * were not recorded (skipped rows, comparisons before version 3).
   */
  samples: {
    epochSeconds: number[];
    batch1Ms: number[] | null;
    batchedMs: number[] | null;
  } | null;
  /** What a run was set up with, beyond its code: rows that differ here are not the same experiment. */
  setup: RowSetup | null;
  /** Test accuracy and the number of test images. */
  test: { accuracy: number; count: number } | null;
  /** Accuracy after each epoch: validation when there was a split, else training. */
  accuracyPerEpoch: { epoch: number; accuracy: number }[];
  /**
   * Training images/s over the baseline backend's with the same engine, on the
   * same machine and model; null when not claimed.
   */
  speedup: number | null;
  /** The speed-up's 95% bootstrap interval (over both rows' epochs) and its verdict; null with it. */
  speedupInterval: VerdictedInterval | null;
  /**
   * Training images/s over the `tfjs` engine's on the same machine, model and
   * backend (e.g. native over tfjs); null for `tfjs` rows and when not measured.
   */
  engineSpeedup: number | null;
  /** The engine speed-up's 95% bootstrap interval and its verdict; null with it. */
  engineSpeedupInterval: VerdictedInterval | null;
  /** Memory, cold start, time to accuracy and energy; null when not recorded (before schema 3, or not run). */
  measures: MeasuresRecord | null;
  /** Per-op profiles of the run, when it was profiled; their figures are not in the medians. */
  profile?: ModelProfiles | null;
  /** Where the row came from (a results file), when known. */
  source: string | null;
  /** When the run started (ISO), to keep the newest of duplicates. */
  createdAt: string | null;
}

/** The key of a row: its machine, model, backend and engine. */
export function rowKey(r: Pick<ComparisonRow, "machine" | "model" | "backend" | "engine">): string {
  return `${r.machine}\u0000${r.model}\u0000${r.backend}\u0000${r.engine}`;
}

/** The interval of a speed-up and what it concludes (`faster`: the row is faster than its base). */
export interface VerdictedInterval extends Interval {
  /** Read from the interval with the default band (`verdict.ts`). */
  verdict: Verdict;
}

/**
 * What a row's run was set up with beyond its code, as `deno task diff`
 * checks before pairing two rows: the data, the kernels, the sizes and the
 * threads.
 */
export interface RowSetup {
  /** SHA-256 of the four data files joined, or null where the run did not record them. */
  dataSha256: string | null;
  /** oneDNN's state in words (`describeOneDnn`). */
  onednn: string;
  /** Training batch size. */
  batchSize: number;
  /** Batch size of the batched inference measurement. */
  inferenceBatchSize: number | null;
  /** Training images per epoch. */
  trainSize: number;
  /** Test images evaluated. */
  testSize: number;
  /** Seed. */
  seed: number;
  /** TensorFlow's intra-op and inter-op threads. */
  threads: string;
  /** CPU model and cores. */
  cpu: string;
}

/** A machine that contributed rows. */
export interface MachineSummary {
  /** Machine name. */
  machine: string;
  /** CPU model, logical cores and recorded vector extensions. */
  cpu: string;
  /** Whether libtensorflow ran oneDNN's kernels, and why; absent in older comparisons. */
  onednn?: string;
  /** GPU name and driver, or why there is none. */
  gpu: string;
  /** libtensorflow version of the libtensorflow backend. */
  tensorflow: string | null;
  /** Deno and TF.js versions. */
  software: string;
  /** Git commit of the suite. */
  gitCommit: string | null;
}

/** A backend that was not run, to be shown as a row with its reason. */
export interface SkippedRun {
  /** Machine name. */
  machine: string;
  /** Model name. */
  model: string;
  /** Backend name. */
  backend: string;
  /** Engine name. */
  engine: string;
  /** Why it has no numbers. */
  status: Exclude<RowStatus, "measured">;
  /** The reason, in words. */
  reason: string;
  /** The device it would have run on, when known. */
  device?: string | null;
  /** Forward FLOPs per image of the model, when known. */
  flopsPerImage?: number | null;
}
