import assert from "node:assert/strict";
import { opFlops, opKind } from "./op_kinds.ts";
import { againstCeiling, type OpCall, summarizeProfile } from "./op_profile.ts";
import { isMeasured, notMeasured } from "./measures.ts";

Deno.test("opKind sorts TF.js kernels, TensorFlow ops and oneDNN's rewrites alike", () => {
  const kinds = [
    "Conv2D",
    "FusedConv2D",
    "_MklNativeConv2DWithBias",
    "Conv2DBackpropInput",
    "_MklNativeConv2DBackpropFilter",
    "MaxPool",
    "MaxPoolGrad",
    "Relu",
    "ReluGrad",
    "Step",
    "BatchMatMul",
    "_FusedMatMul",
    "ResourceApplyAdam",
    "Softmax",
  ].map((n) => opKind(n));
  assert.deepEqual(kinds, [
    "conv forward",
    "conv forward",
    "conv forward",
    "conv grad input",
    "conv grad filter",
    "pooling",
    "pooling grad",
    "relu",
    "relu grad",
    "relu grad",
    "dense",
    "dense",
    "optimizer",
    "other",
  ]);
  assert.equal(opKind("Mul", "update"), "optimizer");
  assert.equal(opKind("Mul", "step"), "other");
});

Deno.test("opFlops: model1's first convolution and its gradients, in TF.js's and TensorFlow's input orders", () => {
  // 128 images, 28×28×1 → 28×28×64, 3×3 filter: 2 · 128·28·28·64 · 9·1.
  const expected = 2 * 128 * 28 * 28 * 64 * 9;
  const x = [128, 28, 28, 1];
  const w = [3, 3, 1, 64];
  const y = [128, 28, 28, 64];
  assert.equal(opFlops("Conv2D", [x, w], [y]), expected);
  assert.equal(opFlops("Conv2DBackpropInput", [y, w], [x]), expected); // TF.js: dy, filter
  assert.equal(opFlops("Conv2DBackpropInput", [[4], w, y], [x]), expected); // TF: sizes, filter, dy
  assert.equal(opFlops("Conv2DBackpropFilter", [x, y], [w]), expected); // TF.js: x, dy
  assert.equal(opFlops("Conv2DBackpropFilter", [x, [4], y], [w]), expected); // TF: x, sizes, dy
  assert.equal(opFlops("Relu", [y], [y]), null);
});

Deno.test("opFlops: matrix products whatever their transposes and batch", () => {
  assert.equal(opFlops("MatMul", [[128, 3136], [3136, 10]], [[128, 10]]), 2 * 128 * 10 * 3136);
  assert.equal(opFlops("MatMul", [[3136, 128], [128, 10]], [[3136, 10]]), 2 * 3136 * 10 * 128);
  assert.equal(
    opFlops("BatchMatMul", [[1, 128, 3136], [1, 3136, 10]], [[1, 128, 10]]),
    2 * 1280 * 3136,
  );
  assert.equal(opFlops("MatMul", [[2, 3], [5, 7]], [[2, 7]]), null); // shapes that do not multiply
});

function call(name: string, ms: number, phase?: "update"): OpCall {
  const shapes = name === "Conv2D"
    ? { inputShapes: [[8, 28, 28, 1], [3, 3, 1, 64]], outputShapes: [[8, 28, 28, 64]] }
    : { inputShapes: [[8, 10]], outputShapes: [[8, 10]] };
  return { name, ms, ...shapes, ...(phase ? { phase } : {}) };
}

Deno.test("summarizeProfile: medians over repeats, shares, FLOPs, GFLOP/s against the ceiling, overhead", () => {
  const repeats = [
    {
      wallMs: 10,
      profiledWallMs: 11,
      calls: [call("Conv2D", 4), call("Relu", 2), call("Mul", 1, "update")],
    },
    {
      wallMs: 12,
      profiledWallMs: 14,
      calls: [call("Conv2D", 5), call("Relu", 2), call("Mul", 1, "update")],
    },
    {
      wallMs: 50,
      profiledWallMs: 60,
      calls: [call("Conv2D", 40), call("Relu", 3), call("Mul", 2, "update")],
    },
  ];
  const p = summarizeProfile("train-step", 8, "test", repeats, 10);
  assert.equal(p.wallMs, 12);
  assert.equal(p.profiledWallMs, 14);
  assert.equal(p.opsMs, 8); // sums 7, 8, 45
  assert.equal(p.overheadMs, 4);
  assert.deepEqual(p.ops.map((o) => [o.name, o.kind, o.totalMs, o.calls]), [
    ["Conv2D", "conv forward", 5, 1],
    ["Relu", "relu", 2, 1],
    ["Mul (update)", "optimizer", 1, 1],
  ]);
  const conv = p.ops[0];
  const flops = 2 * 8 * 28 * 28 * 64 * 9;
  assert.equal(conv.flops, flops);
  assert.equal(conv.gflops, flops / 5e6);
  assert.equal(conv.ofCeiling, flops / 5e6 / 10);
  assert.equal(conv.share, 5 / 12);
  assert.equal(p.ops[1].flops, null);
  assert.equal(p.kinds["conv forward"], 5);
  assert.equal(p.kinds.optimizer, 1);
  assert.equal(p.kinds.dense, 0);
  assert.throws(() => summarizeProfile("batch1", 1, "test", []), {
    message: "summarizeProfile: expected at least one repeat of batch1, got none",
  });
});

Deno.test("againstCeiling sets every op's GFLOP/s against one ceiling, and keeps what was not measured", () => {
  const repeat = { wallMs: 10, profiledWallMs: 11, calls: [call("Conv2D", 4), call("Relu", 2)] };
  const own = summarizeProfile("train-step", 8, "test", [repeat], 10);
  const missing = notMeasured("no per-op timing here");
  const rebased = againstCeiling({ trainStep: own, batch1: missing, batched: own }, 40);
  const step = rebased.trainStep;
  assert.ok(isMeasured(step));
  assert.equal(step.ceilingGflops, 40);
  assert.equal(step.ops[0].ofCeiling, own.ops[0].gflops! / 40);
  assert.equal(step.ops[1].ofCeiling, null, "Relu has no FLOPs");
  assert.deepEqual(rebased.batch1, missing);
  assert.equal(own.ops[0].ofCeiling, own.ops[0].gflops! / 10, "the original is left as it was");
  const none = againstCeiling({ trainStep: own, batch1: own, batched: own }, null).trainStep;
  assert.ok(isMeasured(none) && none.ops[0].ofCeiling === null && none.ceilingGflops === null);
});
