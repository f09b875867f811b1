/**
 * Native gradients against TF.js's own, alternating in one process: per
 * round and per variant, one untimed and one timed `model.fit` epoch on
 * random images. The variants: `stock` (TF.js's gradients), then one with
 * each prefix of the native list, so each line adds one native gradient.
 *
 *   deno run -A tools/probes/native_gradients_ab.ts [model] [images] [rounds]
 *   deno run -A tools/probes/native_gradients_ab.ts model1 2048 2    # BENCHMARKS.md's A/B
 *
 * A developer probe: the figures it gave are in BENCHMARKS.md, with their commands.
 *
 * @module
 */
import { installNativeGradients, NATIVE_GRADIENTS } from "../../src/tf_ops/gradients.ts";
import { loadBackend } from "../../src/backends/registry.ts";
import { buildModel } from "../../src/models/factory.ts";
import { getModelSpec } from "../../src/models/spec.ts";
import { probeArgs, randomTrainingData } from "./_probe.ts";

if (import.meta.main) {
  const [model, n, rounds] = probeArgs(
    "deno run -A tools/probes/native_gradients_ab.ts [model] [images] [rounds]",
    ["model1", 2048, 2],
  );
  const { tf } = await loadBackend("tensorflow");
  const { xs, ys } = randomTrainingData(tf, n);
  const variants = NATIVE_GRADIENTS.map((_, i) => NATIVE_GRADIENTS.slice(0, i + 1));
  for (let round = 1; round <= rounds; round++) {
    for (const names of [[], ...variants]) {
      const restore = installNativeGradients(tf, { names });
      const m = buildModel(getModelSpec(model), { seed: 1 });
      await m.fit(xs, ys, { batchSize: 128, epochs: 1, verbose: 0 });
      const t0 = performance.now();
      await m.fit(xs, ys, { batchSize: 128, epochs: 1, verbose: 0 });
      const seconds = (performance.now() - t0) / 1000;
      const label = names.length ? `native ${names.join("+")}` : "stock";
      console.log(`round ${round} ${label.padEnd(22)} ${seconds.toFixed(2)} s`);
      m.optimizer.dispose();
      m.dispose();
      restore();
    }
  }
}
