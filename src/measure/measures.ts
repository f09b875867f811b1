/**
 * What a run measures beyond seconds, as `results.json` records it per model
 * (`RunRecord.measures`, from schema 3): host and TF.js memory, device
 * memory, cold start, time to accuracy and energy. A figure that cannot be
 * taken on a machine is a {@link NotMeasured} with the reason, never a zero.
 *
 * @module
 */
import { median } from "../_util/stats.ts";

/** A figure that could not be taken here, and why (e.g. "no energy counter: /sys/class/powercap is absent"). */
export interface NotMeasured {
  /** The reason, in words. */
  notMeasured: string;
}

/** A measured value, or why there is none. */
export type Measured<T> = T | NotMeasured;

/** `{ notMeasured: reason }`. */
export function notMeasured(reason: string): NotMeasured {
  return { notMeasured: reason };
}

/** Whether a {@link Measured} value was taken. */
export function isMeasured<T>(value: T | NotMeasured): value is Exclude<T, NotMeasured> {
  return !(typeof value === "object" && value !== null && "notMeasured" in value);
}

/** The process's resident memory (host RAM), in bytes. */
export interface HostMemoryRecord {
  /**
   * How it was read: `"VmHWM"` (the kernel's peak resident set in
   * `/proc/self/status`, reset between phases through `/proc/self/clear_refs`)
   * or `"ru_maxrss"` (Python's `resource.getrusage`, the process's peak, not
   * reset: its inference peak is the process's peak so far).
   */
  method: "VmHWM" | "ru_maxrss";
  /** Resident set once the backend is loaded and the data is in memory, before the model is built. */
  baselineBytes: number;
  /** Peak resident set while the model was built and trained; null for a model that was not trained. */
  trainingPeakBytes: number | null;
  /** Peak resident set while the model was evaluated and timed for inference; null until then. */
  inferencePeakBytes: number | null;
}

/** TF.js's own view of its memory (`tf.memory()`), sampled at the end of every training batch. */
export interface TfjsMemoryRecord {
  /** Peak of `numBytes` over the samples: live tensors between steps (weights, optimizer state, the epoch's shuffled copy). */
  peakBytes: number;
  /** Peak of `numTensors` over the samples. */
  peakTensors: number;
  /** Peak of `numBytesInGPU` (WebGPU, WebGL), or null where the backend keeps no GPU count. */
  peakBytesInGpu: number | null;
  /** Samples taken (one per batch). */
  samples: number;
}

/** Device (GPU) memory. */
export interface DeviceMemoryRecord {
  /** Peak bytes in use on the device during training. */
  peakBytes: number;
  /** Where it came from, e.g. "nvidia-smi memory.used, sampled every 100 ms" or "jax memory_stats()['peak_bytes_in_use']". */
  method: string;
}

/** Memory of one model's run. */
export interface MemoryRecord {
  /** Host resident set. */
  host: Measured<HostMemoryRecord>;
  /** TF.js's tensor memory; not measured on the Keras side. */
  tfjs: Measured<TfjsMemoryRecord>;
  /** Device memory; not measured where the run computes on the CPU. */
  device: Measured<DeviceMemoryRecord>;
}

/**
 * Cold start: each one-off cost on its own, never mixed into the
 * steady-state medians.
 */
export interface ColdStartRecord {
  /**
   * Seconds from the process's start to a backend that has computed once (the
   * runtime's start, imports, loading the backend and its first op). One
   * figure per process: the models trained in one process share it.
   */
  backendLoadSeconds: Measured<number>;
  /** Seconds to build and compile the model. */
  modelBuildSeconds: number;
  /** The trained model's first batch-1 prediction, in ms (a new shape: graph building, kernel creation, shader compilation); null until timed. */
  firstPredictionMs: number | null;
  /** The first epoch's training seconds over the median of the later ones; needs two epochs. */
  firstEpochExtraSeconds: Measured<number>;
}

/** When one target validation accuracy was first reached. */
export interface TargetRecord {
  /** The target, a fraction (0.85 is 85%). */
  target: number;
  /** The first epoch whose validation accuracy reached it; null when not reached in the epochs trained. */
  epoch: number | null;
  /** Training seconds (the timed regions) of epochs 1 to `epoch`; null when not reached. */
  trainSeconds: number | null;
  /** Wall seconds of epochs 1 to `epoch` (shuffle, training and validation); null when not reached or not recorded. */
  wallSeconds: number | null;
}

/** Time to accuracy: one entry per target, in the order of `config.targetAccuracies`. */
export interface TimeToAccuracyRecord {
  /** Epochs trained when it was worked out. */
  epochs: number;
  /** Each target. */
  targets: TargetRecord[];
}

/** The energy meter a run read. */
export interface EnergyMeterInfo {
  /** E.g. "RAPL package-0 (/sys/class/powercap/intel-rapl:0)" or "nvidia-smi power.draw, GPU 0". */
  name: string;
  /** What it counts: `"cpu-package"` (the whole package, every process) or `"gpu"`. */
  counts: "cpu-package" | "gpu";
  /** Sampling interval in ms for a sampled meter; null for a counter read at the ends of each epoch. */
  intervalMs: number | null;
}

/** Energy of one model's training. */
export interface EnergyRecord {
  /** The meter. */
  meter: EnergyMeterInfo;
  /** Median joules per epoch over the epochs that have a reading. */
  joulesPerEpoch: number;
  /** Training images per joule at that median. */
  imagesPerJoule: number;
  /**
   * A GPU meter's view of the training epochs: the median over epochs of each
   * epoch's mean utilisation (%) and SM clock (MHz); absent where the meter reads neither.
   */
  gpu?: { utilisationPercent: number; smClockMHz: number | null };
}

/** What an epoch's record holds of a meter's readings: its joules and GPU activity, where read. */
export interface MeteredEpoch {
  /** Joules of the epoch's training. */
  joules?: number;
  /** The GPU's mean utilisation (%) and SM clock (MHz) over the epoch. */
  gpu?: { utilisationPercent: number; smClockMHz: number | null };
}

/**
 * `{ gpu }`: the median over `epochs` of their GPU utilisation and SM clock,
 * for an {@link EnergyRecord}; `{}` when no epoch has them.
 */
export function gpuActivityOf(epochs: readonly MeteredEpoch[]): Pick<EnergyRecord, "gpu"> {
  const read = epochs.flatMap((e) => e.gpu ? [e.gpu] : []);
  if (read.length === 0) return {};
  const clocks = read.flatMap((g) => g.smClockMHz === null ? [] : [g.smClockMHz]);
  return {
    gpu: {
      utilisationPercent: median(read.map((g) => g.utilisationPercent)),
      smClockMHz: clocks.length > 0 ? median(clocks) : null,
    },
  };
}

/**
 * The energy record of `epochs` read by `meter`: the median joules of the
 * epochs that have a reading, or why there is none.
 */
export function energyOf(
  meter: Measured<{ info: EnergyMeterInfo }>,
  epochs: readonly MeteredEpoch[],
  trainSize: number,
): Measured<EnergyRecord> {
  if (!isMeasured(meter)) return meter;
  const joules = epochs.flatMap((e) => e.joules === undefined ? [] : [e.joules]);
  if (joules.length === 0) return notMeasured(`${meter.info.name}: no epoch has a reading yet`);
  const joulesPerEpoch = median(joules);
  return {
    meter: meter.info,
    joulesPerEpoch,
    imagesPerJoule: trainSize / joulesPerEpoch,
    ...gpuActivityOf(epochs),
  };
}

/** Everything a run measures beyond seconds. */
export interface MeasuresRecord {
  /** Memory. */
  memory: MemoryRecord;
  /** Cold start. */
  coldStart: ColdStartRecord;
  /** Time to accuracy. */
  timeToAccuracy: TimeToAccuracyRecord;
  /** Energy of training, or why there is no meter. */
  energy: Measured<EnergyRecord>;
}
