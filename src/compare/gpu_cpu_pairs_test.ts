import assert from "node:assert/strict";
import { join } from "node:path";
import { buildComparison } from "./comparison.ts";
import type { ComparisonRow } from "./row.ts";
import { renderComparison } from "../report/comparison_markdown.ts";
import { frameworkOf, gpuCpuPairs } from "./gpu_cpu_pairs.ts";
import { validateResults } from "../results/schema.ts";

const FIXTURE = join(
  new URL("../../fixtures/results/", import.meta.url).pathname,
  "epyc-tensorflow-intervals",
  "results.json",
);

/** A measured CPU row from a recorded run, with its samples. */
async function cpuRow(): Promise<ComparisonRow> {
  const results = validateResults(JSON.parse(await Deno.readTextFile(FIXTURE)), FIXTURE);
  const row = buildComparison({ results: [{ results, source: FIXTURE }] }).rows[0];
  assert.equal(row.deviceKind, "cpu");
  return row;
}

/** The same row as if a GPU had run it `speedup` times faster. */
function onGpu(r: ComparisonRow, backend: string, speedup: number): ComparisonRow {
  const s = r.samples!;
  return {
    ...r,
    backend,
    deviceKind: "gpu",
    device: "a GPU",
    imagesPerSecond: r.imagesPerSecond! * speedup,
    batch1: { ...r.batch1!, p50Ms: r.batch1!.p50Ms / speedup },
    batched: { ...r.batched!, imagesPerSecond: r.batched!.imagesPerSecond * speedup },
    samples: {
      epochSeconds: s.epochSeconds.map((x) => x / speedup),
      batch1Ms: s.batch1Ms!.map((x) => x / speedup),
      batchedMs: s.batchedMs!.map((x) => x / speedup),
    },
  };
}

Deno.test("gpuCpuPairs: GPU over CPU in one framework, with intervals and verdicts", async () => {
  const cpu = await cpuRow();
  const gpu = onGpu(cpu, "webgpu", 4);
  const [pair, ...more] = gpuCpuPairs([gpu, cpu]);
  assert.equal(more.length, 0);
  assert.equal(pair.framework, cpu.engine);
  assert.deepEqual([pair.gpu.backend, pair.cpu.backend], ["webgpu", cpu.backend]);
  assert.deepEqual(pair.differs, []);
  assert.ok(Math.abs(pair.training!.ratio - 4) < 1e-9);
  assert.ok(pair.training!.interval!.low <= 4 && pair.training!.interval!.high >= 4);
  assert.equal(pair.training!.interval!.verdict, "faster");
  assert.ok(Math.abs(pair.batch1!.ratio - 4) < 1e-9);
  assert.equal(pair.batch1!.interval!.verdict, "faster");
  assert.equal(pair.batched!.batchSize, cpu.batched!.batchSize);
  assert.equal(pair.batched!.interval!.verdict, "faster");
  assert.deepEqual(pair.notes, []);
  assert.deepEqual(pair.moreBatched, []);
  // Cold start is kept apart, each side's own.
  assert.deepEqual(pair.coldStart.gpu, pair.coldStart.cpu);
  assert.equal(typeof pair.coldStart.cpu.firstPredictionMs, "number");
  // The same speed is no difference.
  assert.equal(
    gpuCpuPairs([onGpu(cpu, "webgpu", 1), cpu])[0].training!.interval!.verdict,
    "no difference",
  );
});

Deno.test("gpuCpuPairs pairs within a framework only, and says what it does not compare", async () => {
  const cpu = await cpuRow();
  const keras = (backend: string, r: ComparisonRow) => ({ ...r, engine: "keras", backend });
  const rows = [
    keras("keras-jax", onGpu(cpu, "x", 10)),
    keras("keras-torch", onGpu(cpu, "x", 10)),
    keras("keras-jax-cpu", cpu),
    onGpu(cpu, "webgpu", 2),
    // TF.js's CPU side that could not train, and one on other data.
    { ...cpu, backend: "wasm", imagesPerSecond: null, notTrained: "no kernel" },
    { ...cpu, backend: "cpu", setup: { ...cpu.setup!, trainSize: 64 } },
    // Neither a software adapter nor a GPU package that fell back is a GPU.
    { ...onGpu(cpu, "webgpu", 2), machine: "other", softwareAdapter: true },
  ];
  assert.equal(frameworkOf(rows[2]), "keras-jax");
  const pairs = gpuCpuPairs(rows);
  assert.deepEqual(pairs.map((p) => [p.framework, p.gpu.backend, p.cpu.backend]), [
    ["keras-jax", "keras-jax", "keras-jax-cpu"],
    ["tfjs", "webgpu", "wasm"],
    ["tfjs", "webgpu", "cpu"],
  ]);
  assert.ok(Math.abs(pairs[0].training!.ratio - 10) < 1e-9);
  assert.equal(pairs[1].training, null);
  assert.deepEqual(pairs[1].notes, ["training: wasm was not trained (no kernel)"]);
  assert.ok(pairs[1].batch1 !== null);
  assert.equal(pairs[2].training, null);
  assert.deepEqual(pairs[2].differs, ["trainSize"]);
  assert.deepEqual(pairs[2].notes, ["training: not compared, the runs differ in trainSize"]);
});

Deno.test("gpuCpuPairs compares each further batch size both sides measured", async () => {
  const cpu = await cpuRow();
  const more = (r: ComparisonRow, ips: number[], sizes: number[]) => ({
    ...r,
    moreBatched: sizes.map((batchSize, i) => ({
      batchSize,
      imagesPerSecond: ips[i],
      interval: null,
      samplesMs: [1, 2, 3].map((k) => (1000 * batchSize) / ips[i] + k / 100),
    })),
  });
  const [pair] = gpuCpuPairs([
    more(onGpu(cpu, "webgpu", 4), [8000, 1000], [128, 16]),
    more(cpu, [1000, 500], [128, 64]),
  ]);
  assert.deepEqual(pair.moreBatched.map((b) => [b.batchSize, b.ratio]), [[128, 8]]);
  assert.equal(pair.moreBatched[0].interval?.verdict, "faster");
});

Deno.test("a comparison's Markdown has the GPU-over-CPU table with each ratio's interval and verdict", async () => {
  const cpu = await cpuRow();
  const c = buildComparison({ rows: [onGpu(cpu, "webgpu", 4), cpu] });
  assert.equal(c.gpuOverCpu?.length, 1);
  const md = renderComparison(c);
  const section = md.slice(md.indexOf("## GPU over CPU, one framework on one machine"));
  assert.match(
    section,
    /\| `tfjs` \| `webgpu`: a GPU \| `tensorflow`: [^|]+\| 4\.00× \[\d\.\d\d–\d\.\d\d\] \*\*faster\*\* \| 4\.00× \[[^\]]+\] \*\*faster\*\* \| 4\.00× \[[^\]]+\] \*\*faster\*\* at batch \d+ \|/,
  );
});
