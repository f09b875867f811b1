/**
 * What the native predictor's online tuning costs: for a model and a batch
 * size, the first call's milliseconds (after `predictOnBatch` has run once at
 * that shape, as in the latency measurement), then how many calls and
 * milliseconds `settle` takes until every layer's kernel is chosen, and the
 * kernels chosen.
 *
 *   deno run -A tools/probes/tuning_cost.ts [model] [batch]
 *   deno run -A tools/probes/tuning_cost.ts model3 500
 *
 * Needs the binding `deno task setup` compiles (list attributes). A developer
 * probe: the figures it gave are in docs/changes.md, with their commands.
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
import { probeArgs, randomImages } from "./_probe.ts";

if (import.meta.main) {
  const [modelName, batch] = probeArgs(
    "deno run -A tools/probes/tuning_cost.ts [model] [batch]",
    ["model1", 1],
  );
  const loaded = await loadBackend("tensorflow");
  prepareEngine(loaded, getEngineSpec("native"));
  const { tf } = loaded;
  const model = buildModel(getModelSpec(modelName), { seed: 1 });
  const x = randomImages(tf, batch);
  (model.predictOnBatch(x) as Tensor).dispose();
  const predictor = nativePredictor(model);
  let t0 = performance.now();
  const y = predictor.predict(x);
  await y.data();
  const firstMs = performance.now() - t0;
  y.dispose();
  t0 = performance.now();
  const calls = predictor.settle(x);
  const settleMs = performance.now() - t0;
  console.log(
    `${modelName} at batch ${batch}: first call ${firstMs.toFixed(1)} ms; settled after ` +
      `${calls} more calls, ${settleMs.toFixed(0)} ms; kernels ${
        predictor.kernels(batch)!.join(", ")
      }`,
  );
  predictor.dispose();
  model.dispose();
}
