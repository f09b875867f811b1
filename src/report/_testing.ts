/**
 * Helpers for the report module's tests: per-op profiles of a model1
 * training step made by hand, as TF.js's kernels and as Keras's oneDNN ops
 * name them, summarized by the same code as real ones. Not part of the
 * public API.
 *
 * @module
 */
import { notMeasured } from "../measure/measures.ts";
import {
  type ModelProfiles,
  type OpCall,
  type ProfiledRepeat,
  summarizeProfile,
} from "../measure/op_profile.ts";

const B = 32;
const X = [B, 28, 28, 1];
const W1 = [3, 3, 1, 32];
const Y1 = [B, 28, 28, 32];
const P1 = [B, 14, 14, 32];

/** One call with model1's first convolution's shapes where it has them. */
function op(name: string, ms: number, phase?: "update"): OpCall {
  const shapes: Record<string, [number[][], number[][]]> = {
    Conv2D: [[X, W1], [Y1]],
    Conv2DBackpropInput: [[Y1, W1], [X]],
    Conv2DBackpropFilter: [[X, Y1], [W1]],
    _MklNativeConv2DBackpropFilter: [[X, [4], Y1], [W1]],
    _MklNativeConv2DBackpropInput: [[[4], W1, Y1], [X]],
    _MklNativeConv2D: [[X, W1], [Y1]],
    MatMul: [[[B, 6272], [6272, 10]], [[B, 10]]],
  };
  const [inputShapes, outputShapes] = shapes[name] ?? [[P1], [P1]];
  return { name, ms, inputShapes, outputShapes, ...(phase ? { phase } : {}) };
}

/** Three repeats of `calls`, each op's time scaled by 0.9, 1 and 1.2. */
function repeats(wallMs: number, calls: readonly [string, number, "update"?][]): ProfiledRepeat[] {
  return [0.9, 1, 1.2].map((f) => ({
    wallMs: wallMs * f,
    profiledWallMs: wallMs * f * 1.3,
    calls: calls.map(([name, ms, phase]) => op(name, ms * f, phase)),
  }));
}

/**
 * A TF.js (`tf.profile`) or Keras (oneDNN's ops by name) profile of model1:
 * TF.js's filter gradient takes 12.3 ms a step, Keras's 5.1 ms; Keras's
 * batch-1 call, when `keras1` is false, was not measured.
 */
export function handMadeProfiles(side: "tfjs" | "keras", keras1 = false): ModelProfiles {
  const tfjs = side === "tfjs";
  const step = tfjs
    ? repeats(30, [
      ["Conv2D", 3.2],
      ["Conv2DBackpropInput", 4.1],
      ["Conv2DBackpropFilter", 12.3],
      ["MaxPool", 0.8],
      ["MaxPoolGrad", 1.1],
      ["Relu", 0.4],
      ["ReluGrad", 0.5],
      ["MatMul", 0.6],
      ["Mul", 1.5, "update"],
      ["Softmax", 0.2],
    ])
    : repeats(16, [
      ["_MklNativeConv2D", 2.1],
      ["_MklNativeConv2DBackpropInput", 2.9],
      ["_MklNativeConv2DBackpropFilter", 5.1],
      ["MaxPool", 0.5],
      ["MaxPoolGrad", 0.9],
      ["Relu", 0.3],
      ["ReluGrad", 0.4],
      ["MatMul", 0.5],
      ["ResourceApplyAdam", 0.7],
    ]);
  const source = tfjs ? "tf.profile (TF.js kernels)" : "TensorFlow ops timed by name";
  const predict = (batch: number, scale: number) =>
    summarizeProfile(
      batch === 1 ? "batch1" : "batched",
      batch,
      source,
      repeats(2 * scale, [["Conv2D", 0.3 * scale], ["MaxPool", 0.1 * scale], ["MatMul", 0.05]]),
      100,
    );
  return {
    trainStep: summarizeProfile("train-step", B, source, step, 100),
    batch1: tfjs || keras1
      ? predict(1, 1)
      : notMeasured("the Keras profiler keeps no batch-1 trace here"),
    batched: predict(256, tfjs ? 20 : 8),
  };
}
