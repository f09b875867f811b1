import assert from "node:assert/strict";
import * as vega from "vega";
import * as vegaLite from "vega-lite";
import { htmlCharts, seriesOf } from "./html_charts.ts";
import { rowsFromResults } from "../compare/comparison_rows.ts";
import { buildComparison } from "../compare/comparison.ts";
import { renderComparison } from "./comparison_markdown.ts";
import { validateResults } from "../results/schema.ts";

async function rows(name: string) {
  const path = new URL(`../../fixtures/results/${name}/results.json`, import.meta.url);
  return rowsFromResults(validateResults(JSON.parse(await Deno.readTextFile(path))), name);
}

type Values = { values: Record<string, unknown>[] };

Deno.test("htmlCharts draws all five charts from a run that kept its samples and measures", async () => {
  const r = await rows("epyc-tensorflow-intervals");
  const { charts, notDrawn } = htmlCharts(seriesOf(r));
  assert.deepEqual(charts.map((c) => c.id), [
    "accuracy",
    "epoch-seconds",
    "batch1-latency",
    "memory",
    "time-to-accuracy",
  ]);
  assert.deepEqual(notDrawn, []);
  const epoch = charts[1].spec as unknown as { vconcat: { data: Values }[] };
  const values = epoch.vconcat[0].data.values;
  const row = r[0];
  // every steady epoch, then the median with its interval
  assert.deepEqual(
    values.filter((v) => "seconds" in v).map((v) => v.seconds),
    row.samples!.epochSeconds,
  );
  const median = values.find((v) => "median" in v)!;
  assert.equal(median.median, row.secondsPerEpoch!.median);
  assert.equal(median.low, row.secondsPerEpoch!.interval!.low);
  assert.equal(median.high, row.secondsPerEpoch!.interval!.high);
  const latency = charts[2].spec as unknown as { vconcat: { data: Values }[] };
  assert.equal(latency.vconcat[0].data.values.length, row.samples!.batch1Ms!.length);
  assert.match(charts[2].caption, new RegExp(`\\(${row.samples!.batch1Ms!.length} calls a run\\)`));
});

Deno.test("htmlCharts says which charts it cannot draw from older results, and uses a log scale across backends 20x apart", async () => {
  const near = htmlCharts(seriesOf([...(await rows("vm-tensorflow")), ...(await rows("vm-cpu"))]));
  assert.deepEqual(near.charts.map((c) => c.id), ["accuracy", "epoch-seconds"]);
  assert.deepEqual(near.notDrawn.map((n) => n.split(":")[0]), [
    "batch-1 latency",
    "memory",
    "time to accuracy",
  ]);
  // 4.9 s and 38.9 s: a linear scale; a single epoch has no interval to draw
  assert.doesNotMatch(JSON.stringify(near.charts[1].spec), /"type":"log"|"low"|"type":"rule"/);
  const far = htmlCharts(seriesOf([...(await rows("h100-webgpu")), ...(await rows("vm-cpu"))]));
  assert.match(
    JSON.stringify(far.charts[1].spec),
    /"title":"seconds per epoch \(log scale\)","scale":\{"type":"log"\}/,
  );
});

Deno.test("seriesOf names the machine only when rows come from several, and flags a fallback", async () => {
  const one = seriesOf(await rows("vm-tensorflow"));
  assert.equal(one[0].series, "tensorflow · tfjs");
  const many = seriesOf([
    ...(await rows("vm-tensorflow")),
    ...(await rows("gpu-box-tensorflow-gpu-fell-back")),
  ]);
  assert.equal(many[0].series, "vm / tensorflow · tfjs");
  assert.equal(many.at(-1)!.series, "gpu-box / tensorflow-gpu · tfjs (fell back to the CPU)");
});

Deno.test("htmlCharts' tooltips show the figures rounded as the Markdown tables round them", async () => {
  const r = await rows("epyc-tensorflow-intervals");
  const { charts } = htmlCharts(seriesOf(r));
  type Layer = { encoding: { tooltip?: { field: string }[] } };
  const epoch = charts[1].spec as unknown as { vconcat: { data: Values; layer: Layer[] }[] };
  const values = epoch.vconcat[0].data.values;
  const tick = values.find((v) => "seconds" in v)!;
  assert.notEqual(String(tick.seconds), tick.secondsLabel, "the raw seconds have more digits");
  assert.equal(tick.secondsLabel, (tick.seconds as number).toFixed(2));
  const median = values.find((v) => "median" in v)!;
  const s = r[0].secondsPerEpoch!;
  assert.equal(
    median.medianLabel,
    `${s.median.toFixed(2)} [${s.interval!.low.toFixed(2)}–${s.interval!.high.toFixed(2)}]`,
  );
  // the very cell of compare.md's table
  const md = renderComparison(buildComparison({ results: [], rows: r }));
  assert.ok(md.includes(`| ${median.medianLabel} (`), md);
  // no tooltip names a raw figure: only the labels, the run and counts
  const fields = epoch.vconcat[0].layer.flatMap((l) => l.encoding.tooltip ?? []).map((t) =>
    t.field
  );
  assert.deepEqual([...new Set(fields)].sort(), [
    "epochs",
    "medianLabel",
    "secondsLabel",
    "series",
    "trainImages",
  ]);
  const accuracy = charts[0].spec as unknown as { data: Values };
  assert.match(String(accuracy.data.values[0].accuracyLabel), /^\d+\.\d\d%$/);
  assert.match(JSON.stringify(charts[2].spec), /"config":\{"numberFormat":"\.2f"\}/);
});

Deno.test("htmlCharts describes each mark with its rounded figure, for aria-label", async () => {
  const r = await rows("epyc-tensorflow-intervals");
  const { charts } = htmlCharts(seriesOf(r));
  const json = JSON.stringify(charts.map((c) => c.spec));
  const descriptions = [...json.matchAll(/"description":"([^"]*)"/g)].map((m) => m[1]);
  assert.ok(descriptions.length > r[0].samples!.epochSeconds.length, json.slice(0, 200));
  for (const d of descriptions) assert.doesNotMatch(d, /\d\.\d{3,}/);
  assert.ok(descriptions.some((d) => /: median [\d.]+ \[[\d.]+–[\d.]+\] s per epoch$/.test(d)));
  // every chart but the box plot (whose tooltip and labels the number format rounds) says so
  for (const c of charts.filter((c) => c.id !== "batch1-latency")) {
    assert.match(
      JSON.stringify(c.spec),
      /"description":\{"field":"description","type":"nominal"\}/,
    );
  }
});

Deno.test("the batch-1 box plot runs in Vega without a warning when no call lies past the whiskers", async () => {
  const [row] = await rows("epyc-tensorflow-intervals");
  // 100 calls within 1.5 interquartile ranges of the box: the outlier layer is empty
  const batch1Ms = Array.from({ length: 100 }, (_, i) => 1.4 + 0.05 * Math.sin(i * 12.9898));
  const { charts } = htmlCharts(seriesOf([{ ...row, samples: { ...row.samples!, batch1Ms } }]));
  const latency = charts.find((c) => c.id === "batch1-latency")!;
  const warnings: string[] = [];
  const log = (...a: unknown[]) => void warnings.push(a.join(" "));
  const logger = {
    level: () => logger,
    error: log,
    warn: log,
    info: () => logger,
    debug: () => logger,
  };
  const view = new vega.View(vega.parse(vegaLite.compile(latency.spec).spec), {
    renderer: "none",
    logger: logger as unknown as vega.LoggerInterface,
    logLevel: vega.Warn,
  });
  await view.runAsync();
  assert.deepEqual(warnings, []);
  view.finalize();
});
