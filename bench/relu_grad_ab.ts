/**
 * The native ReluGrad against TF.js's own Relu gradient, alternating in one
 * process: one untimed and one timed `model.fit` epoch on random images for
 * each, per round.
 *
 *   deno run -A bench/relu_grad_ab.ts [model] [images] [rounds]
 *   deno run -A bench/relu_grad_ab.ts model1 2048 2    # BENCHMARKS.md's A/B
 *
 * @module
 */
import type { GradConfig, Tensor } from "@tensorflow/tfjs";
import { installNativeGradients } from "../src/backends/native_gradients.ts";
import { loadBackend } from "../src/backends/registry.ts";
import { buildModel } from "../src/models/factory.ts";
import { getModelSpec } from "../src/models/spec.ts";

if (import.meta.main) {
  const [model = "model1", images = "2048", rounds = "2"] = Deno.args;
  const { tf } = await loadBackend("tensorflow");
  const stock: GradConfig = {
    kernelName: "Relu",
    inputsToSave: ["x"],
    gradFunc: (dy, saved) => ({
      x: () => tf.mul(dy as Tensor, tf.cast(tf.step(saved[0]), "float32")),
    }),
  };
  const n = Number(images);
  const xs = tf.randomNormal([n, 28, 28, 1]);
  const ys = tf.oneHot(tf.zeros([n], "int32"), 10);
  for (let round = 1; round <= Number(rounds); round++) {
    for (const mode of ["stock", "native"] as const) {
      if (mode === "stock") tf.registerGradient(stock);
      else installNativeGradients(tf);
      const m = buildModel(getModelSpec(model), { seed: 1 });
      await m.fit(xs, ys, { batchSize: 128, epochs: 1, verbose: 0 });
      const t0 = performance.now();
      await m.fit(xs, ys, { batchSize: 128, epochs: 1, verbose: 0 });
      console.log(
        `round ${round} ${mode.padEnd(6)} ${((performance.now() - t0) / 1000).toFixed(2)} s`,
      );
      m.optimizer.dispose();
      m.dispose();
    }
  }
}
