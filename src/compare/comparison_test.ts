import assert from "node:assert/strict";
import { join } from "node:path";
import { DOMParser } from "@xmldom/xmldom";
import { BACKEND_NAMES } from "../backends/registry.ts";
import { renderComparisonSvg, svgToPng } from "../report/chart.ts";
import { buildComparison, type Comparison } from "./comparison.ts";
import { parseComparison, readComparisonInputs } from "./comparison_files.ts";
import { writeComparison } from "../report/comparison_output.ts";
import { renderComparison, speedupCell } from "../report/comparison_markdown.ts";
import { type ResultsFile, validateResults } from "../results/schema.ts";

const FIXTURES = new URL("../../fixtures/results/", import.meta.url).pathname;

async function fixture(name: string): Promise<ResultsFile> {
  const path = join(FIXTURES, name, "results.json");
  return validateResults(JSON.parse(await Deno.readTextFile(path)), path);
}

async function recorded() {
  return await Promise.all(
    ["vm-tensorflow", "vm-cpu", "vm-webgpu", "gpu-box-tensorflow-gpu-fell-back"].map(async (n) => ({
      results: await fixture(n),
      source: n,
    })),
  );
}

/** Training images/s of a run's median steady epoch, computed here independently. */
function imagesPerSecond(results: ResultsFile, model: string): number {
  const epochs = results.runs.find((r) => r.model === model)!.epochs.map((e) => e.trainSeconds);
  const steady = epochs.length > 1 ? epochs.slice(1) : epochs;
  assert.equal(steady.length, 1, "the fixtures have one steady epoch");
  return results.config.trainSize / steady[0];
}

function row(c: Comparison, machine: string, model: string, backend: string) {
  const found = c.rows.find((r) =>
    r.machine === machine && r.model === model && r.backend === backend
  );
  assert.ok(found, `no row for ${machine} ${model} ${backend}`);
  return found;
}

Deno.test("buildComparison keys rows by machine, model and backend in registry order", async () => {
  const c = buildComparison({ results: await recorded(), backendOrder: BACKEND_NAMES });
  assert.deepEqual(
    c.rows.map((r) => `${r.machine} ${r.model} ${r.backend}`),
    [
      "gpu-box model1 tensorflow-gpu",
      "vm model1 tensorflow",
      "vm model1 webgpu",
      "vm model1 cpu",
      "vm model2 tensorflow",
    ],
  );
  assert.deepEqual(c.machines.map((m) => m.machine), ["gpu-box", "vm"]);
  assert.deepEqual(c.notes, []);
});

Deno.test("buildComparison measures speed-up against tensorflow on the same machine", async () => {
  const files = await recorded();
  const c = buildComparison({ results: files });
  const [tf, cpu] = [files[0].results, files[1].results];
  const base = imagesPerSecond(tf, "model1");
  assert.equal(row(c, "vm", "model1", "tensorflow").speedup, 1);
  const cpuRow = row(c, "vm", "model1", "cpu");
  assert.equal(cpuRow.trainSize, 8);
  assert.ok(Math.abs(cpuRow.speedup! - imagesPerSecond(cpu, "model1") / base) < 1e-12);
  assert.ok(cpuRow.speedup! < 0.01, `pure JS is far slower than libtensorflow: ${cpuRow.speedup}`);
  const webgpu = row(c, "vm", "model1", "webgpu");
  assert.equal(webgpu.softwareAdapter, true);
  assert.match(webgpu.note!, /software WebGPU adapter, not a GPU/);
  // model2 has its own baseline: the tensorflow run of model2.
  assert.equal(row(c, "vm", "model2", "tensorflow").speedup, 1);
});

Deno.test("buildComparison claims no speed-up for a GPU package that fell back to the CPU", async () => {
  const fellBack = await fixture("gpu-box-tensorflow-gpu-fell-back");
  fellBack.env.machine = "vm"; // beside a real baseline, so the null is not for want of one
  const c = buildComparison({
    results: [{ results: await fixture("vm-tensorflow"), source: null }, {
      results: fellBack,
      source: null,
    }],
  });
  const r = row(c, "vm", "model1", "tensorflow-gpu");
  assert.equal(r.status, "measured");
  assert.equal(r.fellBackToCpu, true);
  assert.equal(r.speedup, null);
  assert.equal(
    r.note,
    "GPU package ran on the CPU: no speed-up claimed; engine tfjs derived from a schema-1 file",
  );
  const md = renderComparison(c);
  assert.match(
    md,
    /\| vm \| model1 \| `tensorflow-gpu` \| `tfjs` \| libtensorflow 2\.21\.0 \(GPU package, but TensorFlow found no GPU: running on the CPU\) \| 1,800 × 2 \| [0-9.]+ \([0-9.–]+, 1 epoch\) \| [0-9]+ \| – \|/,
  );
});

Deno.test("buildComparison shows a backend that did not run as a row with its reason", async () => {
  const c = buildComparison({
    results: [{ results: await fixture("vm-tensorflow"), source: null }],
    skipped: [
      {
        machine: "vm",
        model: "model1",
        backend: "tensorflow-gpu",
        engine: "tfjs",
        status: "unavailable",
        reason: "no NVIDIA driver (nvidia-smi not found)",
      },
      {
        machine: "vm",
        model: "model1",
        backend: "webgpu",
        engine: "tfjs",
        status: "failed",
        reason: "train-all exited with 1: out of memory",
      },
    ],
    backendOrder: BACKEND_NAMES,
  });
  const gpu = row(c, "vm", "model1", "tensorflow-gpu");
  assert.equal(gpu.status, "unavailable");
  assert.equal(gpu.speedup, null);
  assert.equal(gpu.imagesPerSecond, null);
  const md = renderComparison(c);
  assert.ok(
    md.includes(
      "| vm | model1 | `tensorflow-gpu` | `tfjs` | – | – | – | – | – | – | – | – | – | not available: no NVIDIA driver (nvidia-smi not found) |",
    ),
    md,
  );
  assert.ok(md.includes("| failed: train-all exited with 1: out of memory |"), md);
});

Deno.test("buildComparison keeps the newest of two runs with the same key and notes it", async () => {
  const newer = await fixture("vm-cpu");
  const older = structuredClone(newer);
  older.createdAt = "2026-01-01T00:00:00.000Z";
  older.runs[0].epochs[0].trainSeconds *= 2;
  const c = buildComparison({
    results: [{ results: newer, source: "new.json" }, { results: older, source: "old.json" }],
  });
  assert.equal(c.rows.length, 1);
  assert.equal(c.rows[0].source, "new.json");
  assert.deepEqual(c.notes, [
    `vm model1 cpu tfjs: kept the run of ${newer.createdAt} over 2026-01-01T00:00:00.000Z (old.json)`,
  ]);
  // A measured row beats a skipped one whatever the order.
  const c2 = buildComparison({
    results: [{ results: newer, source: null }],
    skipped: [{
      machine: "vm",
      model: "model1",
      backend: "cpu",
      engine: "tfjs",
      status: "failed",
      reason: "x",
    }],
  });
  assert.equal(c2.rows.length, 1);
  assert.equal(c2.rows[0].status, "measured");
});

Deno.test("buildComparison relates the growth of time from model1 to model2 to their FLOPs", async () => {
  const tf = await fixture("vm-tensorflow");
  const c = buildComparison({ results: [{ results: tf, source: null }] });
  assert.deepEqual(c.scaling.map((s) => s.model), ["model1", "model2"]);
  const [m1, m2] = c.scaling;
  assert.equal(m1.flopsRatio, 1);
  assert.equal(m1.timeRatio, 1);
  assert.equal(m2.flopsPerImage, 120_625_664);
  assert.ok(Math.abs(m2.flopsRatio - 120_625_664 / 31_412_736) < 1e-12, `${m2.flopsRatio}`);
  const expected = imagesPerSecond(tf, "model1") / imagesPerSecond(tf, "model2");
  assert.ok(Math.abs(m2.timeRatio - expected) < 1e-12);
  assert.ok(
    Math.abs(m1.trainingGflops - 3 * 31_412_736 * imagesPerSecond(tf, "model1") / 1e9) < 1e-9,
  );
  assert.match(renderComparison(c), /## How cost grows from model to model/);
});

Deno.test("renderComparisonSvg draws a well-formed SVG with one bar per measured row", async () => {
  const c = buildComparison({ results: await recorded(), backendOrder: BACKEND_NAMES });
  const svg = await renderComparisonSvg(c);
  const errors: string[] = [];
  const doc = new DOMParser({ onError: (level, msg) => errors.push(`${level}: ${msg}`) })
    .parseFromString(svg, "image/svg+xml");
  assert.deepEqual(errors, []);
  const root = doc.documentElement!;
  assert.equal(root.nodeName, "svg");
  assert.equal(root.getAttribute("xmlns"), "http://www.w3.org/2000/svg");
  const groups = Array.from(doc.getElementsByTagName("g"));
  const bars = groups.filter((g) => /\bmark-rect\b/.test(g.getAttribute("class") ?? ""))
    .flatMap((g) => Array.from(g.getElementsByTagName("path")));
  assert.equal(bars.length, 5);
  const text = Array.from(doc.getElementsByTagName("text")).map((t) => t.textContent);
  for (
    const label of [
      "model1",
      "model2",
      "vm / tensorflow · tfjs",
      "vm / webgpu · tfjs (software adapter)",
      "gpu-box / tensorflow-gpu · tfjs (fell back to the CPU)",
    ]
  ) {
    assert.ok(text.includes(label), `the chart has no label ${label}: ${text.join(", ")}`);
  }
  const lines = groups.filter((g) => /\bmark-line\b/.test(g.getAttribute("class") ?? ""))
    .flatMap((g) => Array.from(g.getElementsByTagName("path")));
  // Accuracy only of the rows tested on the common count (500 images): not cpu's 8, webgpu's 100.
  assert.equal(lines.length, 3, "one accuracy line per comparable row");
  assert.ok(
    text.some((t) =>
      t?.includes("accuracy: rows tested on 500 images only; left out: vm / webgpu · tfjs")
    ),
    text.join(", "),
  );
  // Every bar carries its value: seconds per epoch of 1,800 images.
  const tfRow = row(c, "vm", "model1", "tensorflow");
  assert.ok(text.includes((1800 / tfRow.imagesPerSecond!).toFixed(2)), text.join(", "));
});

Deno.test("svgToPng rasterises the chart to a PNG", async () => {
  const c = buildComparison({
    results: [{ results: await fixture("vm-tensorflow"), source: null }],
  });
  const png = await svgToPng(await renderComparisonSvg(c), 1);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(png.buffer, png.byteOffset);
  assert.ok(view.getUint32(16) > 500, `width ${view.getUint32(16)}`);
});

Deno.test("writeComparison writes files that readComparisonInputs merges back unchanged", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const c = buildComparison({ results: await recorded(), backendOrder: BACKEND_NAMES });
    const paths = await writeComparison(dir, c);
    assert.equal(paths.png, join(dir, "compare.png"));
    const names = [];
    for await (const e of Deno.readDir(dir)) names.push(e.name);
    assert.deepEqual(names.sort(), [
      "compare.html",
      "compare.json",
      "compare.md",
      "compare.png",
      "compare.svg",
    ]);
    const inputs = await readComparisonInputs([dir]);
    assert.equal(inputs.results.length, 0);
    const again = buildComparison({
      rows: inputs.rows,
      machines: inputs.machines,
      backendOrder: BACKEND_NAMES,
    });
    assert.deepEqual(again.rows, c.rows);
    assert.deepEqual(again.machines, c.machines);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readComparisonInputs finds every results file in a folder", async () => {
  const inputs = await readComparisonInputs([FIXTURES]);
  assert.deepEqual(
    inputs.results.map((r) => r.source.split("/").slice(-2).join("/")),
    [
      "epyc-tensorflow-intervals/results.json",
      "gpu-box-tensorflow-gpu-fell-back/results.json",
      "h100-webgpu/results.json",
      "vm-cpu/results.json",
      "vm-tensorflow/results.json",
      "vm-webgpu/results.json",
    ],
  );
});

Deno.test("readComparisonInputs names a missing path and what it expected", async () => {
  await assert.rejects(
    readComparisonInputs(["/nonexistent/results.json"]),
    new TypeError(
      "/nonexistent/results.json: no such file or folder; expected a results.json, a compare.json or a folder holding them",
    ),
  );
});

Deno.test("parseComparison refuses a file of another kind", () => {
  assert.throws(
    () => parseComparison({ kind: "something-else" }, "x.json"),
    new TypeError(
      'x.json: expected a compare.json of fmnist-bench (kind "fmnist-bench-comparison"), got kind "something-else"',
    ),
  );
});

Deno.test("speedupCell spells out a slow-down", () => {
  assert.equal(speedupCell(null), "–");
  assert.equal(speedupCell(3.14159), "3.14×");
  assert.equal(speedupCell(1), "1.00×");
  assert.equal(speedupCell(0.5), "0.50× (2× slower)");
  assert.equal(speedupCell(0.98), "0.98× (1.02× slower)");
  assert.equal(speedupCell(0.00076), "0.00076× (1,316× slower)");
});

/** A schema-2 copy of a fixture run with another engine, `factor` times as fast, newer. */
async function withEngine(name: string, engine: string, factor = 1): Promise<ResultsFile> {
  const r = structuredClone(await fixture(name));
  r.schemaVersion = 2;
  r.config.engine = engine;
  for (const run of r.runs) {
    run.engine = engine;
    for (const e of run.epochs) e.trainSeconds /= factor;
  }
  return r;
}

Deno.test("buildComparison divides only figures of one engine across backends", async () => {
  const tfjs = await withEngine("vm-tensorflow", "tfjs");
  const native = await withEngine("vm-tensorflow", "native", 1.25);
  const cpu = await withEngine("vm-cpu", "tfjs");
  const c = buildComparison({
    results: [native, cpu, tfjs].map((results) => ({ results, source: null })),
    backendOrder: BACKEND_NAMES,
  });
  assert.deepEqual(
    c.rows.map((r) => `${r.model} ${r.backend} ${r.engine} ${r.speedup?.toFixed(4)}`),
    [
      `model1 tensorflow tfjs 1.0000`,
      `model1 tensorflow native 1.0000`, // against native on tensorflow: itself
      `model1 cpu tfjs ${
        (imagesPerSecond(cpu, "model1") / imagesPerSecond(tfjs, "model1")).toFixed(4)
      }`,
      `model2 tensorflow tfjs 1.0000`,
      `model2 tensorflow native 1.0000`,
    ],
  );
  // The one figure across engines: native over tfjs on the same backend.
  const nativeRow = c.rows.find((r) => r.model === "model1" && r.engine === "native")!;
  assert.ok(Math.abs(nativeRow.engineSpeedup! - 1.25) < 1e-12, `${nativeRow.engineSpeedup}`);
  assert.equal(c.rows[0].engineSpeedup, null); // tfjs over tfjs is not a figure
  assert.equal(c.rows[2].engineSpeedup, null);
  assert.equal(nativeRow.note, null, "schema-2 rows carry no derived-engine note");
  // Scaling is per engine too.
  assert.deepEqual(c.scaling.map((s) => `${s.engine} ${s.model}`), [
    "tfjs model1",
    "tfjs model2",
    "native model1",
    "native model2",
  ]);

  // Without a tfjs row on tensorflow, the cpu row has no baseline: never native's.
  const alone = buildComparison({
    results: [native, cpu].map((results) => ({ results, source: null })),
  });
  assert.equal(alone.rows.find((r) => r.backend === "cpu")!.speedup, null);

  const md = renderComparison(c);
  assert.match(
    md,
    /^\| vm \| model1 \| `tensorflow` \| `native` \| libtensorflow 2\.21\.0 \(CPU\) \| 1,800 × 2 \| [0-9.]+ \([0-9.–]+, 1 epoch\) \| [0-9]+ \| 1\.00× \| 1\.25× \|/m,
  );
  assert.match(
    md,
    /\| speed-up vs `tensorflow`, same engine \[95% CI\] \| over tfjs, same backend \[95% CI\] \|/,
  );
  assert.equal(nativeRow.engineSpeedupInterval, null, "one steady epoch gives no interval");
  assert.match(md, /Test accuracy was measured on different numbers of images \(500, 8\)/);
});

Deno.test("parseComparison reads a version-1 comparison, naming the engines it can", async () => {
  const c = buildComparison({ results: await recorded(), backendOrder: BACKEND_NAMES });
  const v1 = JSON.parse(JSON.stringify({ ...c, version: 1 }));
  for (const r of v1.rows) {
    delete r.engine;
    delete r.engineSpeedup;
    delete r.inferencePath;
  }
  for (const s of v1.scaling) delete s.engine;
  const read = parseComparison(v1, "old.json");
  assert.equal(read.version, 3);
  assert.deepEqual(read.rows.map((r) => `${r.backend} ${r.engine}`), [
    "tensorflow-gpu unrecorded",
    "tensorflow unrecorded",
    "webgpu tfjs",
    "cpu tfjs",
    "tensorflow unrecorded",
  ]);
  assert.match(read.rows[2].note!, /engine tfjs: from a version-1 comparison$/);
});
