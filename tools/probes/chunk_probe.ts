/**
 * Whether predicting a large batch in chunks is faster than in one call:
 * the native predictor (`src/tf_ops/predict.ts`, oneDNN's kernels) on
 * 1,024 random images whole and in chunks of 512 down to 32, taking turns
 * call by call; the median of 12 calls each, the result read back.
 *
 *   deno run -A tools/probes/chunk_probe.ts [model]
 *
 * A developer probe: the figures it gave are in BENCHMARKS.md, with their commands.
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
  const [model] = probeArgs("deno run -A tools/probes/chunk_probe.ts [model]", ["model1"]);
  const loaded = await loadBackend("tensorflow");
  prepareEngine(loaded, getEngineSpec("native"));
  const { tf } = loaded;
  const m = buildModel(getModelSpec(model));
  const x = randomImages(tf, 1024);
  const { predict } = nativePredictor(m, { kernels: "default" });
  const chunked = (size: number) => () =>
    tf.tidy(() => {
      const parts: Tensor[] = [];
      for (let s = 0; s < 1024; s += size) {
        parts.push(predict(tf.slice(x, [s, 0, 0, 0], [size, -1, -1, -1])));
      }
      return tf.concat(parts);
    });
  const variants: Record<string, () => Tensor> = { whole: () => predict(x) };
  for (const size of [512, 256, 128, 64, 32]) variants[`chunks of ${size}`] = chunked(size);
  for (const f of Object.values(variants)) f().dispose();
  const medians = await mediansTakingTurns(variants, 12);
  console.log(
    `${model}, batch 1,024: ` +
      Object.entries(medians).map(([name, ms]) => `${name} ${ms.toFixed(1)} ms`).join(", "),
  );
}
