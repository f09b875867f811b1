import assert from "node:assert/strict";
import { htmlCharts, seriesOf } from "./html_charts.ts";
import { rowsFromResults } from "../compare/comparison_rows.ts";
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
