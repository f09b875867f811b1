/**
 * Where a training step's time goes: `tf.profile` around one `model.fit`
 * epoch on random images, kernel times summed by kernel name. Kernel times
 * are wall times per op, dispatch included, so read them as shares.
 *
 *   deno run -A tools/probes/profile_step.ts [backend] [model] [images] [batch] [stock]
 *   deno run -A tools/probes/profile_step.ts tensorflow model1 1024 128 stock  # BENCHMARKS.md's profile
 *   deno run -A tools/probes/profile_step.ts tensorflow model1 1024 128        # with the native gradients and kernels
 *   deno run -A tools/probes/profile_step.ts cpu model1 4 4                # the pure-JS backend's profile
 *
 * A developer probe: the figures it gave are in BENCHMARKS.md, with their commands.
 *
 * @module
 */
import { loadBackend } from "../../src/backends/registry.ts";
import { prepareEngine } from "../../src/tf_ops/install.ts";
import { getEngineSpec } from "../../src/engines/registry.ts";
import { buildModel } from "../../src/models/factory.ts";
import { getModelSpec } from "../../src/models/spec.ts";
import { probeArgs, randomTrainingData } from "./_probe.ts";

if (import.meta.main) {
  const [backendName, model, n, batchSize, stock] = probeArgs(
    "deno run -A tools/probes/profile_step.ts [backend] [model] [images] [batch] [stock]",
    ["tensorflow", "model1", 1024, 128, ""],
  );
  const loaded = await loadBackend(backendName, { allowFallback: true });
  prepareEngine(loaded, getEngineSpec(stock === "stock" ? "tfjs" : "tfjs-patched"));
  const { tf } = loaded;
  const m = buildModel(getModelSpec(model), { seed: 1 });
  const { xs, ys } = randomTrainingData(tf, n);
  await m.fit(xs, ys, { batchSize, epochs: 1, verbose: 0 }); // warm-up, untimed
  const t0 = performance.now();
  const info = await tf.profile(async () => {
    await m.fit(xs, ys, { batchSize, epochs: 1, verbose: 0 });
  });
  const wallMs = performance.now() - t0;
  const byName = new Map<string, { ms: number; calls: number }>();
  for (const k of info.kernels) {
    const entry = byName.get(k.name) ?? { ms: 0, calls: 0 };
    entry.ms += await k.kernelTimeMs as number;
    entry.calls++;
    byName.set(k.name, entry);
  }
  const steps = Math.ceil(n / batchSize);
  console.log(
    `${model} on ${backendName}: ${steps} steps of ${batchSize}, wall ${wallMs.toFixed(0)} ms, ` +
      `${info.kernels.length} kernels (${(info.kernels.length / steps).toFixed(0)} per step)`,
  );
  for (const [name, { ms, calls }] of [...byName].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) {
    console.log(`${name.padEnd(24)} ${ms.toFixed(0).padStart(7)} ms  ×${calls}`);
  }
}
