/**
 * The training loop: one model, epoch by epoch, with the measurements the
 * suite reports. Training time covers `model.fit` over the epoch's batches
 * only; shuffling, evaluation and checkpointing happen outside the clock.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { TRAINING_DEFAULTS } from "../_util/defaults.ts";
import type { SplitTensors } from "../data/tensors.ts";
import { setDropoutStep } from "../models/factory.ts";
import type { EpochRecord } from "../results/schema.ts";
import { evaluateModel } from "./evaluate.ts";
import { type EpochMetrics, fitEpochNative, type NativeEpochOptions } from "../tf_ops/step.ts";
import type { TrainStep } from "../engines/registry.ts";
import type { EnergyMeter } from "../measure/energy.ts";
import type { TfjsMemorySampler } from "../measure/tfjs_memory.ts";

/** Images and one-hot labels on the active backend, as `toTensors` makes them. */
export type TensorSplit = SplitTensors;

/** Options for {@link trainEpochs}. */
export interface TrainEpochsOptions {
  /** A compiled model (see `buildModel`), possibly restored from a checkpoint. */
  model: tf.LayersModel;
  /** Training split. */
  train: TensorSplit;
  /** Validation split, evaluated after every epoch (untimed). Optional. */
  validation?: TensorSplit;
  /** Epoch to stop after (1-based, inclusive). */
  epochs: number;
  /** Epochs already done (from a checkpoint); training continues after them. Default `[]`. */
  completed?: readonly EpochRecord[];
  /** Batch size. Default 128. */
  batchSize?: number;
  /** How batches are trained. Default `"fit"`. */
  step?: TrainStep;
  /**
   * With the `"native"` step: use oneDNN's kernels (see `NativeEpochOptions.oneDnn`).
   * Default: where they run; pass `false` when the backend computes on a GPU.
   */
  oneDnn?: boolean;
  /**
   * Returns the order in which epoch `epoch` (1-based) visits the N training
   * images: a permutation of 0..N-1. Seed it for repeatable runs.
   */
  order: (epoch: number, n: number) => Int32Array;
  /** Called after every batch with the epoch, the batch index (0-based) and the batch count. */
  onBatch?: (epoch: number, batch: number, batches: number) => void;
  /** Called after every epoch, e.g. to checkpoint. Awaited before the next epoch starts. */
  onEpoch?: (record: EpochRecord, all: readonly EpochRecord[]) => Promise<void> | void;
  /** When aborted, training stops after the current epoch (its record is kept). */
  signal?: AbortSignal;
  /** Reads `tf.memory()` after every batch. Default: none. */
  memory?: TfjsMemorySampler;
  /** Read at the ends of each epoch's timed region, for its `joules`. Default: none. */
  energy?: EnergyMeter;
}

/**
 * Trains `model` from the epoch after `completed` up to `epochs`. Each
 * epoch's record has its training seconds (the timed region only) and its
 * wall seconds (shuffle, training and validation), and its joules where an
 * energy meter is given, read just outside the timed region.
 *
 * @returns Every epoch's record, the completed ones first.
 */
export async function trainEpochs(options: TrainEpochsOptions): Promise<EpochRecord[]> {
  const {
    model,
    train,
    validation,
    epochs,
    batchSize = TRAINING_DEFAULTS.batchSize,
    order,
    onEpoch,
    signal,
    memory,
    energy,
  } = options;
  const onBatch = memory
    ? (epoch: number, batch: number, count: number) => {
      memory.sample();
      options.onBatch?.(epoch, batch, count);
    }
    : options.onBatch;
  const step = options.step ?? "fit";
  const records = [...(options.completed ?? [])];
  const n = train.xs.shape[0];
  // Dropout draws the masks of the step after the completed epochs, as if never stopped.
  setDropoutStep(model, records.length * Math.ceil(n / batchSize));
  for (let epoch = records.length + 1; epoch <= epochs && !signal?.aborted; epoch++) {
    const wall0 = performance.now();
    const [xs, ys] = epochTensors(train, order, epoch);
    const mark = energy?.mark();
    const t0 = performance.now();
    const metrics = await fitOneEpoch(model, xs, ys, {
      step,
      batchSize,
      oneDnn: options.oneDnn,
      onBatch: onBatch && ((batch, count) => onBatch(epoch, batch, count)),
    }).finally(() => tf.dispose([xs, ys]));
    // Both read the loss back to the host, so all work is done here.
    const trainSeconds = (performance.now() - t0) / 1000;
    const joules = mark && await energy!.joulesSince(mark);
    const gpu = mark && energy!.activitySince ? await energy!.activitySince(mark) : null;
    const val = validation ? await evaluateModel(model, validation.xs, validation.ys) : undefined;
    const record: EpochRecord = {
      epoch,
      trainSeconds,
      imagesPerSecond: n / trainSeconds,
      loss: metrics.loss,
      accuracy: metrics.accuracy,
      valLoss: val?.loss ?? null,
      valAccuracy: val?.accuracy ?? null,
      numTensors: tf.memory().numTensors,
      wallSeconds: (performance.now() - wall0) / 1000,
      ...(joules !== undefined ? { joules } : {}),
      ...(gpu
        ? { gpu: { utilisationPercent: gpu.utilisationPercent, smClockMHz: gpu.smClockMHz } }
        : {}),
    };
    records.push(record);
    await onEpoch?.(record, records);
  }
  return records;
}

/** The images and labels of `train` in epoch `epoch`'s order: new tensors, for the caller to dispose. */
export function epochTensors(
  train: TensorSplit,
  order: (epoch: number, n: number) => Int32Array,
  epoch: number,
): [tf.Tensor4D, tf.Tensor2D] {
  return tf.tidy(() => {
    const idx = tf.tensor1d(order(epoch, train.xs.shape[0]), "int32");
    return [tf.gather(train.xs, idx), tf.gather(train.ys, idx)];
  });
}

/**
 * Trains `model` for one epoch over `xs`/`ys` in the order given, with
 * `step`: `model.fit` or the native step. Both read the loss back to the
 * host, so all the epoch's work is done when it returns.
 */
export async function fitOneEpoch(
  model: tf.LayersModel,
  xs: tf.Tensor4D,
  ys: tf.Tensor2D,
  o: NativeEpochOptions & { step?: TrainStep },
): Promise<EpochMetrics> {
  if (o.step === "native") return fitEpochNative(model, xs, ys, o);
  const { batchSize = TRAINING_DEFAULTS.batchSize, onBatch } = o;
  const batches = Math.ceil(xs.shape[0] / batchSize);
  const history = await model.fit(xs, ys, {
    epochs: 1,
    batchSize,
    shuffle: false, // already in this epoch's seeded order
    verbose: 0,
    callbacks: onBatch ? { onBatchEnd: (batch) => onBatch(batch, batches) } : undefined,
  });
  return { loss: history.history.loss[0] as number, accuracy: history.history.acc[0] as number };
}
