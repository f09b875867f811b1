/**
 * TF.js's own view of its memory: `tf.memory()` read at the end of every
 * training batch, keeping the peaks. A read is a few counters of the engine,
 * nothing the backend computes; its cost is in BENCHMARKS.md.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { TfjsMemoryRecord } from "./measures.ts";

/** Keeps the peaks of `tf.memory()` over the samples taken. */
export interface TfjsMemorySampler {
  /** Reads `tf.memory()` once. */
  sample(): void;
  /** The peaks so far, merged with an earlier record (a resumed run's); null before any sample. */
  record(earlier?: TfjsMemoryRecord): TfjsMemoryRecord | null;
}

/** A new sampler with no samples. */
export function tfjsMemorySampler(): TfjsMemorySampler {
  let peakBytes = 0;
  let peakTensors = 0;
  let peakBytesInGpu: number | null = null;
  let samples = 0;
  return {
    sample() {
      const m = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
      samples++;
      peakBytes = Math.max(peakBytes, m.numBytes);
      peakTensors = Math.max(peakTensors, m.numTensors);
      if (typeof m.numBytesInGPU === "number") {
        peakBytesInGpu = Math.max(peakBytesInGpu ?? 0, m.numBytesInGPU);
      }
    },
    record(earlier) {
      if (samples === 0) return earlier ?? null;
      const max = (a: number | null, b: number | null | undefined) =>
        a === null ? b ?? null : Math.max(a, b ?? a);
      return {
        peakBytes: Math.max(peakBytes, earlier?.peakBytes ?? 0),
        peakTensors: Math.max(peakTensors, earlier?.peakTensors ?? 0),
        peakBytesInGpu: max(peakBytesInGpu, earlier?.peakBytesInGpu),
        samples: samples + (earlier?.samples ?? 0),
      };
    },
  };
}
