import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { countParams, forwardFlopsPerImage, layerCosts } from "./cost.ts";
import { buildModel, setDropoutStep } from "./factory.ts";
import {
  getModelSpec,
  MODEL_NAMES,
  MODELS,
  type ModelSpec,
  referenceSpec,
  validateSpec,
} from "./spec.ts";

await tf.setBackend("cpu");
tf.env().set("IS_TEST", true);

Deno.test("MODELS start with 64, 128 and 256 filters", () => {
  assert.deepEqual(MODEL_NAMES, ["model1", "model2", "model3"]);
  assert.deepEqual(MODELS.map((m) => m.convFilters[0]), [64, 128, 256]);
});

Deno.test("countParams gives 878,730 for model1, as Keras counts the reference", () => {
  assert.equal(countParams(getModelSpec("model1")), 878_730);
});

Deno.test("countParams gives the parameter counts docs/usage.md lists for all three models", () => {
  assert.deepEqual(MODELS.map(countParams), [878_730, 1_903_498, 4_395_402]);
});

Deno.test("forwardFlopsPerImage matches the reference figures", () => {
  const mflops = MODELS.map((m) => Math.round(forwardFlopsPerImage(m) / 1e5) / 10);
  assert.deepEqual(mflops, [31.4, 120.6, 472.5]);
});

Deno.test("layerCosts lists every conv and dense layer of model1", () => {
  assert.deepEqual(layerCosts(getModelSpec("model1")), [
    { layer: "conv 64", params: 640, flops: 903_168 },
    { layer: "conv 128", params: 73_856, flops: 28_901_376 },
    { layer: "dense 128", params: 802_944, flops: 1_605_632 },
    { layer: "dense 10", params: 1_290, flops: 2_560 },
  ]);
});

Deno.test("buildModel's countParams agrees with the spec for every model", () => {
  for (const spec of MODELS) {
    const model = buildModel(spec);
    assert.equal(model.countParams(), countParams(spec), spec.name);
    model.dispose();
  }
});

Deno.test("buildModel takes a third conv block from the spec alone", () => {
  const spec: ModelSpec = { ...referenceSpec("deep", 32), convFilters: [32, 64, 128] };
  const model = buildModel(spec);
  assert.equal(model.layers.filter((l) => l.getClassName() === "Conv2D").length, 3);
  assert.deepEqual(model.outputs[0].shape, [null, 10]);
  assert.equal(model.countParams(), countParams(spec));
  model.dispose();
});

Deno.test("buildModel gives the same initial weights for the same seed", () => {
  const spec = referenceSpec("tiny", 4);
  const a = buildModel(spec, { seed: 7 });
  const b = buildModel(spec, { seed: 7 });
  const c = buildModel(spec, { seed: 8 });
  const first = (m: tf.Sequential) => Array.from(m.layers[0].getWeights()[0].dataSync());
  assert.deepEqual(first(a), first(b));
  assert.notDeepEqual(first(a), first(c));
  for (const m of [a, b, c]) m.dispose();
});

Deno.test("getModelSpec rejects an unknown name and lists the valid ones", () => {
  assert.throws(() => getModelSpec("model4"), {
    name: "RangeError",
    message: 'unknown model "model4": expected one of model1, model2, model3',
  });
});

Deno.test("validateSpec rejects pooling that shrinks the image away", () => {
  const spec: ModelSpec = { ...referenceSpec("x", 8), convFilters: [8, 8, 8, 8, 8] };
  assert.throws(() => validateSpec(spec), {
    name: "RangeError",
    message: "x: 5 pooling steps of 2 shrink 28×28 below 1×1",
  });
});

Deno.test("validateSpec rejects a dropout rate of 1", () => {
  assert.throws(() => validateSpec({ ...referenceSpec("x", 8), dropout: 1 }), {
    message: "x: expected dropout in [0, 1), got 1",
  });
});

Deno.test("buildModel's dropout draws a new, repeatable mask at every training step", () => {
  const spec = referenceSpec("tiny", 4);
  const masks = (m: tf.Sequential) => {
    const dropout = m.layers.find((l) => l.getClassName() === "Dropout")!;
    const x = tf.ones([4, 128]);
    const draw = () => {
      const y = dropout.apply(x, { training: true }) as tf.Tensor;
      const values = Array.from(y.dataSync());
      y.dispose();
      return values;
    };
    const result = [draw(), draw()];
    x.dispose();
    return result;
  };
  const a = buildModel(spec, { seed: 7 });
  const b = buildModel(spec, { seed: 7 });
  const [a1, a2] = masks(a);
  const [b1, b2] = masks(b);
  assert.deepEqual(a1, b1);
  assert.deepEqual(a2, b2);
  assert.notDeepEqual(a1, a2);
  const dropped = a1.filter((v) => v === 0).length / a1.length;
  assert.ok(dropped > 0.2 && dropped < 0.4, `dropped ${dropped}, expected about 0.3`);
  const config = a.layers.find((l) => l.getClassName() === "Dropout")!.getConfig();
  assert.equal("seed" in config, false);
  // A model rebuilt to resume after step 1 draws step 2's mask, as the first one did.
  const c = buildModel(spec, { seed: 7 });
  setDropoutStep(c, 1);
  assert.deepEqual(masks(c)[0], a2);
  a.dispose();
  b.dispose();
  c.dispose();
});
