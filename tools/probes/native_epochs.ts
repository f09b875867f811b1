/**
 * Times a few native-step epochs (`src/tf_ops/step.ts`) of one model on
 * random images, in one process: a probe to run under different process
 * settings (environment variables, allocators) and compare.
 *
 *   deno run -A tools/probes/native_epochs.ts [model] [images] [epochs]
 *   GLIBC_TUNABLES=glibc.malloc.mmap_max=0 /usr/bin/time -v deno run -A tools/probes/native_epochs.ts model2 2048 4
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
import { probeArgs, randomTrainingData } from "./_probe.ts";

if (import.meta.main) {
  const [model, n, epochs] = probeArgs(
    "deno run -A tools/probes/native_epochs.ts [model] [images] [epochs]",
    ["model2", 2048, 3],
  );
  const loaded = await loadBackend("tensorflow");
  prepareEngine(loaded, getEngineSpec("native"));
  const { tf } = loaded;
  const { xs, ys } = randomTrainingData(tf, n);
  const m = buildModel(getModelSpec(model), { seed: 1 });
  const times: number[] = [];
  for (let e = 0; e < epochs; e++) {
    const t0 = performance.now();
    await fitEpochNative(m, xs, ys);
    times.push((performance.now() - t0) / 1000);
  }
  const setting = Deno.env.get("GLIBC_TUNABLES") ?? "default";
  console.log(
    `${model}, ${n} images, GLIBC_TUNABLES ${setting}: epochs of ${
      times.map((t) => t.toFixed(2)).join(", ")
    } s`,
  );
}
