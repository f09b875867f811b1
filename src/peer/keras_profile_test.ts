import assert from "node:assert/strict";
import { dirname } from "node:path";
import { withTempDir } from "../_util/testing.ts";
import { defaultCacheDir } from "../data/cache.ts";
import { epochOrder } from "../data/split.ts";
import { isMeasured } from "../measure/measures.ts";
import { opKind } from "../measure/op_kinds.ts";
import type { OpProfile, ProfiledRepeat } from "../measure/op_profile.ts";
import { getModelSpec } from "../models/spec.ts";
import { forwardFlopsPerImage } from "../models/cost.ts";
import { loadRunData } from "../train/run_data.ts";
import { runQuiet } from "../_util/run_quiet.ts";
import { KERAS_PEER_SCRIPT, kerasVenvDir, probeKeras, runKerasPeer } from "./keras.ts";
import { KERAS_PROFILE_SOURCE, kerasProfiles } from "./keras_profile.ts";

const repeat = (wallMs: number, convMs: number): ProfiledRepeat => ({
  wallMs,
  profiledWallMs: wallMs + 1,
  calls: [
    {
      name: "_MklNativeFusedConv2D",
      ms: convMs,
      inputShapes: [[2, 28, 28, 1], [3, 3, 1, 8]],
      outputShapes: [[2, 28, 28, 8]],
    },
    { name: "Sqrt", ms: 0.5, inputShapes: [], outputShapes: [], phase: "update" },
  ],
});

Deno.test("kerasProfiles summarizes each work's repeats against the ceiling, and keeps a reason", () => {
  const profiles = kerasProfiles({
    trainStep: { batchSize: 2, repeats: [repeat(10, 4), repeat(12, 6), repeat(11, 5)] },
    batch1: { notMeasured: "Keras runs on jax" },
    batched: { batchSize: 2, repeats: [repeat(3, 2)] },
  }, 100);
  assert.deepEqual(profiles.batch1, { notMeasured: "Keras runs on jax" });
  assert.ok(isMeasured(profiles.trainStep));
  const step = profiles.trainStep;
  assert.equal(step.work, "train-step");
  assert.equal(step.source, KERAS_PROFILE_SOURCE);
  assert.equal(step.repeats, 3);
  assert.equal(step.wallMs, 11);
  assert.equal(step.ceilingGflops, 100);
  const conv = step.ops.find((o) => o.name === "_MklNativeFusedConv2D")!;
  assert.equal(conv.kind, "conv forward");
  assert.equal(conv.flops, 2 * 2 * 28 * 28 * 8 * 9);
  assert.equal(step.ops.find((o) => o.name === "Sqrt (update)")?.kind, "optimizer");
  assert.ok(isMeasured(profiles.batched) && profiles.batched.work === "batched");
  // oneDNN's filter gradient with the bias's fused in is a filter gradient.
  assert.equal(opKind("_MklNativeConv2DBackpropFilterWithBias"), "conv grad filter");
  assert.throws(
    () => kerasProfiles({ trainStep: { notMeasured: "x" } } as never, null),
    { message: "the Keras profile: expected batch1, got undefined" },
  );
});

const keras = await probeKeras(kerasVenvDir(defaultCacheDir({
  xdgCacheHome: Deno.env.get("XDG_CACHE_HOME"),
  home: Deno.env.get("HOME"),
})));
const skip = keras.available ? "" : ` (ignored: ${keras.reason})`;

Deno.test({
  name:
    "keras_profile.py shares overlapping ops' time and gives conv and matmul ops their layer's shapes" +
    skip,
  ignore: !keras.available,
  fn: async () => {
    assert.ok(keras.available); // the ignore above: never false here
    // Two ops overlap for 2 of their ms (events in ps: start, end, name, type).
    const script = `
import json, sys
sys.path.insert(0, ${JSON.stringify(dirname(KERAS_PEER_SCRIPT))})
from keras_profile import shared_ms, op_shapes, layer_scope
ms = 1_000_000_000
events = [(0, 4 * ms, "a", "X"), (2 * ms, 5 * ms, "b", "Y"), (6 * ms, 7 * ms, "c", "Z")]
layer = {"x": [8, 6272], "w": [6272, 128], "y": [8, 128]}
print(json.dumps({
  "ms": shared_ms(events),
  "scope": [layer_scope("gradient_tape/m/dense_1/MatMul/MatMul_1"), layer_scope("m/conv2d/Relu"), layer_scope("Add_1")],
  "dx": op_shapes("_MklMatMul", "gradient_tape/m/dense/MatMul/MatMul", layer),
  "dw": op_shapes("_MklMatMul", "gradient_tape/m/dense/MatMul/MatMul_1", layer),
  "fwd": op_shapes("_MklNativeFusedMatMul", "m/dense/Relu", layer),
}))`;
    const out = await runQuiet(keras.python, ["-c", script]);
    assert.equal(out?.code, 0, out?.stderr ?? "python did not start");
    const got = JSON.parse(out!.stdout);
    assert.deepEqual(got.ms, [3, 2, 1]);
    assert.deepEqual(got.scope, ["dense_1", "conv2d", null]);
    assert.deepEqual(got.dx, [[[8, 128], [6272, 128]], [[8, 6272]]]);
    assert.deepEqual(got.dw, [[[8, 6272], [8, 128]], [[6272, 128]]]);
    assert.deepEqual(got.fwd, [[[8, 6272], [6272, 128]], [[8, 128]]]);
  },
});

Deno.test({
  name: "a Keras run on the fixture split profiles model1's training step, batch 1 and batched" +
    skip,
  ignore: !keras.available,
  fn: async () => {
    assert.ok(keras.available);
    const seed = 7;
    const data = await loadRunData({
      data: { fixtures: true },
      seed,
      trainSize: 256,
      validationSize: 64,
      testSize: 100,
    });
    const spec = getModelSpec("model1");
    await withTempDir(async (dir) => {
      const { run } = await runKerasPeer({
        python: keras.python,
        spec,
        flopsPerImage: forwardFlopsPerImage(spec),
        data: { train: data.train, validation: data.validation, test: data.test },
        order: epochOrder(seed),
        epochs: 1,
        batchSize: 32,
        learningRate: 0.001,
        seed,
        inference: { warmup: 2, runs: 50, batchSize: 64, batchedRuns: 3 },
        threads: { intraOp: "default", interOp: "default" },
        workDir: dir,
        profile: { ceilingGflops: 100 },
      });
      const profile = run.profile!;
      for (const [key, batchSize] of [["trainStep", 32], ["batch1", 1], ["batched", 64]] as const) {
        const p = profile[key];
        assert.ok(isMeasured(p), `${key}: ${JSON.stringify(p)}`);
        assert.equal(p.batchSize, batchSize);
        assert.equal(p.source, "TensorFlow profiler (Keras)");
        assert.ok(p.repeats >= 5, `${key}: ${p.repeats} repeats`);
        assert.ok(p.opsMs > 0 && p.opsMs <= p.profiledWallMs, `${key}: ${p.opsMs} ms of ops`);
        assert.ok(
          p.ops.some((o) => o.kind === "conv forward" && o.flops !== null && o.gflops! > 0),
          `${key}: ${names(p)}`,
        );
      }
      const step = profile.trainStep as OpProfile;
      for (const kind of ["conv grad input", "conv grad filter", "pooling grad", "dense"]) {
        assert.ok(
          step.ops.some((o) => o.kind === kind && o.flops !== 0),
          `${kind}: ${names(step)}`,
        );
      }
      // Keras 3 runs Adam as elementwise ops in the optimizer's name scope: √v̂ among them.
      assert.ok(step.ops.some((o) => o.name === "Sqrt (update)"), names(step));
      assert.ok(step.kinds.optimizer > 0);
      const filterGrads = step.ops.filter((o) => o.kind === "conv grad filter");
      assert.equal(filterGrads.reduce((n, o) => n + o.calls, 0), 2, names(step));
    });
  },
});

function names(p: OpProfile): string {
  return p.ops.map((o) => `${o.name} (${o.kind}, ${o.calls}×)`).join(", ");
}
