/**
 * `model.fit` against the native training step (`src/tf_ops/step.ts`),
 * without and with oneDNN's fused convolution, alternating in one process:
 * per round and per variant, one untimed and one timed epoch on random
 * images, with the native gradients installed (as `prepareEngine` installs
 * them for the `native` engine).
 *
 *   deno run -A tools/probes/train_step_ab.ts [model] [images] [rounds]
 *   deno run -A tools/probes/train_step_ab.ts model1 4096 3    # BENCHMARKS.md's A/B
 *
 * A developer probe: the figures it gave are in BENCHMARKS.md, with their commands.
 *
 * @module
 */
import type { LayersModel } from "@tensorflow/tfjs";
import { loadBackend } from "../../src/backends/registry.ts";
import { prepareEngine } from "../../src/tf_ops/install.ts";
import { getEngineSpec } from "../../src/engines/registry.ts";
import { buildModel } from "../../src/models/factory.ts";
import { getModelSpec } from "../../src/models/spec.ts";
import { fitEpochNative } from "../../src/tf_ops/step.ts";
import { probeArgs, randomTrainingData } from "./_probe.ts";

if (import.meta.main) {
  const [model, n, rounds] = probeArgs(
    "deno run -A tools/probes/train_step_ab.ts [model] [images] [rounds]",
    ["model1", 4096, 3],
  );
  const loaded = await loadBackend("tensorflow");
  prepareEngine(loaded, getEngineSpec("native"));
  const { tf } = loaded;
  const { xs, ys } = randomTrainingData(tf, n);
  const variants: Record<string, (m: LayersModel) => Promise<unknown>> = {
    "model.fit": (m) => m.fit(xs, ys, { batchSize: 128, epochs: 1, shuffle: false, verbose: 0 }),
    "native, unfused": (m) => fitEpochNative(m, xs, ys, { fused: false }),
    "native": (m) => fitEpochNative(m, xs, ys),
  };
  for (let round = 1; round <= rounds; round++) {
    for (const [name, epoch] of Object.entries(variants)) {
      const m = buildModel(getModelSpec(model), { seed: 1 });
      await epoch(m);
      const t0 = performance.now();
      await epoch(m);
      const s = (performance.now() - t0) / 1000;
      console.log(
        `round ${round} ${name.padEnd(16)} ${s.toFixed(2)} s (${(n / s).toFixed(0)} img/s)`,
      );
      m.optimizer.dispose();
      m.dispose();
    }
  }
}
