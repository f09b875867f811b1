/**
 * Where the native training step's time goes: every TensorFlow op it calls
 * through tfjs-node is timed (wall time, dispatch included) over one epoch on
 * random images, after one untimed epoch.
 *
 *   deno run -A tools/probes/profile_native_step.ts [model] [images]
 *   deno run -A tools/probes/profile_native_step.ts model1 2048    # BENCHMARKS.md's profile
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
import { fitEpochNative } from "../../src/tf_ops/step.ts";
import { probeArgs, randomTrainingData, timeOps } from "./_probe.ts";

if (import.meta.main) {
  const [model, n] = probeArgs(
    "deno run -A tools/probes/profile_native_step.ts [model] [images]",
    ["model1", 2048],
  );
  const loaded = await loadBackend("tensorflow");
  prepareEngine(loaded, getEngineSpec("native"));
  const { tf } = loaded;
  const { xs, ys } = randomTrainingData(tf, n);
  const m = buildModel(getModelSpec(model), { seed: 1 });
  await fitEpochNative(m, xs, ys);
  const timer = timeOps(tf);
  const t0 = performance.now();
  await fitEpochNative(m, xs, ys);
  const total = performance.now() - t0;
  timer.stop();
  const steps = Math.ceil(n / 128);
  let inOps = 0;
  console.log("| op | ms per step | calls per step |\n| --- | ---: | ---: |");
  for (const [name, { ms, calls }] of [...timer.times].sort((a, b) => b[1].ms - a[1].ms)) {
    inOps += ms;
    console.log(`| ${name} | ${(ms / steps).toFixed(2)} | ${(calls / steps).toFixed(1)} |`);
  }
  console.log(
    `\n${(total / steps).toFixed(1)} ms per step, ${(inOps / steps).toFixed(1)} ms of it in ops`,
  );
}
