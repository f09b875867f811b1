/**
 * `model.fit` against the native training step (`src/train/native_step.ts`),
 * alternating in one process: per round and per step, one untimed and one
 * timed epoch on random images, with the native gradients installed (the
 * default of `loadBackend`).
 *
 *   deno run -A bench/train_step_ab.ts [model] [images] [rounds]
 *   deno run -A bench/train_step_ab.ts model1 4096 3    # BENCHMARKS.md's A/B
 *
 * @module
 */
import { loadBackend } from "../src/backends/registry.ts";
import { buildModel } from "../src/models/factory.ts";
import { getModelSpec } from "../src/models/spec.ts";
import { trainEpochs, type TrainStep } from "../src/train/trainer.ts";

if (import.meta.main) {
  const [model = "model1", images = "4096", rounds = "3"] = Deno.args;
  const { tf } = await loadBackend("tensorflow");
  const n = Number(images);
  const train = {
    xs: tf.randomNormal([n, 28, 28, 1]) as import("@tensorflow/tfjs").Tensor4D,
    ys: tf.oneHot(tf.randomUniform([n], 0, 10, "int32"), 10) as import("@tensorflow/tfjs").Tensor2D,
  };
  const order = (_: number, count: number) => Int32Array.from({ length: count }, (_, i) => i);
  for (let round = 1; round <= Number(rounds); round++) {
    for (const step of ["fit", "native"] as TrainStep[]) {
      const m = buildModel(getModelSpec(model), { seed: 1 });
      const records = await trainEpochs({ model: m, train, epochs: 2, step, order });
      const s = records[1].trainSeconds;
      console.log(
        `round ${round} ${step.padEnd(6)} ${s.toFixed(2)} s (${(n / s).toFixed(0)} img/s)`,
      );
      m.optimizer.dispose();
      m.dispose();
    }
  }
}
