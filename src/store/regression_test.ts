import assert from "node:assert/strict";
import { setupOf } from "../compare/comparison_rows.ts";
import { sampleResults } from "../results/_testing.ts";
import { markSeries, regressions } from "./regression.ts";
import type { SeriesPoint } from "./store.ts";

const SETUP = setupOf(sampleResults());

/** A batch-1 latency point of model1 on day `day` of December 2026 (values as an EPYC gives). */
function point(
  day: number,
  median: number,
  interval: [number, number] | null,
  more: Partial<SeriesPoint> = {},
): SeriesPoint {
  return {
    runId: `run-${day}`,
    createdAt: `2026-12-${String(day).padStart(2, "0")}T10:00:00.000Z`,
    gitCommit: "0123abc",
    machine: "epyc",
    deno: "2.9.6",
    tfjs: "4.22.0",
    tensorflow: "2.21.0",
    status: "complete",
    setup: SETUP,
    deviceKind: "cpu",
    model: "model1",
    backend: "tensorflow",
    engine: "tfjs",
    figure: "batch1_ms",
    median,
    low: interval?.[0] ?? null,
    high: interval?.[1] ?? null,
    unit: "ms",
    n: 100,
    ...more,
  };
}

const IDLE: SeriesPoint[] = [
  point(1, 1.49, [1.44, 1.55]),
  point(2, 1.52, [1.47, 1.58]),
  point(3, 1.47, [1.42, 1.53]),
];

Deno.test("fewer than two earlier runs give no baseline and say so", () => {
  const marked = markSeries(IDLE.slice(0, 2));
  assert.deepEqual(marked.map((p) => [p.mark, p.baseline, p.changePct, p.note]), [
    [null, null, null, "baseline: 0 earlier runs, 2 needed"],
    [null, null, null, "baseline: 1 earlier run, 2 needed"],
  ]);
});

Deno.test("a point whose interval lies wholly above the band of ms is slower, with its change", () => {
  const marked = markSeries([...IDLE, point(4, 2.31, [2.2, 2.45])]);
  const last = marked[3];
  assert.equal(last.mark, "slower");
  // The runs' envelope is 1.42–1.58; the 10% margin around 1.49 reaches 1.341–1.639.
  assert.deepEqual(last.baseline, { median: 1.49, low: 1.49 * 0.9, high: 1.49 * 1.1, runs: 3 });
  assert.ok(Math.abs(last.changePct! - (2.31 - 1.49) / 1.49 * 100) < 1e-9);
  assert.equal(last.note, null);
  assert.equal(marked[2].mark, null, "the third idle run lies inside the first two's band");
});

Deno.test("a point inside the band, or overlapping it, is not marked", () => {
  const inside = markSeries([...IDLE, point(4, 1.5, [1.45, 1.56])])[3];
  assert.equal(inside.mark, null);
  assert.notEqual(inside.baseline, null);
  // Its median is beyond the band, but its interval reaches into it.
  const overlapping = markSeries([...IDLE, point(4, 1.75, [1.6, 1.9])])[3];
  assert.equal(overlapping.mark, null);
  // Beyond the runs' envelope (1.58), within the margin (1.639): the runs' own noise.
  const withinMargin = markSeries([...IDLE, point(4, 1.62, [1.6, 1.635])])[3];
  assert.equal(withinMargin.mark, null);
  assert.equal(
    markSeries([...IDLE, point(4, 1.62, [1.6, 1.635])], { margin: 0 })[3].mark,
    "slower",
  );
});

Deno.test("a point without an interval is never marked; below the band of ms is faster", () => {
  const alone = markSeries([...IDLE, point(4, 1.1, null)])[3];
  assert.equal(alone.mark, null);
  assert.ok(alone.changePct! < 0);
  assert.equal(markSeries([...IDLE, point(4, 1.1, [1.05, 1.15])])[3].mark, "faster");
});

Deno.test("img/s is slower when lower: a throughput below the band is slower, above it faster", () => {
  const img = (day: number, median: number, interval: [number, number]) =>
    point(day, median, interval, { figure: "batched_img_s", unit: "img/s" });
  const base = [img(1, 9800, [9600, 9950]), img(2, 9900, [9700, 10050])];
  const [slow, fast] = [img(3, 7000, [6800, 7200]), img(3, 12000, [11800, 12300])];
  assert.equal(markSeries([...base, slow])[2].mark, "slower");
  assert.equal(markSeries([...base, fast])[2].mark, "faster");
});

Deno.test("test accuracy is never marked", () => {
  const acc = (day: number, median: number) =>
    point(day, median, null, { figure: "test_accuracy", unit: "fraction", n: 500 });
  const marked = markSeries([acc(1, 0.77), acc(2, 0.766), acc(3, 0.5)]);
  assert.equal(marked[2].mark, null);
  assert.notEqual(marked[2].baseline, null);
});

Deno.test("series are split by setup, and a point names what differs from the other setups", () => {
  const small = { ...SETUP, batchSize: 32 };
  const points = [
    ...IDLE,
    point(4, 3.1, [3.0, 3.2], { setup: small }),
    point(5, 3.0, [2.9, 3.1], { setup: small }),
    point(6, 3.05, [2.95, 3.15], { setup: small }),
  ];
  const marked = markSeries(points);
  // Slower than the batch-128 runs, but those are another series: no mark.
  assert.deepEqual(marked.slice(3).map((p) => p.mark), [null, null, null]);
  assert.equal(marked[3].note, "baseline: 0 earlier runs, 2 needed");
  assert.equal(marked[5].baseline?.runs, 2);
  assert.deepEqual(marked[5].differs, ["not compared with 3 earlier runs: batch size 128 → 32"]);
  assert.deepEqual(marked[2].differs, []);
});

Deno.test("each other setup is named once with its runs; equal setups from other objects are alike", () => {
  const points = [
    point(1, 3.1, [3.0, 3.2], { setup: { ...SETUP, batchSize: 32 } }),
    point(2, 1.6, [1.5, 1.7], { setup: { ...SETUP, threads: "intra-op 1, inter-op 1", seed: 7 } }),
    point(3, 3.0, [2.9, 3.1], { setup: { ...SETUP, batchSize: 32 } }),
    ...IDLE.map((p, i) => ({ ...p, createdAt: `2026-12-0${4 + i}T10:00:00.000Z` })),
    point(7, 2.3, [2.2, 2.4], { setup: structuredClone(SETUP) }),
  ];
  const last = markSeries(points)[6];
  assert.equal(last.mark, "slower");
  assert.equal(last.baseline?.runs, 3);
  assert.deepEqual(last.differs, [
    "not compared with 2 earlier runs: batch size 32 → 128",
    "not compared with 1 earlier run: seed 7 → 42, threads intra-op 1, inter-op 1 → intra-op default, inter-op 2",
  ]);
});

Deno.test("other machines, models and figures are other series; order in is order out", () => {
  const other = point(4, 9, [8.9, 9.1], { machine: "vm" });
  const marked = markSeries([other, ...IDLE]);
  assert.equal(marked[0].machine, "vm");
  assert.equal(marked[0].note, "baseline: 0 earlier runs, 2 needed");
  assert.deepEqual(marked[0].differs, []);
});

Deno.test("the baseline takes the last K earlier runs", () => {
  const old = point(1, 5, [4.9, 5.1]);
  const later = [2, 3, 4, 5, 6].map((d) => point(d, 1.5, [1.45, 1.55]));
  const last = markSeries([old, ...later, point(7, 1.52, [1.47, 1.57])], {
    baselineRuns: 5,
    margin: 0,
  })[6];
  assert.deepEqual(last.baseline, { median: 1.5, low: 1.45, high: 1.55, runs: 5 });
});

Deno.test("regressions() picks the newest point of each series, slower by at least PCT percent", () => {
  const slow = point(4, 2.31, [2.2, 2.45]);
  const recovered = point(5, 1.5, [1.45, 1.56]);
  assert.deepEqual(regressions(markSeries([...IDLE, slow]), 10).map((p) => p.runId), ["run-4"]);
  assert.deepEqual(regressions(markSeries([...IDLE, slow]), 60), []);
  assert.deepEqual(regressions(markSeries([...IDLE, slow, recovered]), 10), []);
  // The newest point counts whatever its setup: a new setup starts over.
  const moved = point(5, 3, null, { setup: { ...SETUP, batchSize: 32 } });
  assert.deepEqual(regressions(markSeries([...IDLE, slow, moved]), 10), []);
  // Faster is never a regression.
  assert.deepEqual(regressions(markSeries([...IDLE, point(4, 1.1, [1.0, 1.2])]), 10), []);
});
