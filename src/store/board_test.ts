import assert from "node:assert/strict";
import { join } from "node:path";
import { withTempDir } from "../_util/testing.ts";
import { speedupInterval } from "../compare/verdict.ts";
import { type ResultsFile, validateResults } from "../results/schema.ts";
import { steadyEpochSeconds } from "../results/stats.ts";
import { buildBoard } from "./board.ts";
import { boardTables } from "./board_tables.ts";
import { type HistoryStore, openStore } from "./store.ts";

const FIXTURES = new URL("../../fixtures/results/", import.meta.url).pathname;

async function recorded(name: string): Promise<ResultsFile> {
  const path = join(FIXTURES, name, "results.json");
  return validateResults(JSON.parse(await Deno.readTextFile(path)), path);
}

/** A recorded run as another machine made it: renamed, its epochs `scale` times as long. */
function asMachine(results: ResultsFile, machine: string, scale = 1, createdAt?: string) {
  const out = structuredClone(results);
  out.env.machine = machine;
  if (createdAt) out.createdAt = out.updatedAt = createdAt;
  for (const run of out.runs) {
    for (const e of run.epochs) e.trainSeconds *= scale;
  }
  return out;
}

async function withStore(fn: (store: HistoryStore) => Promise<void>) {
  await withTempDir(async (dir) => {
    const store = openStore(join(dir, "history.sqlite"));
    try {
      await fn(store);
    } finally {
      store.close();
    }
  });
}

Deno.test("machines are ranked by their latest run's seconds per epoch, fastest first", async () => {
  await withStore(async (store) => {
    const epyc = await recorded("epyc-tensorflow-intervals");
    store.record(epyc);
    const other = asMachine(epyc, "xeon", 1.5);
    other.env.cpu.model = "Intel Xeon";
    other.env.cpu.cores = 16;
    store.record(other);
    // An older, faster run of "late" does not count: its latest run does.
    store.record(asMachine(epyc, "late", 0.5, "2026-12-01T00:00:00.000Z"));
    store.record(asMachine(epyc, "late", 1.2, "2026-12-08T00:00:00.000Z"));

    const board = buildBoard(store.series(), store.samples);
    assert.equal(board.figure, "epoch_seconds");
    assert.equal(board.series.length, 1);
    const [series] = board.series;
    assert.deepEqual([series.model, series.backend, series.engine], [
      "model1",
      "tensorflow",
      "tfjs",
    ]);
    assert.equal(series.groups.length, 1, "CPU and threads differ between machines, not setups");
    const entries = series.groups[0].entries;
    assert.deepEqual(entries.map((e) => [e.rank, e.machine]), [[1, "epyc"], [2, "late"], [
      3,
      "xeon",
    ]]);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1];
    const steady = steadyEpochSeconds(epyc.runs[0]);
    assert.ok(Math.abs(entries[0].median - median(steady)) < 1e-9);
    assert.ok(Math.abs(entries[1].median - 1.2 * median(steady)) < 1e-9);
    assert.equal(entries[1].createdAt, "2026-12-08T00:00:00.000Z");
    assert.ok(entries[0].low! <= entries[0].median && entries[0].median <= entries[0].high!);
    assert.equal(entries[2].cpu, "Intel Xeon, 16 cores");
    assert.match(series.groups[0].setupWords, /^on the CPU, data 8fc38b1e7391…, batch 128/);
    assert.deepEqual(board.gpuOverCpu, []);
  });
});

Deno.test("batch-1 latency ranks too, lowest first", async () => {
  await withStore(async (store) => {
    const epyc = await recorded("epyc-tensorflow-intervals");
    const slower = asMachine(epyc, "slower");
    for (const run of slower.runs) {
      run.inference!.batch1.samplesMs = run.inference!.batch1.samplesMs!.map((x) => 2 * x);
      run.inference!.batch1.p50Ms *= 2;
    }
    store.record(slower);
    store.record(epyc);
    const board = buildBoard(store.series(), store.samples, { figure: "batch1_ms" });
    const [group] = board.series[0].groups;
    assert.deepEqual(group.entries.map((e) => e.machine), ["epyc", "slower"]);
    assert.equal(group.entries[0].unit, "ms");
    assert.ok(group.entries[1].median > group.entries[0].median);
  });
});

Deno.test("runs set up differently are listed in groups of their own, never ranked together", async () => {
  await withStore(async (store) => {
    // Same model, backend and engine; the vm ran without data checksums and another inference batch.
    store.record(await recorded("epyc-tensorflow-intervals"));
    store.record(await recorded("vm-tensorflow"));
    const board = buildBoard(store.series({ model: "model1" }), store.samples);
    const series = board.series.find((s) => s.backend === "tensorflow")!;
    assert.deepEqual(
      series.groups.map((g) => g.entries.map((e) => [e.rank, e.machine])),
      [[[1, "epyc"]], [[1, "vm"]]],
    );
    assert.match(series.groups[0].setupWords, /inference batch 500/);
    assert.match(
      series.groups[1].setupWords,
      /data checksums not recorded, .*inference batch 1024/,
    );
    const tables = boardTables(board).ranked.filter((t) =>
      t.heading.startsWith("model1 · tensorflow ·")
    );
    assert.deepEqual(tables.map((t) => t.heading), [
      "model1 · tensorflow · tfjs (setup 1 of 2)",
      "model1 · tensorflow · tfjs (setup 2 of 2)",
    ]);
    assert.match(tables[1].notes.join(" "), /not ranked against them/);
  });
});

Deno.test("a GPU run that fell back to the CPU is not ranked with GPU runs", async () => {
  await withStore(async (store) => {
    const fell = await recorded("gpu-box-tensorflow-gpu-fell-back");
    store.record(fell);
    const onGpu = asMachine(fell, "cuda-box");
    onGpu.env.deviceInfo = { kind: "gpu" };
    store.record(onGpu);
    const [series] = buildBoard(store.series(), store.samples).series;
    assert.deepEqual(series.groups.map((g) => [g.deviceKind, g.entries[0].machine]), [
      ["gpu", "cuda-box"],
      ["cpu", "gpu-box"],
    ]);
  });
});

Deno.test("GPU over CPU within a machine: CPU over GPU seconds, its interval from the stored samples", async () => {
  await withStore(async (store) => {
    const cpu = await recorded("epyc-tensorflow-intervals");
    const gpu = asMachine(await recorded("h100-webgpu"), "epyc");
    store.record(cpu);
    store.record(gpu);
    // Set up differently (another inference batch, no data checksums): named, not compared.
    let [ratio] = buildBoard(store.series(), store.samples).gpuOverCpu;
    assert.equal(ratio.speedup, null);
    assert.deepEqual(ratio.differs.map((d) => d.what), ["data checksums", "inference batch size"]);

    // The same GPU run, recorded with the CPU run's data and inference batch.
    const alike = asMachine(gpu, "epyc", 1, "2026-12-07T06:30:00.000Z");
    alike.config.dataSource = cpu.config.dataSource;
    alike.config.inferenceBatchSize = cpu.config.inferenceBatchSize;
    store.record(alike);
    const board = buildBoard(store.series(), store.samples);
    assert.equal(board.gpuOverCpu.length, 1, "model1 only: the CPU ran model1 alone");
    [ratio] = board.gpuOverCpu;
    assert.deepEqual(
      [ratio.machine, ratio.model, ratio.framework, ratio.gpu.backend, ratio.cpu.backend],
      ["epyc", "model1", "tfjs", "webgpu", "tensorflow"],
    );
    assert.deepEqual(ratio.differs, []);
    const gpuSteady = steadyEpochSeconds(alike.runs[0]);
    const cpuSteady = steadyEpochSeconds(cpu.runs[0]);
    const med = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    };
    assert.ok(Math.abs(ratio.speedup! - med(cpuSteady) / med(gpuSteady)) < 1e-9);
    assert.deepEqual(ratio.interval, speedupInterval(cpuSteady, gpuSteady));
    assert.equal(ratio.interval!.verdict, "faster");
    assert.ok(ratio.interval!.low <= ratio.speedup! && ratio.speedup! <= ratio.interval!.high);
    const table = boardTables(board).gpuOverCpu!;
    assert.equal(table.heading, "GPU over CPU within each machine");
    assert.equal(table.rows[0][6], "GPU faster");
    assert.match(table.rows[0][5], /^1\.\d\d× \[\d\.\d\d–\d\.\d\d\]$/);
  });
});
