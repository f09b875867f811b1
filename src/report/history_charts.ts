/**
 * The trend charts of `history.html`: one per model and figure, each run's
 * median over the time it ran (x), its 95% interval as a rule, one colour
 * per machine, backend and engine, and a run marked slower or faster than
 * the one before drawn as its own shape.
 *
 * The points are plain values (the history store's series points satisfy
 * {@link TrendPoint}), so this layer needs nothing of the store.
 *
 * @module
 */
import type { TopLevelSpec } from "vega-lite";
import { DESCRIPTION, type HtmlChart, SCHEMA, tip, WIDTH } from "./chart_parts.ts";

/** One figure of one run, as the history store's series give it. */
export interface TrendPoint {
  /** When the run started (ISO). */
  createdAt: string;
  /** The suite's commit, when recorded. */
  gitCommit: string | null;
  /** Machine name. */
  machine: string;
  /** Model name. */
  model: string;
  /** Backend. */
  backend: string;
  /** Engine. */
  engine: string;
  /** The figure's name (`epoch_seconds`, `batch1_ms`, `batched_img_s`, `test_accuracy`). */
  figure: string;
  /** Its median. */
  median: number;
  /** The median's 95% interval, or null. */
  low: number | null;
  /** Its upper bound, or null. */
  high: number | null;
  /** `s`, `ms`, `img/s` or `fraction`. */
  unit: string;
  /** Samples behind the median. */
  n: number;
  /** Whether the run was marked slower or faster than the series' run before it. */
  mark?: "slower" | "faster" | null;
}

/** How a figure is named on a chart, in the order the charts of a model come. */
export const TREND_FIGURES: Record<string, string> = {
  epoch_seconds: "seconds per epoch",
  batch1_ms: "batch-1 latency",
  batched_img_s: "batched inference",
  test_accuracy: "test accuracy",
};

/** The shapes of a point: unmarked, marked slower, marked faster. */
const MARK_SHAPES = {
  domain: ["unmarked", "slower", "faster"],
  range: ["circle", "triangle-up", "triangle-down"],
};

/** Tableau's ten colours, as Vega's `category10` scheme gives them in a legend. */
const PALETTE = [
  "#4c78a8",
  "#f58518",
  "#e45756",
  "#72b7b2",
  "#54a24b",
  "#eeca3b",
  "#b279a2",
  "#ff9da6",
  "#9d755d",
  "#bab0ac",
];

/** A series' name in a legend: its machine, backend and engine. */
export function trendSeries(p: Pick<TrendPoint, "machine" | "backend" | "engine">): string {
  return `${p.machine} / ${p.backend} · ${p.engine}`;
}

function rounded(x: number, unit: string): string {
  return Number(x.toPrecision(unit === "fraction" ? 4 : 3)).toString();
}

/**
 * One chart per model and figure of `points`, models in their first
 * appearance's order and figures in {@link TREND_FIGURES}' order. A series
 * keeps its colour on every chart.
 */
export function trendCharts(points: readonly TrendPoint[]): HtmlChart[] {
  const series = [...new Set(points.map(trendSeries))].sort();
  const colour = (s: string) => PALETTE[series.indexOf(s) % PALETTE.length];
  const models = [...new Set(points.map((p) => p.model))];
  const figures = Object.keys(TREND_FIGURES);
  const charts: HtmlChart[] = [];
  for (const model of models) {
    const own = points.filter((p) => p.model === model);
    const present = [...new Set(own.map((p) => p.figure))].sort((a, b) =>
      (figures.indexOf(a) + 1 || 99) - (figures.indexOf(b) + 1 || 99)
    );
    for (const figure of present) {
      const values = own.filter((p) => p.figure === figure).map(valueOf);
      charts.push(trendChart(charts.length + 1, model, figure, values, colour));
    }
  }
  return charts;
}

function valueOf(p: TrendPoint) {
  const interval = p.low !== null && p.high !== null
    ? ` [${rounded(p.low, p.unit)}–${rounded(p.high, p.unit)}]`
    : "";
  const label = `${rounded(p.median, p.unit)}${interval} ${p.unit}`;
  const series = trendSeries(p);
  const marked = p.mark ?? "unmarked";
  return {
    series,
    time: p.createdAt,
    when: p.createdAt.slice(0, 16).replace("T", " "),
    commit: p.gitCommit?.slice(0, 7) ?? "-",
    median: p.median,
    low: p.low,
    high: p.high,
    unit: p.unit,
    label,
    n: String(p.n),
    marked,
    description: `${series}, ${p.createdAt.slice(0, 16)}: ${label}${
      p.mark ? `, marked ${p.mark}` : ""
    }`,
  };
}

type TrendValue = ReturnType<typeof valueOf>;

/** Long because it is one Vega-Lite specification, layer by layer. */
function trendChart(
  index: number,
  model: string,
  figure: string,
  values: TrendValue[],
  colour: (series: string) => string,
): HtmlChart {
  const own = [...new Set(values.map((v) => v.series))].sort();
  const unit = values[0].unit;
  const words = TREND_FIGURES[figure] ?? figure;
  const x = { field: "time", type: "temporal", title: "run started" } as const;
  // A pure-JS backend's epoch is two orders of magnitude longer than a GPU's.
  const extent = values.flatMap((v) => [v.median, v.low ?? v.median, v.high ?? v.median]);
  const log = Math.min(...extent) > 0 && Math.max(...extent) / Math.min(...extent) > 20;
  const y = {
    field: "median",
    type: "quantitative",
    title: `${words} (${unit}${log ? ", log scale" : ""})`,
    scale: log ? { type: "log" } : { zero: false },
  } as const;
  const color = {
    field: "series",
    type: "nominal",
    title: "machine / backend · engine",
    scale: { domain: own, range: own.map(colour) },
  } as const;
  return {
    id: `trend-${index}`,
    title: `${model}: ${words}`,
    caption: `Each run's median ${words} over the time it started, one line per machine, ` +
      "backend and engine; the vertical rule is the median's 95% bootstrap interval (none with " +
      "too few samples). A run marked slower or faster than the run before it is a triangle.",
    spec: {
      $schema: SCHEMA,
      width: WIDTH,
      height: 220,
      data: { values },
      layer: [
        { mark: { type: "line", opacity: 0.5 }, encoding: { x, y, color } },
        // an interval only where there is one: a layer with no data has no extent
        ...(values.some((v) => v.low !== null)
          ? [{
            transform: [{ filter: "datum.low != null && datum.high != null" }],
            mark: { type: "rule", strokeWidth: 2 },
            encoding: {
              description: DESCRIPTION,
              x,
              y: { field: "low", type: "quantitative" },
              y2: { field: "high" },
              color,
            },
          }]
          : []),
        {
          mark: { type: "point", filled: true, size: 70, opacity: 1 },
          encoding: {
            x,
            y,
            color,
            shape: { field: "marked", type: "nominal", title: "mark", scale: MARK_SHAPES },
            tooltip: [
              tip("series", "series"),
              tip("when", "run started"),
              tip("commit", "commit"),
              tip("label", "median [95%]"),
              tip("n", "samples"),
              tip("marked", "mark"),
            ],
            description: DESCRIPTION,
          },
        },
      ],
    } as TopLevelSpec,
  };
}
