/**
 * Where the native training step's time goes: every TensorFlow op it calls
 * through tfjs-node is timed (wall time, dispatch included) over one epoch on
 * random images, after one untimed epoch.
 *
 *   deno run -A tools/probes/profile_native_step.ts [model] [images]
 *   deno run -A tools/probes/profile_native_step.ts model1 2048    # BENCHMARKS.md's profile
 *
 * @module
 */
import { loadBackend } from "../../src/backends/registry.ts";
import { buildModel } from "../../src/models/factory.ts";
import { getModelSpec } from "../../src/models/spec.ts";
import { fitEpochNative } from "../../src/native/step.ts";
import { randomTrainingData } from "./_probe.ts";

type Execute = (name: string, ...rest: unknown[]) => unknown;

if (import.meta.main) {
  const [model = "model1", images = "2048"] = Deno.args;
  const { tf } = await loadBackend("tensorflow");
  const n = Number(images);
  const { xs, ys } = randomTrainingData(tf, n);
  const m = buildModel(getModelSpec(model), { seed: 1 });
  await fitEpochNative(m, xs, ys);
  const backend = tf.backend() as unknown as Record<string, Execute>;
  const times = new Map<string, { ms: number; calls: number }>();
  for (const method of ["executeSingleOutput", "executeMultipleOutputs"]) {
    const original = backend[method].bind(backend);
    backend[method] = (name, ...rest) => {
      const t0 = performance.now();
      try {
        return original(name, ...rest);
      } finally {
        const entry = times.get(name) ?? { ms: 0, calls: 0 };
        entry.ms += performance.now() - t0;
        entry.calls++;
        times.set(name, entry);
      }
    };
  }
  const t0 = performance.now();
  await fitEpochNative(m, xs, ys);
  const total = performance.now() - t0;
  const steps = Math.ceil(n / 128);
  let inOps = 0;
  console.log("| op | ms per step | calls per step |\n| --- | ---: | ---: |");
  for (const [name, { ms, calls }] of [...times].sort((a, b) => b[1].ms - a[1].ms)) {
    inOps += ms;
    console.log(`| ${name} | ${(ms / steps).toFixed(2)} | ${(calls / steps).toFixed(1)} |`);
  }
  console.log(
    `\n${(total / steps).toFixed(1)} ms per step, ${(inOps / steps).toFixed(1)} ms of it in ops`,
  );
}
