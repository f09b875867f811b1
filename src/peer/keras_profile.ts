/**
 * The Keras run's per-op profiles: what `keras_profile.py` took with
 * TensorFlow's profiler (each repeat's wall time, its profiled call's wall
 * time and op calls, read from the trace) turned into the
 * {@link ModelProfiles} every run records.
 *
 * @module
 */
import { isMeasured, type NotMeasured } from "../measure/measures.ts";
import {
  type ModelProfiles,
  type ProfiledRepeat,
  type ProfiledWork,
  summarizeProfile,
} from "../measure/op_profile.ts";

/** How the Keras side's op times are taken, as its profiles record it. */
export const KERAS_PROFILE_SOURCE = "TensorFlow profiler (Keras)";

/** Profiled repeats of each piece of work, after the warm-up. */
export const KERAS_PROFILE_REPEATS = 5;

/** Plain calls before the profiled ones (one profiled call more is left out after them). */
export const KERAS_PROFILE_WARMUP = 2;

/** One piece of work as the Python side wrote it: its batch size and repeats, or why not. */
export type KerasProfiledWork = { batchSize: number; repeats: ProfiledRepeat[] } | NotMeasured;

/** The `profile` field of the Python side's run file. */
export type KerasProfileOutput = Record<keyof ModelProfiles, KerasProfiledWork>;

/** What the job asks the Python side for: `profile` in `job.json`. */
export interface KerasProfileSettings {
  /** Profiled repeats of each piece of work. */
  repeats: number;
  /** Plain warm-up calls before them. */
  warmup: number;
}

const WORKS: Readonly<Record<keyof ModelProfiles, ProfiledWork>> = {
  trainStep: "train-step",
  batch1: "batch1",
  batched: "batched",
};

/**
 * The Keras run's {@link ModelProfiles} from the Python side's output, each
 * figure against the machine's fp32 ceiling (`null`: not measured).
 *
 * @throws {TypeError} When a piece of work is missing from `output`.
 */
export function kerasProfiles(
  output: KerasProfileOutput,
  ceilingGflops: number | null,
): ModelProfiles {
  const profile = (key: keyof ModelProfiles) => {
    const work = output[key];
    if (!work) {
      throw new TypeError(`the Keras profile: expected ${key}, got ${JSON.stringify(work)}`);
    }
    if (!isMeasured(work)) return work;
    return summarizeProfile(
      WORKS[key],
      work.batchSize,
      KERAS_PROFILE_SOURCE,
      work.repeats,
      ceilingGflops,
    );
  };
  return {
    trainStep: profile("trainStep"),
    batch1: profile("batch1"),
    batched: profile("batched"),
  };
}
