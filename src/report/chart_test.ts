import assert from "node:assert/strict";
import { join } from "node:path";
import { DOMParser } from "@xmldom/xmldom";
import { BACKEND_NAMES } from "../backends/registry.ts";
import { comparisonChartSpec, renderComparisonSvg } from "./chart.ts";
import { buildComparison, type Comparison } from "../compare/comparison.ts";
import { type ResultsFile, validateResults } from "../results/schema.ts";

const FIXTURES = new URL("../../fixtures/results/", import.meta.url).pathname;

async function fixture(name: string): Promise<ResultsFile> {
  const path = join(FIXTURES, name, "results.json");
  return validateResults(JSON.parse(await Deno.readTextFile(path)), path);
}

function compare(...files: ResultsFile[]): Comparison {
  return buildComparison({
    results: files.map((results) => ({ results, source: null })),
    backendOrder: BACKEND_NAMES,
  });
}

/** The parts of the spec the tests read: the bars, the accuracy points, the legends' domains. */
interface ChartParts {
  title: { text: string; subtitle: string[] };
  hconcat: [
    {
      data: { values: { model: string; series: string; seconds: number; label: string }[] };
      layer: { encoding: { color?: { scale: { domain: string[] } } } }[];
    },
    {
      data: { values: { model: string; series: string; epoch: number; accuracy: number }[] };
      encoding: { shape: { scale: { domain: string[] } } };
    },
  ];
}

function parts(c: Comparison): ChartParts {
  return comparisonChartSpec(c) as unknown as ChartParts;
}

/** Seconds of a run's one steady epoch, scaled to `images` images, from the file itself. */
function scaledSeconds(results: ResultsFile, model: string, images: number): number {
  const epochs = results.runs.find((r) => r.model === model)!.epochs;
  const steady = epochs.length > 1 ? epochs.slice(1) : epochs;
  assert.equal(steady.length, 1, "the fixtures have one steady epoch");
  return steady[0].trainSeconds * images / results.config.trainSize;
}

Deno.test("comparisonChartSpec draws a bar per measured row: seconds per epoch of the largest training set", async () => {
  const [tf, cpu, webgpu, gpuBox] = await Promise.all(
    ["vm-tensorflow", "vm-cpu", "vm-webgpu", "gpu-box-tensorflow-gpu-fell-back"].map(fixture),
  );
  const spec = parts(compare(tf, cpu, webgpu, gpuBox));
  const bars = spec.hconcat[0].data.values;
  // Two machines: every series names its machine, and says when it was no GPU.
  assert.deepEqual(bars.map((b) => `${b.model} ${b.series}`), [
    "model1 gpu-box / tensorflow-gpu · tfjs (fell back to the CPU)",
    "model1 vm / tensorflow · tfjs",
    "model1 vm / webgpu · tfjs (software adapter)",
    "model1 vm / cpu · tfjs",
    "model2 vm / tensorflow · tfjs",
  ]);
  // 1,800 images per epoch; cpu (8 images) and webgpu (256) are scaled from their images/s.
  const expected = [
    scaledSeconds(gpuBox, "model1", 1800),
    scaledSeconds(tf, "model1", 1800),
    scaledSeconds(webgpu, "model1", 1800),
    scaledSeconds(cpu, "model1", 1800),
    scaledSeconds(tf, "model2", 1800),
  ];
  bars.forEach((b, i) =>
    assert.ok(Math.abs(b.seconds - expected[i]) < 1e-9 * expected[i], `${b.seconds} s`)
  );
  // Under 10 s with two decimals; above, whole seconds with thousands separators.
  assert.ok(expected[1] < 10 && expected[3] > 1000 && expected[4] > 10);
  assert.equal(bars[1].label, expected[1].toFixed(2));
  assert.match(bars[3].label, /^\d{1,3}(,\d{3})+$/);
  assert.equal(Number(bars[3].label.replaceAll(",", "")), Math.round(expected[3]));
  assert.equal(bars[4].label, String(Math.round(expected[4])));
  assert.equal(
    spec.title.subtitle[0],
    "seconds per epoch of 1,800 images (short runs scaled from their images/s)",
  );
  // The colours follow the rows' order: backends best first.
  assert.deepEqual(spec.hconcat[0].layer[0].encoding.color!.scale.domain, [
    "gpu-box / tensorflow-gpu · tfjs (fell back to the CPU)",
    "vm / tensorflow · tfjs",
    "vm / webgpu · tfjs (software adapter)",
    "vm / cpu · tfjs",
  ]);
});

Deno.test("comparisonChartSpec plots accuracy only of rows tested on the most common number of images", async () => {
  const [tf, cpu, webgpu, gpuBox] = await Promise.all(
    ["vm-tensorflow", "vm-cpu", "vm-webgpu", "gpu-box-tensorflow-gpu-fell-back"].map(fixture),
  );
  const spec = parts(compare(tf, cpu, webgpu, gpuBox));
  const points = spec.hconcat[1].data.values;
  // Three rows on 500 test images, two epochs each; validation accuracy after each epoch.
  const accuracy = (r: ResultsFile, model: string) =>
    r.runs.find((x) => x.model === model)!.epochs.map((e) => e.valAccuracy);
  assert.deepEqual(
    points.map((p) => `${p.model} ${p.series} ${p.epoch} ${p.accuracy}`),
    [
      ...accuracy(gpuBox, "model1").map((a, i) =>
        `model1 gpu-box / tensorflow-gpu · tfjs (fell back to the CPU) ${i + 1} ${a}`
      ),
      ...accuracy(tf, "model1").map((a, i) => `model1 vm / tensorflow · tfjs ${i + 1} ${a}`),
      ...accuracy(tf, "model2").map((a, i) => `model2 vm / tensorflow · tfjs ${i + 1} ${a}`),
    ],
  );
  assert.equal(
    spec.title.subtitle[1],
    "accuracy: rows tested on 500 images only; left out: " +
      "vm / webgpu · tfjs (software adapter) model1 (100 test images), " +
      "vm / cpu · tfjs model1 (8 test images)",
  );
  assert.equal(spec.title.subtitle.length, 2);
  assert.deepEqual(spec.hconcat[1].encoding.shape.scale.domain, ["tfjs"]);
});

Deno.test("comparisonChartSpec takes the larger test set on a tie", async () => {
  const spec = parts(compare(await fixture("vm-cpu"), await fixture("vm-webgpu")));
  // One machine: no machine in the series names.
  assert.deepEqual(spec.hconcat[1].data.values.map((p) => p.series), [
    "webgpu · tfjs (software adapter)",
  ]);
  assert.deepEqual(spec.title.subtitle, [
    "seconds per epoch of 256 images (short runs scaled from their images/s)",
    "accuracy: rows tested on 100 images only; left out: cpu · tfjs model1 (8 test images)",
  ]);
});

Deno.test("comparisonChartSpec on one machine's full runs: no scaling, no row left out, no bar for a backend that did not run", async () => {
  const tf = await fixture("vm-tensorflow");
  const c = buildComparison({
    results: [{ results: tf, source: null }],
    skipped: [{
      machine: "vm",
      model: "model1",
      backend: "tensorflow-gpu",
      engine: "tfjs",
      status: "unavailable",
      reason: "nvidia-smi not found",
    }],
    backendOrder: BACKEND_NAMES,
  });
  assert.equal(c.rows.length, 3);
  const spec = parts(c);
  assert.deepEqual(spec.hconcat[0].data.values.map((b) => `${b.model} ${b.series}`), [
    "model1 tensorflow · tfjs",
    "model2 tensorflow · tfjs",
  ]);
  assert.deepEqual(spec.title.subtitle, ["seconds per epoch of 1,800 images"]);
  assert.equal(spec.hconcat[1].data.values.length, 4);
});

Deno.test("comparisonChartSpec leaves out of the accuracy panel a row with no test result, naming it", async () => {
  const partial = await fixture("vm-tensorflow");
  partial.runs[1].test = null; // model2 stopped before its test
  partial.runs[1].inference = null;
  const spec = parts(compare(partial));
  assert.equal(spec.hconcat[0].data.values.length, 2, "it still has its bar");
  assert.deepEqual(
    [...new Set(spec.hconcat[1].data.values.map((p) => p.model))],
    ["model1"],
  );
  assert.equal(
    spec.title.subtitle[1],
    "accuracy: rows tested on 500 images only; left out: tensorflow · tfjs model2 (no test images)",
  );
});

Deno.test("renderComparisonSvg draws the title, the subtitle and a bar per measured row", async () => {
  const svg = await renderComparisonSvg(compare(await fixture("vm-tensorflow")));
  const doc = new DOMParser().parseFromString(svg, "image/svg+xml");
  const text = Array.from(doc.getElementsByTagName("text")).map((t) => t.textContent);
  for (
    const label of [
      "fmnist-bench: training time and accuracy by backend and engine",
      "seconds per epoch of 1,800 images",
      "tensorflow · tfjs",
      "seconds per epoch (log scale)",
      "accuracy after the epoch (validation)",
    ]
  ) {
    assert.ok(text.includes(label), `no text ${label}: ${text.join(", ")}`);
  }
  const bars = Array.from(doc.getElementsByTagName("g"))
    .filter((g) => /\bmark-rect\b/.test(g.getAttribute("class") ?? ""))
    .flatMap((g) => Array.from(g.getElementsByTagName("path")));
  assert.equal(bars.length, 2);
});

Deno.test("renderComparisonSvg's marks say their figures rounded as their labels are", async () => {
  const svg = await renderComparisonSvg(
    compare(await fixture("epyc-tensorflow-intervals"), await fixture("h100-webgpu")),
  );
  const labels = [...svg.matchAll(/aria-label="([^"]*)"/g)].map((m) => m[1]);
  const marks = labels.filter((l) => / s per epoch$|% accuracy$|MiB in training$/.test(l));
  assert.ok(marks.length > 0, labels.join("\n"));
  // e.g. "model1, epyc / tensorflow · tfjs: 2.00 s per epoch", never 2.000254815
  for (const l of labels) assert.doesNotMatch(l, /\d\.\d{3,}/);
  const bars = parts(compare(await fixture("epyc-tensorflow-intervals"))).hconcat[0].data.values;
  assert.ok(marks.some((l) => l.endsWith(`: ${bars[0].label} s per epoch`)), marks.join("\n"));
});
