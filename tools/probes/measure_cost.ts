/**
 * What the measures cost the training they measure: one model trained epoch
 * after epoch, alternating epochs with and without TF.js's memory sampler
 * (`tf.memory()` after every batch) and the host-memory reads of the
 * experiment (`VmHWM`/`VmRSS` and the peak reset, outside the timed region),
 * both variants with the same per-batch progress callback. Prints each
 * variant's median training seconds and their ratio.
 *
 *   deno run -A tools/probes/measure_cost.ts [model] [images] [pairs] [engine]
 *   deno run -A tools/probes/measure_cost.ts model1 4096 6 tfjs    # BENCHMARKS.md's figures
 *
 * A developer probe: the figures it gave are in BENCHMARKS.md, with their commands.
 *
 * @module
 */
import { loadBackend } from "../../src/backends/registry.ts";
import { getEngineSpec } from "../../src/engines/registry.ts";
import { hostMemoryReader } from "../../src/measure/host_memory.ts";
import { isMeasured } from "../../src/measure/measures.ts";
import { tfjsMemorySampler } from "../../src/measure/tfjs_memory.ts";
import { buildModel } from "../../src/models/factory.ts";
import { getModelSpec } from "../../src/models/spec.ts";
import { prepareEngine } from "../../src/tf_ops/install.ts";
import { epochOrder } from "../../src/data/split.ts";
import { trainEpochs } from "../../src/train/trainer.ts";
import type { EpochRecord } from "../../src/results/schema.ts";
import { percentile } from "../../src/_util/stats.ts";
import { probeArgs, randomTrainingData } from "./_probe.ts";

if (import.meta.main) {
  const [model, n, pairs, engineName] = probeArgs(
    "deno run -A tools/probes/measure_cost.ts [model] [images] [pairs] [engine]",
    ["model1", 4096, 6, "tfjs"],
  );
  const engine = getEngineSpec(engineName);
  const loaded = await loadBackend("tensorflow");
  prepareEngine(loaded, engine);
  const { tf } = loaded;
  const train = randomTrainingData(tf, n);
  const m = buildModel(getModelSpec(model), { seed: 1 });
  const host = hostMemoryReader();
  const sampler = tfjsMemorySampler();
  const times: Record<"with" | "without", number[]> = { with: [], without: [] };
  let records: EpochRecord[] = [];
  // Epoch 1 is a warm-up; then pairs of epochs, with and without, the order swapped every pair.
  const plan: ("with" | "without" | "warm-up")[] = ["warm-up"];
  for (let pair = 0; pair < pairs; pair++) {
    plan.push(...(pair % 2 === 0 ? ["with", "without"] as const : ["without", "with"] as const));
  }
  for (const [i, variant] of plan.entries()) {
    const epoch = i + 1;
    records = await trainEpochs({
      model: m,
      train,
      epochs: epoch,
      completed: records,
      step: engine.trainStep,
      order: epochOrder(1),
      onBatch: () => {},
      memory: variant === "with" ? sampler : undefined,
    });
    if (variant === "with" && isMeasured(host)) {
      host.peak();
      host.rss();
      host.resetPeak();
    }
    if (variant !== "warm-up") times[variant].push(records.at(-1)!.trainSeconds);
  }
  const median = (xs: number[]) => percentile(xs, 50);
  const row = (name: "with" | "without") =>
    `${name} the measures: median ${median(times[name]).toFixed(3)} s over ${
      times[name].length
    } epochs ` +
    `(${Math.min(...times[name]).toFixed(3)}–${Math.max(...times[name]).toFixed(3)} s)`;
  console.log(`${model}, ${n} random images, engine ${engine.name}, ${pairs} pairs of epochs`);
  console.log(row("with"));
  console.log(row("without"));
  console.log(`with / without: ${(median(times.with) / median(times.without)).toFixed(4)}`);
  console.log(`tf.memory() samples: ${sampler.record()?.samples ?? 0}`);
}
