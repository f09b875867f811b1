/**
 * Where a model's batch-1 latency goes: tfjs-layers' `predictOnBatch` and
 * `apply` against the native predictor (`src/tf_ops/predict.ts`: the
 * same forward pass as TensorFlow ops called directly) with each kernel
 * choice, in one process, taking turns call by call; each the median of 300
 * calls, the result read back before the clock stops. Checks that the outputs agree.
 *
 *   deno run -A tools/probes/batch1_probe.ts [rounds] [model] [batch]
 *   deno run -A tools/probes/batch1_probe.ts 3 model1    # BENCHMARKS.md's batch-1 figures
 *
 * Needs the binding `deno task setup` compiles (list attributes). A developer
 * probe: the figures it gave are in BENCHMARKS.md, with their commands.
 *
 * @module
 */
import type { Tensor } from "@tensorflow/tfjs";
import { loadBackend } from "../../src/backends/registry.ts";
import { prepareEngine } from "../../src/tf_ops/install.ts";
import { getEngineSpec } from "../../src/engines/registry.ts";
import { buildModel } from "../../src/models/factory.ts";
import { getModelSpec } from "../../src/models/spec.ts";
import { nativePredictor } from "../../src/tf_ops/predict.ts";
import { mediansTakingTurns, probeArgs, randomImages } from "./_probe.ts";

if (import.meta.main) {
  const [rounds, modelName, batch] = probeArgs(
    "deno run -A tools/probes/batch1_probe.ts [rounds] [model] [batch]",
    [3, "model1", 1],
  );
  const loaded = await loadBackend("tensorflow");
  prepareEngine(loaded, getEngineSpec("native"));
  const { tf } = loaded;
  const model = buildModel(getModelSpec(modelName));
  const x = randomImages(tf, batch);
  const predictors = {
    default: nativePredictor(model, { kernels: "default" }),
    eigen: nativePredictor(model, { kernels: "eigen" }),
    autotune: nativePredictor(model, { kernels: "autotune" }),
  };
  const variants: Record<string, () => Tensor> = {
    "predictOnBatch": () => model.predictOnBatch(x) as Tensor,
    "apply": () => model.apply(x) as Tensor,
    ...Object.fromEntries(
      Object.entries(predictors).map(([k, p]) => [`native ${k}`, () => p.predict(x)]),
    ),
  };
  const calls = Math.max(5, Math.round(300 / batch));
  const reference = variants.predictOnBatch();
  for (const [name, f] of Object.entries(variants)) {
    const y = f();
    const difference = tf.max(tf.abs(tf.sub(reference, y))).dataSync()[0];
    y.dispose();
    console.log(`${name}: largest difference from predictOnBatch ${difference}`);
  }
  reference.dispose();
  for (const [name, p] of Object.entries(predictors)) {
    p.settle(x);
    console.log(`native ${name} kernels at batch ${batch}: ${p.kernels(batch)!.join(", ")}`);
  }
  for (let round = 1; round <= rounds; round++) {
    const m = await mediansTakingTurns(variants, calls);
    const line = Object.entries(m).map(([name, ms]) => `${name} ${ms.toFixed(2)} ms`);
    console.log(`round ${round} (model ${modelName}, batch ${batch}): ${line.join(", ")}`);
  }
}
