/**
 * The comparison chart, drawn with Vega-Lite and rendered to SVG by Vega
 * without a browser: seconds per training epoch by model, backend and engine
 * (log scale, since the pure-JS backend is two orders of magnitude slower),
 * each bar labelled with its value, beside accuracy after each epoch for the
 * rows measured on the same number of test images, and, where the rows
 * recorded it, each one's peak resident memory in training. A PNG copy is rasterised
 * from the SVG by resvg.
 *
 * @module
 */
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { Comparison } from "../compare/comparison.ts";
import type { ComparisonRow } from "../compare/row.ts";
import { isMeasured } from "../measure/measures.ts";
import { type ChartSeries, color as runColor, DESCRIPTION, SCHEMA } from "./chart_parts.ts";
import { seriesName, seriesOf } from "./html_charts.ts";
import { fixed } from "./markdown.ts";

/**
 * The Vega-Lite specification of the chart. Seconds per epoch are given for
 * one epoch of the largest training set among the rows; a row trained on
 * fewer images (a short run) is scaled from its images per second, and the
 * subtitle says so. The accuracy panel shows only the rows whose test set
 * has the most common size (the larger on a tie): accuracy on 8 images is
 * not accuracy on 500; the subtitle names the rows left out.
 */
export function comparisonChartSpec(c: Comparison): TopLevelSpec {
  const measured = c.rows.filter((r) => r.status === "measured" && r.imagesPerSecond);
  const multiMachine = new Set(measured.map((r) => r.machine)).size > 1;
  const series = seriesOf(measured);
  const epochImages = Math.max(0, ...measured.map((r) => r.trainSize ?? 0));
  const bars = barValues(series, epochImages);
  const testCount = commonTestCount(measured);
  const comparable = series.filter((s) => s.row.test?.count === testCount);
  const leftOut = measured.filter((r) => r.test?.count !== testCount);
  const memory = memoryValues(series);
  // Series in the rows' order: backends best first, each engine in registry order.
  const order = [...new Set(bars.map((b) => b.series))];
  const color = { ...runColor(order), title: "backend · engine" };
  const scaled = measured.some((r) => r.trainSize !== epochImages);
  const subtitle = [
    `seconds per epoch of ${epochImages.toLocaleString("en-US")} images${
      scaled ? " (short runs scaled from their images/s)" : ""
    }`,
    ...(leftOut.length > 0
      ? [
        `accuracy: rows tested on ${testCount?.toLocaleString("en-US")} images only; left out: ${
          leftOut.map((r) =>
            `${seriesName(r, multiMachine)} ${r.model} (${r.test?.count ?? "no"} test images)`
          ).join(", ")
        }`,
      ]
      : []),
  ];
  return {
    $schema: SCHEMA,
    title: { text: "fmnist-bench: training time and accuracy by backend and engine", subtitle },
    config: { font: "DejaVu Sans, Helvetica, Arial, sans-serif", legend: { labelLimit: 0 } },
    hconcat: [
      // seconds per epoch on a log scale
      barPanel(bars, order, color, {
        field: "seconds",
        type: "quantitative",
        scale: { type: "log" },
        stack: null, // a stacked bar starts at 0, which a log scale cannot show
        title: "seconds per epoch (log scale)",
      }),
      accuracyPanel(accuracyValues(comparable), comparable, color),
      ...(memory.length > 0
        ? [barPanel(memory, order, color, {
          field: "mib",
          type: "quantitative",
          title: "peak resident memory in training (MiB)",
        })]
        : []),
    ],
  } as TopLevelSpec;
}

/** The bars: seconds per epoch of `epochImages` images, from each row's images per second. */
function barValues(measured: readonly ChartSeries[], epochImages: number) {
  return measured.map(({ series, row: r }) => {
    const seconds = epochImages / r.imagesPerSecond!;
    const label = seconds < 10 ? seconds.toFixed(2) : Math.round(seconds).toLocaleString("en-US");
    return {
      model: r.model,
      series,
      seconds,
      label,
      description: `${r.model}, ${series}: ${label} s per epoch`,
      device: r.device ?? "",
    };
  });
}

function accuracyValues(comparable: readonly ChartSeries[]) {
  return comparable.flatMap(({ series, row: r }) =>
    r.accuracyPerEpoch.map((e) => ({
      model: r.model,
      series,
      engine: r.engine,
      epoch: e.epoch,
      accuracy: e.accuracy,
      description: `${r.model}, ${series}, epoch ${e.epoch}: ${
        fixed(e.accuracy * 100, 2)
      }% accuracy`,
    }))
  );
}

/** Each row's peak resident memory in training, where it was measured. */
function memoryValues(measured: readonly ChartSeries[]) {
  return measured.flatMap(({ series, row: r }) => {
    const host = r.measures?.memory.host;
    if (!host || !isMeasured(host) || host.trainingPeakBytes === null) return [];
    const mib = host.trainingPeakBytes / 2 ** 20;
    const label = Math.round(mib).toLocaleString("en-US");
    return [{
      model: r.model,
      series,
      mib,
      label,
      description: `${r.model}, ${series}: ${label} MiB in training`,
    }];
  });
}

/** The second panel: accuracy after each epoch, one line per row, one shape per engine. */
function accuracyPanel(
  lines: { series: string }[],
  comparable: readonly ChartSeries[],
  color: unknown,
): unknown {
  return {
    data: { values: lines },
    // hollow points, one shape per engine: engines that reach the same accuracy both show
    mark: { type: "line", point: { filled: false, size: 80, strokeWidth: 1.5 } },
    width: 320,
    height: 240,
    encoding: {
      x: {
        field: "epoch",
        type: "quantitative",
        title: "epoch",
        axis: { tickMinStep: 1, format: "d" },
      },
      y: {
        field: "accuracy",
        type: "quantitative",
        title: "accuracy after the epoch (validation)",
        scale: { zero: false },
        axis: { format: ".1%" },
      },
      color,
      strokeDash: {
        field: "model",
        type: "nominal",
        title: "model",
        // a line per model in the legend, drawn in black since the colour is the backend's
        legend: {
          symbolType: "stroke",
          symbolSize: 400,
          encode: {
            symbols: { update: { stroke: { value: "black" }, strokeWidth: { value: 2 } } },
          },
        },
      },
      shape: {
        field: "engine",
        type: "nominal",
        title: "engine",
        scale: { domain: [...new Set(comparable.map((s) => s.row.engine))] },
      },
      detail: { field: "series" },
      description: DESCRIPTION,
    },
  };
}

/**
 * A panel of bars by model and series on the axis `y`, each labelled with its
 * value above it: seconds per epoch, and peak resident memory in training.
 */
function barPanel(values: { series: string }[], order: string[], color: unknown, y: unknown) {
  return {
    data: { values },
    width: 320,
    height: 240,
    encoding: {
      x: { field: "model", type: "nominal", title: "model", axis: { labelAngle: 0 } },
      xOffset: { field: "series", sort: order },
      y,
      description: DESCRIPTION,
    },
    layer: [
      { mark: { type: "bar", tooltip: true }, encoding: { color } },
      {
        mark: { type: "text", baseline: "bottom", dy: -2, fontSize: 9 },
        encoding: { text: { field: "label", type: "nominal" } },
      },
    ],
  };
}

/**
 * The test-set size most rows were measured on (the larger on a tie), or
 * `undefined` when no row has a test result.
 */
function commonTestCount(rows: readonly ComparisonRow[]): number | undefined {
  const counts = new Map<number, number>();
  for (const r of rows) if (r.test) counts.set(r.test.count, (counts.get(r.test.count) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]?.[0];
}

/** Renders the comparison chart as a standalone SVG document. */
export async function renderComparisonSvg(c: Comparison): Promise<string> {
  const { spec } = compile(comparisonChartSpec(c));
  const view = new vega.View(vega.parse(spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Rasterises a chart SVG to PNG with resvg (a native addon, loaded on first
 * use), using the system's fonts.
 *
 * @param zoom Scale factor over the SVG's own size. Default 2, for sharp text.
 */
export async function svgToPng(svg: string, zoom = 2): Promise<Uint8Array> {
  const { Resvg } = await import("@resvg/resvg-js");
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: zoom },
    background: "white",
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" },
  });
  return resvg.render().asPng();
}
