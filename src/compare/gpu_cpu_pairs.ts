/**
 * GPU over CPU within one framework on one machine: the question the suite
 * was built for (the notebook's 9 minutes on a GPU against 32 on its CPU),
 * answered only by rows that differ in their device. A pair is a measured
 * row that ran on a real GPU and one that ran on the CPU, on the same
 * machine and model, in the same framework: the same engine for TF.js
 * (`webgpu` against `wasm`, `tensorflow-gpu` against `tensorflow`), the same
 * Keras backend for Keras (`keras-jax` against `keras-jax-cpu`). Each ratio
 * comes with its 95% bootstrap interval and verdict; a ratio whose runs
 * were set up differently (data, sizes, seed, batch) is not given, and the
 * pair says what differs.
 *
 * @module
 */
import type { ComparisonRow, RowSetup, VerdictedInterval } from "./row.ts";
import { speedupInterval } from "./verdict.ts";

/** A ratio (above 1: the GPU is faster), with its interval and verdict when the samples give one. */
export interface PairRatio {
  /** The GPU's speed over the CPU's. */
  ratio: number;
  /** 95% bootstrap interval, with its verdict (`faster`: the GPU is faster); null without samples. */
  interval: VerdictedInterval | null;
}

/** One framework's GPU row over its CPU row, on one machine and model. */
export interface GpuCpuPair {
  machine: string;
  model: string;
  /** The framework, as the rows' engine or Keras backend names it (`tfjs`, `keras-jax`). */
  framework: string;
  /** The GPU row. */
  gpu: PairSide;
  /** The CPU row. */
  cpu: PairSide;
  /** Setup fields that differ beyond the device (empty for a like-for-like pair). */
  differs: string[];
  /** Training images/s, GPU over CPU; null with the reason in `notes` when not given. */
  training: PairRatio | null;
  /** Batch-1 p50 latency, CPU over GPU (above 1: the GPU answers sooner). */
  batch1: PairRatio | null;
  /** Batched inference images/s, GPU over CPU, at the batch size both used. */
  batched: (PairRatio & { batchSize: number }) | null;
  /** The same at each further batch size both measured (e.g. 128), smallest first. */
  moreBatched: (PairRatio & { batchSize: number })[];
  /**
   * Cold start, kept apart from the steady figures above (WebGPU's shader
   * compilation and XLA's compilation land here): each side's first epoch
   * over its steady median, and its first batch-1 prediction.
   */
  coldStart: { gpu: ColdStart; cpu: ColdStart };
  /** Why a ratio is not given, and what else a reader must know. */
  notes: string[];
}

/** One side's cold start; null where it was not measured. */
export interface ColdStart {
  /** The first epoch's seconds over the steady median (needs two epochs). */
  firstEpochExtraSeconds: number | null;
  /** The first batch-1 prediction, ms. */
  firstPredictionMs: number | null;
}

function coldStartOf(row: ComparisonRow): ColdStart {
  const c = row.measures?.coldStart;
  const extra = c?.firstEpochExtraSeconds;
  return {
    firstEpochExtraSeconds: typeof extra === "number" ? extra : null,
    firstPredictionMs: c?.firstPredictionMs ?? null,
  };
}

/** A side of a pair: which row it is. */
export interface PairSide {
  backend: string;
  engine: string;
  device: string | null;
}

/** The setup fields a pair's training figures must share. */
const TRAINING_SETUP: readonly (keyof RowSetup)[] = [
  "dataSha256",
  "trainSize",
  "batchSize",
  "seed",
];

/**
 * The framework a row ran in, for pairing: a Keras row's backend name
 * without its `-cpu` suffix (the kit's CPU side of the same Keras backend),
 * else its engine.
 */
export function frameworkOf(row: Pick<ComparisonRow, "engine" | "backend">): string {
  return row.engine === "keras" ? row.backend.replace(/-cpu$/, "") : row.engine;
}

const onGpu = (r: ComparisonRow) =>
  r.status === "measured" && r.deviceKind === "gpu" && !r.softwareAdapter && !r.fellBackToCpu;
const onCpu = (r: ComparisonRow) => r.status === "measured" && r.deviceKind === "cpu";

/** Every GPU-over-CPU pair among `rows`, in the rows' order (machine, model, GPU row). */
export function gpuCpuPairs(rows: readonly ComparisonRow[]): GpuCpuPair[] {
  return rows.filter(onGpu).flatMap((gpu) =>
    rows.filter((cpu) =>
      onCpu(cpu) && cpu.machine === gpu.machine && cpu.model === gpu.model &&
      frameworkOf(cpu) === frameworkOf(gpu)
    ).map((cpu) => pairOf(gpu, cpu))
  );
}

function pairOf(gpu: ComparisonRow, cpu: ComparisonRow): GpuCpuPair {
  const side = ({ backend, engine, device }: ComparisonRow): PairSide => ({
    backend,
    engine,
    device,
  });
  const notes: string[] = [];
  const differs = !gpu.setup || !cpu.setup
    ? ["setup (not recorded)"]
    : (Object.keys(gpu.setup) as (keyof RowSetup)[]).filter((k) =>
      !["cpu", "threads", "onednn"].includes(k) && gpu.setup![k] !== cpu.setup![k]
    );
  return {
    machine: gpu.machine,
    model: gpu.model,
    framework: frameworkOf(gpu),
    gpu: side(gpu),
    cpu: side(cpu),
    differs,
    training: trainingRatio(gpu, cpu, differs, notes),
    batch1: gpu.batch1 && cpu.batch1
      ? {
        ratio: cpu.batch1.p50Ms / gpu.batch1.p50Ms,
        interval: speedupInterval(cpu.samples?.batch1Ms, gpu.samples?.batch1Ms),
      }
      : null,
    batched: batchedRatio(gpu, cpu, notes),
    moreBatched: moreBatchedRatios(gpu, cpu),
    coldStart: { gpu: coldStartOf(gpu), cpu: coldStartOf(cpu) },
    notes,
  };
}

/**
 * Training images/s, GPU over CPU; null, with why in `notes`, where a side
 * was not trained or the runs' training setups differ.
 */
function trainingRatio(
  gpu: ComparisonRow,
  cpu: ComparisonRow,
  differs: readonly string[],
  notes: string[],
): PairRatio | null {
  const trainingDiffers = differs.filter((d) =>
    d === "setup (not recorded)" || TRAINING_SETUP.includes(d as keyof RowSetup)
  );
  const untrained = [gpu, cpu].find((r) => r.imagesPerSecond === null);
  if (untrained) {
    const why = untrained.notTrained ? ` (${untrained.notTrained})` : "";
    notes.push(`training: ${untrained.backend} was not trained${why}`);
    return null;
  }
  if (trainingDiffers.length > 0) {
    notes.push(`training: not compared, the runs differ in ${trainingDiffers.join(", ")}`);
    return null;
  }
  // Same training size, so epoch seconds compare directly: CPU seconds over GPU seconds.
  const training = {
    ratio: gpu.imagesPerSecond! / cpu.imagesPerSecond!,
    interval: speedupInterval(cpu.samples?.epochSeconds, gpu.samples?.epochSeconds),
  };
  if (!training.interval) notes.push("training: fewer than 2 steady epochs a side, no interval");
  return training;
}

/** Batched images/s, GPU over CPU; null, with why in `notes`, at different batch sizes. */
function batchedRatio(
  gpu: ComparisonRow,
  cpu: ComparisonRow,
  notes: string[],
): GpuCpuPair["batched"] {
  if (!gpu.batched || !cpu.batched) return null;
  if (gpu.batched.batchSize !== cpu.batched.batchSize) {
    notes.push(
      `batched: not compared, batch ${gpu.batched.batchSize} on the GPU and ${cpu.batched.batchSize} on the CPU`,
    );
    return null;
  }
  return {
    batchSize: gpu.batched.batchSize,
    ratio: gpu.batched.imagesPerSecond / cpu.batched.imagesPerSecond,
    interval: speedupInterval(cpu.samples?.batchedMs, gpu.samples?.batchedMs),
  };
}

/** The same at each further batch size both sides measured, smallest first. */
function moreBatchedRatios(gpu: ComparisonRow, cpu: ComparisonRow): GpuCpuPair["moreBatched"] {
  return (gpu.moreBatched ?? []).flatMap((g) => {
    const c = cpu.moreBatched?.find((b) => b.batchSize === g.batchSize);
    if (!c) return [];
    return [{
      batchSize: g.batchSize,
      ratio: g.imagesPerSecond / c.imagesPerSecond,
      interval: speedupInterval(c.samplesMs, g.samplesMs),
    }];
  }).sort((a, b) => a.batchSize - b.batchSize);
}
