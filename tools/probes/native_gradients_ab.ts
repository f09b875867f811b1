/**
 * Native gradients against TF.js's own, alternating in one process: per
 * round and per variant, one untimed and one timed `model.fit` epoch on
 * random images. The variants: `stock` (TF.js's gradients), then one with
 * each prefix of the native list, so each line adds one native gradient.
 *
 *   deno run -A tools/probes/native_gradients_ab.ts [model] [images] [rounds]
 *   deno run -A tools/probes/native_gradients_ab.ts model1 2048 2    # BENCHMARKS.md's A/B
 *
 * @module
 */
import { installNativeGradients, NATIVE_GRADIENTS } from "../../src/native/gradients.ts";
import { loadBackend } from "../../src/backends/registry.ts";
import { buildModel } from "../../src/models/factory.ts";
import { getModelSpec } from "../../src/models/spec.ts";

if (import.meta.main) {
  const [model = "model1", images = "2048", rounds = "2"] = Deno.args;
  const { tf } = await loadBackend("tensorflow", { nativeGradients: false });
  const n = Number(images);
  const xs = tf.randomNormal([n, 28, 28, 1]);
  const ys = tf.oneHot(tf.zeros([n], "int32"), 10);
  const variants = NATIVE_GRADIENTS.map((_, i) => NATIVE_GRADIENTS.slice(0, i + 1));
  for (let round = 1; round <= Number(rounds); round++) {
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
