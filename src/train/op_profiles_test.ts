/**
 * Per-op profiles of model1 on the real tensorflow backend, fixture images:
 * the stock engine's kernels through `tf.profile`, the native engine's
 * TensorFlow ops by name, and a backend that cannot time ops saying why.
 */
import assert from "node:assert/strict";
import { loadBackend } from "../backends/registry.ts";
import { getEngineSpec } from "../engines/registry.ts";
import { loadFixtureData } from "../data/load.ts";
import { stratifiedSubset } from "../data/split.ts";
import { toTensors } from "../data/tensors.ts";
import { isMeasured } from "../measure/measures.ts";
import type { ModelProfiles, OpProfile } from "../measure/op_profile.ts";
import { buildModel } from "../models/factory.ts";
import { getModelSpec } from "../models/spec.ts";
import { prepareEngine } from "../tf_ops/install.ts";
import { profileModel } from "./op_profiles.ts";

const loaded = await loadBackend("tensorflow");
prepareEngine(loaded, getEngineSpec("native"));
const { tf } = loaded;
const data = await loadFixtureData();
const split = stratifiedSubset(data.train, { size: 32, seed: 1 });

async function profile(engine: "tfjs" | "native"): Promise<ModelProfiles> {
  const spec = getEngineSpec(engine);
  const { xs, ys } = toTensors(split);
  const model = buildModel(getModelSpec("model1"), { seed: 1 });
  try {
    return await profileModel(tf, model, xs, ys, {
      step: spec.trainStep,
      path: spec.inferencePath,
      batchSize: 16,
      inferenceBatchSize: 32,
      ceilingGflops: 100,
      warmup: 1,
      repeats: 5,
    });
  } finally {
    model.optimizer.dispose(); // Adam's moments, made by the first step
    model.dispose();
    tf.dispose([xs, ys]);
  }
}

function measured(p: OpProfile | { notMeasured: string }): OpProfile {
  if (!isMeasured(p)) throw new Error(`expected a profile, got: ${p.notMeasured}`);
  return p;
}

function checkSums(p: OpProfile) {
  assert.equal(p.repeats, 5);
  assert.ok(p.opsMs > 0, `${p.work}: ops took ${p.opsMs} ms`);
  assert.ok(p.opsMs <= p.profiledWallMs, `${p.work}: ops ${p.opsMs} ms in ${p.profiledWallMs} ms`);
  // Each figure is a median over repeats, and a part never exceeds its whole in any repeat.
  for (const [kind, ms] of Object.entries(p.kinds)) assert.ok(ms <= p.opsMs, `${kind} within`);
  for (const op of p.ops) assert.ok(op.totalMs <= p.opsMs + 1e-9, `${op.name} within the ops' sum`);
}

Deno.test("tfjs engine: a model1 step's kernels name the convolution and both its gradients", async () => {
  const before = tf.memory().numTensors;
  const { trainStep, batch1, batched } = await profile("tfjs");
  assert.equal(tf.memory().numTensors, before);
  const step = measured(trainStep);
  assert.equal(step.source, "tf.profile (TF.js kernels)");
  assert.equal(step.batchSize, 16);
  const kinds = new Set(step.ops.map((o) => o.kind));
  for (
    const kind of ["conv forward", "conv grad input", "conv grad filter", "optimizer", "dense"]
  ) {
    assert.ok(kinds.has(kind as never), `${kind} in ${[...kinds].join(", ")}`);
  }
  const gradFilter = step.ops.find((o) => o.kind === "conv grad filter")!;
  assert.ok(gradFilter.flops! > 0 && gradFilter.gflops! > 0 && gradFilter.ofCeiling! > 0);
  checkSums(step);
  assert.equal(measured(batch1).batchSize, 1);
  assert.equal(measured(batched).batchSize, 32);
  assert.ok(
    !measured(batch1).ops.some((o) => o.kind.includes("grad")),
    "no gradient in a prediction",
  );
});

Deno.test("native engine: TensorFlow's own op names, Adam as ResourceApplyAdam", async () => {
  const { trainStep, batch1 } = await profile("native");
  const step = measured(trainStep);
  assert.equal(step.source, "TensorFlow ops timed by name");
  const names = new Set(step.ops.map((o) => o.name));
  for (
    const name of ["Conv2DBackpropFilter", "Conv2DBackpropInput", "ResourceApplyAdam", "MatMul"]
  ) {
    assert.ok(names.has(name), `${name} in ${[...names].join(", ")}`);
  }
  assert.equal(step.ops.find((o) => o.name === "ResourceApplyAdam")!.kind, "optimizer");
  checkSums(step);
  checkSums(measured(batch1));
});
