/**
 * Peak memory of loading the full dataset and converting both splits to
 * tensors, against the goal of at most twice the dataset's float32 size.
 * Reads the kernel's high-water mark (VmHWM) before and after, in a fresh
 * process, so the figure is the data's share of the peak.
 *
 *   deno run -A tools/probes/data_memory.ts [tensorflow|cpu]
 *
 * A developer probe: the figures it gave are in BENCHMARKS.md's data section, with their commands.
 *
 * @module
 */
import { loadBackend } from "../../src/backends/registry.ts";
import { prepareEngine } from "../../src/tf_ops/install.ts";
import { getEngineSpec } from "../../src/engines/registry.ts";
import { defaultCacheDir } from "../../src/data/cache.ts";
import { IMAGE_PIXELS } from "../../src/data/checksums.ts";
import { loadFashionMnist } from "../../src/data/load.ts";
import { toTensors } from "../../src/data/tensors.ts";
import { probeArgs } from "./_probe.ts";

function peakMiB(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  return Number(/^VmHWM:\s+(\d+) kB$/m.exec(status)![1]) / 1024;
}

if (import.meta.main) {
  const [backend] = probeArgs("deno run -A tools/probes/data_memory.ts [tensorflow|cpu]", [
    "tensorflow",
  ]);
  const loaded = await loadBackend(backend);
  prepareEngine(loaded, getEngineSpec("native"));
  const { tf, name } = loaded;
  tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(1)).dataSync()); // the backend's own start-up memory
  const before = peakMiB();
  const cacheDir = defaultCacheDir({
    xdgCacheHome: Deno.env.get("XDG_CACHE_HOME"),
    home: Deno.env.get("HOME"),
  });
  const data = await loadFashionMnist({ cacheDir, baseUrls: false });
  const train = toTensors(data.train);
  const test = toTensors(data.test);
  tf.tidy(() => [tf.sum(train.xs), tf.sum(test.xs)].map((t) => t.dataSync())); // make the backend hold its copy
  const after = peakMiB();
  const float32MiB = ((data.train.count + data.test.count) * IMAGE_PIXELS * 4) / 2 ** 20;
  const used = after - before;
  console.log(
    `${name}: peak grew by ${used.toFixed(0)} MiB for a dataset of ${
      float32MiB.toFixed(0)
    } MiB in float32: ` +
      `${(used / float32MiB).toFixed(2)}× (goal: at most 2×)`,
  );
  tf.dispose([train.xs, train.ys, test.xs, test.ys]);
}
