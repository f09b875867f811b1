/**
 * The per-op profile of a model's benches (`FMNIST_BENCH_PROFILE=1`): one
 * bench registered after a model's timed groups on a backend, in a group of
 * its own, that times nothing (its clock stops at once) and then, once, profiles a
 * training step, a batch-1 and a batched call (`src/train/op_profiles.ts`)
 * and prints the summary line. Deno runs benches in the order they are
 * registered, so the profile comes after the timed benches, never inside one.
 *
 * @module
 */
import type { LayersModel } from "@tensorflow/tfjs";
import type { Tf } from "../backends/types.ts";
import type { DataSplit } from "../data/split.ts";
import { toTensors } from "../data/tensors.ts";
import type { InferencePath, TrainStep } from "../engines/registry.ts";
import { ceilingOn, profileLine, profileModel } from "../train/op_profiles.ts";

/** One model on one loaded backend, as its profile needs it. */
export interface ProfileBenchTarget {
  /** The model's name. */
  modelName: string;
  /** The backend's registry name (its fp32 ceiling is measured on TensorFlow's). */
  backend: string;
  /** The backend, its device and the engine, as bench names show them. */
  label: string;
  /** Its TF.js. */
  tf: Tf;
  /** Makes its backend the active one again. */
  use: () => Promise<unknown>;
  /** The model the benches trained. */
  model: LayersModel;
  /** The engine's training step and inference path. */
  step: TrainStep;
  path: InferencePath;
  /** Training and batched-inference batch sizes. */
  batchSize: number;
  inferenceBatch: number;
  /** Whether the native step and predictor use oneDNN's kernels. */
  oneDnn: boolean;
  /** Why the backend cannot train the model, when it lacks a training kernel. */
  notTrained?: string;
}

/** Registers the profile of `target` on the first images of `train`; see the module doc. */
export function registerProfileBench(target: ProfileBenchTarget, train: DataSplit): void {
  const { modelName, tf, model } = target;
  let profiled = false;
  Deno.bench({
    name: `${modelName} per-op profile on ${target.label} [its summary is printed; not a timing]`,
    group: `${modelName} per-op profile`,
    n: 1,
    warmup: 0,
    async fn(b) {
      b.start();
      b.end();
      if (profiled) return; // Deno may call a bench more often than `n` says: profile once
      profiled = true;
      await target.use();
      const n = Math.min(train.count, Math.max(target.batchSize, target.inferenceBatch));
      const { xs, ys } = toTensors(train, 0, n);
      try {
        const profiles = await profileModel(tf, model, xs, ys, {
          step: target.step,
          path: target.path,
          batchSize: target.batchSize,
          inferenceBatchSize: target.inferenceBatch,
          oneDnn: target.oneDnn,
          ceilingGflops: await ceilingOn(target.backend, tf),
          notTrained: target.notTrained,
        });
        console.log(`${modelName} on ${target.label}: ${profileLine(profiles)}`);
      } finally {
        tf.dispose([xs, ys]);
      }
    },
  });
}
