/**
 * The files the Keras peer's Python script (`keras_peer.py`) and the Deno
 * side exchange for one training job: the data, the per-epoch orders and
 * `job.json` it reads, and the `measured` part of the run it writes back,
 * turned into the results schema's measures.
 *
 * @module
 */
import { join } from "node:path";
import type { DataSplit } from "../data/split.ts";
import type { ModelSpec } from "../models/spec.ts";
import type { EpochRecord } from "../results/schema.ts";
import type { EnergyMeter } from "../measure/energy.ts";
import {
  energyOf,
  type HostMemoryRecord,
  type Measured,
  type MeasuresRecord,
  type MemoryRecord,
  notMeasured,
} from "../measure/measures.ts";
import { firstEpochExtra } from "../measure/cold_start.ts";
import { timeToAccuracy } from "../measure/time_to_accuracy.ts";
import type { InferenceTiming } from "../train/latency.ts";
import type { KerasProfileSettings } from "./keras_profile.ts";

/** The splits a job trains, validates and tests on, by name. */
export type KerasJobData = { train: DataSplit; validation: DataSplit; test: DataSplit };

/** The settings of a training job, as `job.json` gives them to the Python side. */
export interface KerasJobSettings {
  /** The model. */
  spec: ModelSpec;
  /** Its forward FLOPs per image, recorded in the result. */
  flopsPerImage: number;
  /** Epochs. */
  epochs: number;
  /** Batch size. */
  batchSize: number;
  /** Adam's learning rate. */
  learningRate: number;
  /** Seed (Keras's own initialisers and dropout draw from it). */
  seed: number;
  /** Inference settings, as for `measureInference`. */
  inference: InferenceTiming;
  /** TensorFlow's thread pools, pinned the same as on the TF.js side. */
  threads: { intraOp: number | "default"; interOp: number | "default" };
  /** The Keras backend. */
  kerasBackend: string;
  /** Per-op profiles after the timed runs (`keras_profile.py`); absent: none. */
  profile?: KerasProfileSettings;
}

/**
 * Writes a job into `workDir`: each split's images and labels
 * (`NAME-images.u8`, `NAME-labels.u8`), each epoch's order
 * (`order-EPOCH.i32`) and then `job.json`, stamped with the time it was
 * written (`spawnedAtMs`, from which the script counts its backend's load
 * time); a run file left by an earlier job is removed. Write it just before
 * starting the script.
 *
 * @returns The `job.json` to pass the script, and the run file (`out`) the script writes.
 */
export async function writeKerasJob(
  workDir: string,
  data: KerasJobData,
  order: (epoch: number, n: number) => Int32Array,
  settings: KerasJobSettings,
): Promise<{ jobPath: string; out: string }> {
  await Deno.mkdir(workDir, { recursive: true });
  for (const [name, split] of Object.entries(data)) {
    await Deno.writeFile(join(workDir, `${name}-images.u8`), split.images);
    await Deno.writeFile(join(workDir, `${name}-labels.u8`), split.labels);
  }
  for (let epoch = 1; epoch <= settings.epochs; epoch++) {
    const indices = order(epoch, data.train.count);
    await Deno.writeFile(
      join(workDir, `order-${epoch}.i32`),
      new Uint8Array(indices.buffer, indices.byteOffset, indices.byteLength),
    );
  }
  const out = join(workDir, "run.json");
  const jobPath = join(workDir, "job.json");
  await Deno.remove(out).catch(() => {});
  const job = { dataDir: workDir, ...settings, out, spawnedAtMs: Date.now() };
  await Deno.writeTextFile(jobPath, JSON.stringify(job));
  return { jobPath, out };
}

/**
 * Removes the data and order files of a job from `workDir`: they are copies
 * of the prepared splits, kept out of the results folder.
 */
export async function removeKerasJobData(
  workDir: string,
  data: KerasJobData,
  epochs: number,
): Promise<void> {
  const files = [
    ...Object.keys(data).flatMap((name) => [`${name}-images.u8`, `${name}-labels.u8`]),
    ...Array.from({ length: epochs }, (_, i) => `order-${i + 1}.i32`),
  ];
  for (const file of files) await Deno.remove(join(workDir, file)).catch(() => {});
}

/** What the Python side measured itself (its `measured` field). */
export interface KerasMeasured {
  /** The process's resident memory. */
  host: HostMemoryRecord;
  /** The framework's device memory, or why it is not measured. */
  device: MemoryRecord["device"];
  /** From the job's `spawnedAtMs` to the framework imported. */
  backendLoadSeconds: number;
  /** Building and compiling the model. */
  modelBuildSeconds: number;
  /** The first prediction, untimed elsewhere. */
  firstPredictionMs: number;
}

/** The Keras run's measures: the Python side's own, and those derived here as on the TF.js side. */
export function kerasMeasures(
  measured: KerasMeasured,
  epochs: readonly EpochRecord[],
  o: { targets: readonly number[]; trainSize: number; energy: Measured<EnergyMeter> },
): MeasuresRecord {
  return {
    memory: {
      host: measured.host,
      tfjs: notMeasured("not TF.js: Keras has no tf.memory()"),
      device: measured.device,
    },
    coldStart: {
      backendLoadSeconds: measured.backendLoadSeconds,
      modelBuildSeconds: measured.modelBuildSeconds,
      firstPredictionMs: measured.firstPredictionMs,
      firstEpochExtraSeconds: firstEpochExtra(epochs),
    },
    timeToAccuracy: timeToAccuracy(epochs, o.targets),
    energy: energyOf(o.energy, epochs, o.trainSize),
  };
}
