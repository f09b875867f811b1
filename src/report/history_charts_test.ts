import assert from "node:assert/strict";
import { trendCharts, type TrendPoint } from "./history_charts.ts";

function point(
  machine: string,
  figure: string,
  day: number,
  median: number,
  extra: Partial<TrendPoint> = {},
): TrendPoint {
  return {
    createdAt: `2026-12-0${day}T10:00:00.000Z`,
    gitCommit: "1286813abcdef",
    machine,
    model: "model1",
    backend: "tensorflow",
    engine: "tfjs",
    figure,
    median,
    low: null,
    high: null,
    unit: figure === "batch1_ms" ? "ms" : "s",
    n: 1,
    ...extra,
  };
}

// deno-lint-ignore no-explicit-any
const layers = (spec: unknown) => (spec as any).layer as any[];

Deno.test("one trend chart per model and figure, figures in their order, a series keeps its colour", () => {
  const charts = trendCharts([
    point("vm", "batch1_ms", 1, 3.2),
    point("vm", "epoch_seconds", 1, 4.9),
    point("epyc", "epoch_seconds", 2, 2.0, { low: 1.9, high: 2.1, n: 3, mark: "faster" }),
    point("epyc", "batch1_ms", 2, 1.1),
    point("vm", "epoch_seconds", 3, 4.8, { model: "model2" }),
  ]);
  assert.deepEqual(charts.map((c) => [c.id, c.title]), [
    ["trend-1", "model1: seconds per epoch"],
    ["trend-2", "model1: batch-1 latency"],
    ["trend-3", "model2: seconds per epoch"],
  ]);
  const [epochs, , model2] = charts.map((c) => layers(c.spec));
  assert.deepEqual(epochs.map((l) => l.mark.type), ["line", "rule", "point"]);
  assert.deepEqual(
    layers(charts[1].spec).map((l) => l.mark.type),
    ["line", "point"],
    "no interval",
  );
  const colour = (
    ls: { encoding: { color: { scale: { domain: string[]; range: string[] } } } }[],
  ) =>
    Object.fromEntries(ls[0].encoding.color.scale.domain.map((d, i) => [
      d,
      ls[0].encoding.color.scale.range[i],
    ]));
  assert.equal(colour(model2)["vm / tensorflow · tfjs"], colour(epochs)["vm / tensorflow · tfjs"]);
  // deno-lint-ignore no-explicit-any
  const values = (charts[0].spec as any).data.values as Record<string, unknown>[];
  const epyc = values.find((v) => v.series === "epyc / tensorflow · tfjs")!;
  assert.equal(epyc.marked, "faster");
  assert.equal(epyc.label, "2 [1.9–2.1] s");
  assert.equal(epyc.commit, "1286813");
  assert.equal(values.find((v) => v.series === "vm / tensorflow · tfjs")!.marked, "unmarked");
  assert.deepEqual(epochs[2].encoding.shape.scale.domain, ["unmarked", "slower", "faster"]);
});

Deno.test("a trend spanning two orders of magnitude is drawn on a log scale", () => {
  const [chart] = trendCharts([
    point("vm", "epoch_seconds", 1, 183),
    point("h100", "epoch_seconds", 2, 1.13),
  ]);
  const y = layers(chart.spec)[0].encoding.y;
  assert.deepEqual(y.scale, { type: "log" });
  assert.match(y.title, /log scale/);
});
