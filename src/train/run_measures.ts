/**
 * The measures of one model's run beyond seconds, gathered as the run goes
 * (`src/measure/`): host memory per phase, TF.js's memory at every batch,
 * device memory and energy from a meter, model build and first prediction,
 * and, derived from the epochs at every write, the first epoch's extra time
 * and the time to each target accuracy. Every read happens outside the
 * timed regions.
 *
 * @module
 */
import type { EnergyMark, EnergyMeter } from "../measure/energy.ts";
import type { HostMemoryReader } from "../measure/host_memory.ts";
import {
  type DeviceMemoryRecord,
  energyOf,
  type HostMemoryRecord,
  isMeasured,
  type Measured,
  type MeasuresRecord,
  notMeasured,
  type TfjsMemoryRecord,
} from "../measure/measures.ts";
import { firstEpochExtra } from "../measure/cold_start.ts";
import { timeToAccuracy } from "../measure/time_to_accuracy.ts";
import { type TfjsMemorySampler, tfjsMemorySampler } from "../measure/tfjs_memory.ts";
import type { EpochRecord } from "../results/schema.ts";

/** What a process can measure, found once and shared by its models. */
export interface MeasureProbes {
  /** This process's resident memory, or why it cannot be read. */
  hostMemory: Measured<HostMemoryReader>;
  /** The energy meter for the device the run computes on, or why there is none. */
  energy: Measured<EnergyMeter>;
  /** Seconds from the process's start to a backend that has computed once, or why not timed. */
  backendLoadSeconds: Measured<number>;
  /** Why device memory is not read, when the meter reads none (e.g. "the backend computes on the CPU"). */
  noDeviceMemory: string;
}

/** The probes of a caller that measures nothing beyond seconds: every figure says so. */
export function noProbes(reason: string): MeasureProbes {
  return {
    hostMemory: notMeasured(reason),
    energy: notMeasured(reason),
    backendLoadSeconds: notMeasured(reason),
    noDeviceMemory: reason,
  };
}

/** One model's measures as its run goes; see the module doc. */
export interface ModelMeasures {
  /** Reads `tf.memory()` at every batch (hand it to the trainer). */
  tfjs: TfjsMemorySampler;
  /** Builds the model with `make`, timed, after taking the baseline and resetting the peak. */
  build<T>(make: () => T): T;
  /** Call just before training. */
  beforeTraining(): void;
  /** Call after the last epoch of this process: the training peaks; the peak reset for inference. */
  afterTraining(): Promise<void>;
  /** Call after evaluation and inference timing, with the first batch-1 prediction's ms. */
  afterInference(firstPredictionMs: number): void;
  /** The record for the epochs so far. */
  record(
    epochs: readonly EpochRecord[],
    targets: readonly number[],
    trainSize: number,
  ): MeasuresRecord;
}

/**
 * Starts one model's measures; `previous` is its record from a resumed run,
 * whose peaks are kept where this process's are lower.
 */
export function modelMeasures(probes: MeasureProbes, previous?: MeasuresRecord): ModelMeasures {
  const host = probes.hostMemory;
  const tfjs = tfjsMemorySampler();
  const earlier = earlierMemory(previous);
  let baselineBytes = earlier.host?.baselineBytes ?? 0;
  // null until a training phase has run (a backend that cannot train never has one).
  let trainingPeakBytes: number | null = earlier.host?.trainingPeakBytes ?? null;
  let inferencePeakBytes: number | null = null;
  let modelBuildSeconds = previous?.coldStart.modelBuildSeconds ?? 0;
  let firstPredictionMs: number | null = null;
  let deviceMark: EnergyMark | undefined;
  let training = false;
  let devicePeakBytes: number | null = earlier.device?.peakBytes ?? null;
  const meter = isMeasured(probes.energy) ? probes.energy : undefined;
  return {
    tfjs,
    build(make) {
      if (isMeasured(host)) {
        baselineBytes = host.rss();
        host.resetPeak();
      }
      const t0 = performance.now();
      const model = make();
      modelBuildSeconds = (performance.now() - t0) / 1000;
      return model;
    },
    beforeTraining() {
      training = true;
      deviceMark = meter?.peakMemorySince ? meter.mark() : undefined;
    },
    async afterTraining() {
      if (deviceMark && meter?.peakMemorySince) {
        const peak = await meter.peakMemorySince(deviceMark);
        if (peak !== null) devicePeakBytes = Math.max(devicePeakBytes ?? 0, peak);
      }
      training = false;
      if (!isMeasured(host)) return;
      trainingPeakBytes = Math.max(trainingPeakBytes ?? 0, host.peak());
      host.resetPeak();
    },
    afterInference(ms) {
      firstPredictionMs = ms;
      if (isMeasured(host)) inferencePeakBytes = host.peak();
    },
    record(epochs, targets, trainSize) {
      return {
        memory: {
          // During training, the training peak includes the peak so far.
          host: isMeasured(host)
            ? {
              method: "VmHWM",
              baselineBytes,
              trainingPeakBytes: training
                ? Math.max(trainingPeakBytes ?? 0, host.peak())
                : trainingPeakBytes,
              inferencePeakBytes,
            }
            : host,
          tfjs: tfjs.record(earlier.tfjs) ??
            notMeasured("no training batch has run in this process yet"),
          device: devicePeakBytes !== null && meter
            ? {
              peakBytes: devicePeakBytes,
              method: `${meter.info.name}: memory.used of the whole GPU`,
            }
            : notMeasured(probes.noDeviceMemory),
        },
        coldStart: {
          backendLoadSeconds: probes.backendLoadSeconds,
          modelBuildSeconds,
          firstPredictionMs,
          firstEpochExtraSeconds: firstEpochExtra(epochs),
        },
        timeToAccuracy: timeToAccuracy(epochs, targets),
        energy: energyOf(probes.energy, epochs, trainSize),
      };
    },
  };
}

/** The memory figures of a resumed run's record that were measured. */
function earlierMemory(previous: MeasuresRecord | undefined): {
  host?: HostMemoryRecord;
  tfjs?: TfjsMemoryRecord;
  device?: DeviceMemoryRecord;
} {
  const memory = previous?.memory;
  return {
    host: memory && isMeasured(memory.host) ? memory.host : undefined,
    tfjs: memory && isMeasured(memory.tfjs) ? memory.tfjs : undefined,
    device: memory && isMeasured(memory.device) ? memory.device : undefined,
  };
}
