/**
 * Where a model's time goes: per-op profiles of one training step at the
 * run's batch size, one batch-1 call and one batched call, each warmed up
 * and repeated (the median kept). The engine decides how ops are timed:
 * TF.js's kernels through `tf.profile` for `model.fit` and `predictOnBatch`,
 * TensorFlow's ops by name for the `native` engine's step and predictor,
 * which bypass TF.js's kernels.
 *
 * Profiling trains the model on: run it after everything a run records
 * (evaluation, inference timing, the saved model), and keep its figures out
 * of the timed medians, since timing each op slows the work.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { Tf } from "../backends/types.ts";
import type { InferencePath, TrainStep } from "../engines/registry.ts";
import { type NotMeasured, notMeasured } from "../measure/measures.ts";
import {
  type ModelProfiles,
  type OpProfile,
  type ProfiledWork,
  summarizeProfile,
} from "../measure/op_profile.ts";
import {
  kernelCalls,
  nativeOpCalls,
  profileRepeats,
  type RepeatOptions,
  type TimedCalls,
} from "../measure/op_timers.ts";
import { nativePredictor } from "../tf_ops/predict.ts";
import { fitOneEpoch } from "./trainer.ts";

export { profileLine } from "../measure/op_profile_line.ts";
export { ceilingOn } from "../measure/fp32_ceiling.ts";

/** What {@link profileModel} needs to know of the run. */
export interface ProfileModelOptions extends RepeatOptions {
  /** The engine's training step. */
  step: TrainStep;
  /** The engine's inference path. */
  path: InferencePath;
  /** The run's training batch size. */
  batchSize: number;
  /** The run's inference batch size. */
  inferenceBatchSize: number;
  /** The machine's measured fp32 ceiling in GFLOP/s, when known. */
  ceilingGflops?: number | null;
  /** With the `native` path: may the predictor use oneDNN's kernels. */
  oneDnn?: boolean;
  /** Why the model cannot be trained here: its training step is then not profiled, for this reason. */
  notTrained?: string;
}

/** How each way of timing ops is named in a profile. */
export const PROFILE_SOURCES = {
  kernels: "tf.profile (TF.js kernels)",
  native: "TensorFlow ops timed by name",
} as const;

/**
 * Profiles `model` on the first images of `xs`/`ys` (at least the larger of
 * the two batch sizes). Leaks no tensor; trains the model on (see the module doc).
 */
export async function profileModel(
  tfjs: Tf,
  model: tf.LayersModel,
  xs: tf.Tensor4D,
  ys: tf.Tensor2D,
  o: ProfileModelOptions,
): Promise<ModelProfiles> {
  const first = <T extends tf.Tensor>(t: T, n: number) =>
    tfjs.slice(t, 0, Math.min(n, t.shape[0])) as T;
  const x = first(xs, o.batchSize);
  const y = first(ys, o.batchSize);
  const one = first(xs, 1);
  const big = first(xs, o.inferenceBatchSize);
  const native = o.path === "native" ? nativePredictor(model, { oneDnn: o.oneDnn }) : undefined;
  try {
    const byName: OpTimer = {
      source: PROFILE_SOURCES.native,
      collect: (w) => nativeOpCalls(tfjs, w),
    };
    const kernels = (optimizer?: tf.Optimizer): OpTimer => ({
      source: PROFILE_SOURCES.kernels,
      collect: (w) => kernelCalls(tfjs, w, optimizer),
    });
    const stepTimer = o.step === "native" ? byName : kernels(model.optimizer);
    const trainStep = o.notTrained !== undefined
      ? notMeasured(o.notTrained)
      : await profiled("train-step", x.shape[0], stepTimer, async () => {
        await fitOneEpoch(model, x, y, { step: o.step, batchSize: o.batchSize, oneDnn: o.oneDnn });
      }, o);
    const predict = native?.predict ?? ((t: tf.Tensor4D) => model.predictOnBatch(t) as tf.Tensor2D);
    const predictTimer = native ? byName : kernels();
    const call = (input: tf.Tensor4D) => async () => {
      const out = predict(input);
      await out.data();
      out.dispose();
    };
    native?.settle(one); // its kernels chosen, as in the latency measurement
    native?.settle(big);
    const batch1 = await profiled("batch1", 1, predictTimer, call(one), o);
    const batched = await profiled("batched", big.shape[0], predictTimer, call(big), o);
    return { trainStep, batch1, batched };
  } finally {
    native?.dispose();
    tfjs.dispose([x, y, one, big]);
  }
}

type Work = () => Promise<unknown>;

/** A way of timing ops, and its name in the profile. */
interface OpTimer {
  source: string;
  collect: (w: Work) => Promise<TimedCalls>;
}

async function profiled(
  work: ProfiledWork,
  batchSize: number,
  timer: OpTimer,
  run: Work,
  o: ProfileModelOptions,
): Promise<OpProfile | NotMeasured> {
  const repeats = await profileRepeats(run, timer.collect, o);
  if ("reason" in repeats) return notMeasured(repeats.reason);
  return summarizeProfile(work, batchSize, timer.source, repeats, o.ceilingGflops ?? null);
}
