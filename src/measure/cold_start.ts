/**
 * Cold start: the time to a backend that has computed once, and the figure
 * derived from epochs, how much longer the first epoch took than the steady
 * ones (graph building, autotuning, allocation, shader compilation). Model
 * build and first prediction are timed where they happen.
 *
 * @module
 */
import type * as tfjs from "@tensorflow/tfjs";
import { percentile } from "../_util/stats.ts";
import { type Measured, notMeasured } from "./measures.ts";

/**
 * The first epoch's training seconds over the median of the later ones, or
 * why there is none (fewer than two epochs).
 */
export function firstEpochExtra(epochs: readonly { trainSeconds: number }[]): Measured<number> {
  if (epochs.length < 2) {
    return notMeasured(`needs at least 2 epochs to compare the first with, got ${epochs.length}`);
  }
  return epochs[0].trainSeconds - percentile(epochs.slice(1).map((e) => e.trainSeconds), 50);
}

/**
 * Seconds from the process's start (`performance.now()`'s origin) to a
 * backend that has computed once: runs a 2×2 matmul on the active backend of
 * `tf` and awaits its result first.
 */
export async function backendReadySeconds(
  tf: Pick<typeof tfjs, "tensor2d" | "matMul" | "dispose">,
): Promise<number> {
  const a = tf.tensor2d([1, 2, 3, 4], [2, 2]);
  const y = tf.matMul(a, a);
  await y.data();
  tf.dispose([a, y]);
  return performance.now() / 1000;
}
