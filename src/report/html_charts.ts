/**
 * The interactive charts of an HTML report, as Vega-Lite specifications
 * built from comparison rows: accuracy after each epoch, seconds per epoch
 * (every steady epoch, the median and its 95% interval), batch-1 latency
 * (every timed call, as a box plot), peak memory, and the training time to
 * each target accuracy. A chart with no data is not drawn, and
 * {@link htmlCharts} says why.
 *
 * Every figure is a row's own: seconds per epoch are of the row's own epoch
 * (its training images are in the tooltip), never scaled to another's. The
 * figures a tooltip or an axis shows are rounded as the Markdown tables
 * round them (`markdown.ts`).
 *
 * The charts are built from the pieces in `chart_parts.ts`.
 *
 * @module
 */
import type { ComparisonRow } from "../compare/row.ts";
import type { TopLevelSpec } from "vega-lite";
import { isMeasured } from "../measure/measures.ts";
import {
  type ChartSeries,
  color,
  DESCRIPTION,
  facetRows,
  type HtmlChart,
  modelFacet,
  perModel,
  runAxis,
  SCHEMA,
  tip,
  WIDTH,
} from "./chart_parts.ts";
import { fixed, intervalCell, secondsDigits } from "./markdown.ts";
import { mib } from "./measures_markdown.ts";

/**
 * A row's name in a legend: its backend and engine, its machine first when
 * the rows come from several, and whether it fell back to the CPU or ran on
 * a software adapter.
 */
export function seriesName(row: ComparisonRow, multiMachine: boolean): string {
  const name = `${multiMachine ? `${row.machine} / ` : ""}${row.backend} · ${row.engine}`;
  if (row.fellBackToCpu) return `${name} (fell back to the CPU)`;
  if (row.softwareAdapter) return `${name} (software adapter)`;
  return name;
}

/** Rows named for the charts: by {@link seriesName}. */
export function seriesOf(rows: readonly ComparisonRow[]): ChartSeries[] {
  const multiMachine = new Set(rows.map((r) => r.machine)).size > 1;
  return rows.map((row) => ({ series: seriesName(row, multiMachine), row }));
}

/**
 * The charts for these rows (measured rows only; the others have no figures):
 * those with data, in page order, and those left out, each with why.
 */
export function htmlCharts(
  all: readonly ChartSeries[],
): { charts: HtmlChart[]; notDrawn: string[] } {
  const rows = all.filter((s) => s.row.status === "measured");
  const order = [...new Set(rows.map((s) => s.series))];
  const made = [accuracyChart, epochSecondsChart, latencyChart, memoryChart, timeToAccuracyChart]
    .map((chart) => chart(rows, order));
  return {
    charts: made.filter((c): c is HtmlChart => typeof c !== "string"),
    notDrawn: made.filter((c): c is string => typeof c === "string"),
  };
}

/** Accuracy after each epoch, one line per run, one chart per model. */
export function accuracyChart(
  rows: readonly ChartSeries[],
  order: readonly string[],
): HtmlChart | string {
  const values = rows.flatMap(({ series, row }) =>
    row.accuracyPerEpoch.map((e) => ({
      model: row.model,
      series,
      epoch: e.epoch,
      accuracy: e.accuracy,
      accuracyLabel: `${fixed(e.accuracy * 100, 2)}%`,
      description: `${series}, epoch ${e.epoch}: ${fixed(e.accuracy * 100, 2)}% accuracy`,
    }))
  );
  if (values.length === 0) return "accuracy curves: no row recorded an accuracy per epoch";
  return {
    id: "accuracy",
    title: "Accuracy after each epoch",
    caption:
      "Validation accuracy after each epoch (training accuracy where the run had no validation split), one line per run.",
    spec: {
      $schema: SCHEMA,
      data: { values },
      facet: { column: modelFacet(rows) },
      spec: {
        width: 260,
        height: 200,
        mark: { type: "line", point: true },
        encoding: {
          tooltip: [tip("series", "run"), tip("epoch", "epoch"), tip("accuracyLabel", "accuracy")],
          description: DESCRIPTION,
          x: { field: "epoch", type: "quantitative", axis: { tickMinStep: 1, format: "d" } },
          y: {
            field: "accuracy",
            type: "quantitative",
            scale: { zero: false },
            axis: { format: ".1%" },
          },
          color: color(order),
        },
      },
    } as TopLevelSpec,
  };
}

/** Every steady epoch of each row, then its median with its interval, each with its label. */
function epochSecondsValues(rows: readonly ChartSeries[]) {
  return rows.flatMap(({ series, row }) => {
    const s = row.secondsPerEpoch;
    if (!s) return [];
    const base = { model: row.model, series, trainImages: row.trainSize };
    const epochs = row.samples?.epochSeconds ?? [];
    const digits = secondsDigits(s.median);
    return [
      ...epochs.map((seconds) => ({
        ...base,
        seconds,
        secondsLabel: fixed(seconds, digits),
        description: `${series}: an epoch of ${fixed(seconds, digits)} s`,
      })),
      {
        ...base,
        median: s.median,
        ...(s.interval ? { low: s.interval.low, high: s.interval.high } : {}),
        medianLabel: intervalCell(s.median, s.interval, digits),
        description: `${series}: median ${intervalCell(s.median, s.interval, digits)} s per epoch`,
        epochs: s.n,
      },
    ];
  });
}

/** Seconds per training epoch: each steady epoch, the median and its 95% interval. */
export function epochSecondsChart(
  rows: readonly ChartSeries[],
  order: readonly string[],
): HtmlChart | string {
  const values = epochSecondsValues(rows);
  if (values.length === 0) return "seconds per epoch: no row recorded an epoch time";
  const y = runAxis(order);
  // The pure-JS backend is two orders of magnitude slower than the native one.
  const seconds = values.map((v) => ("seconds" in v ? v.seconds : v.median));
  const log = Math.max(...seconds) / Math.min(...seconds) > 20;
  return {
    id: "epoch-seconds",
    title: "Seconds per training epoch",
    caption:
      "Each steady epoch (ticks; the first epoch is left out when there are more), the median (dot) and its 95% interval (bar) from a seeded bootstrap over the epochs (none for a single epoch). Each row's own epoch: its training images are in the tooltip.",
    spec: {
      $schema: SCHEMA,
      ...perModel(values, (own) => ({
        width: WIDTH,
        layer: [
          // One data source for every layer (a layer's missing field hides its mark on the
          // other rows): layers filtered apart would break the facets' independent scales.
          {
            mark: { type: "tick", opacity: 0.5 },
            encoding: {
              tooltip: [
                tip("series", "run"),
                tip("secondsLabel", "seconds"),
                tip("trainImages", "training images"),
              ],
              description: DESCRIPTION,
              x: {
                field: "seconds",
                type: "quantitative",
                title: `seconds per epoch${log ? " (log scale)" : ""}`,
                scale: log ? { type: "log" } : { zero: false },
              },
              y,
              color: color(order),
            },
          },
          // an interval only where there is one: a layer with no data has no extent
          ...(own.some((v) => "low" in v)
            ? [{
              mark: { type: "rule", strokeWidth: 2 },
              encoding: {
                description: DESCRIPTION,
                x: { field: "low", type: "quantitative" },
                x2: { field: "high" },
                y,
                color: color(order),
              },
            }]
            : []),
          {
            mark: { type: "point", filled: true, size: 60 },
            encoding: {
              tooltip: [
                tip("series", "run"),
                tip("medianLabel", "median seconds [95% CI]"),
                tip("epochs", "steady epochs"),
                tip("trainImages", "training images"),
              ],
              description: DESCRIPTION,
              x: { field: "median", type: "quantitative" },
              y,
              color: color(order),
            },
          },
        ],
      })),
    } as TopLevelSpec,
  };
}

/** Batch-1 latency: every timed call, as a box plot per run. */
export function latencyChart(
  rows: readonly ChartSeries[],
  order: readonly string[],
): HtmlChart | string {
  const values = rows.flatMap(({ series, row }) =>
    (row.samples?.batch1Ms ?? []).map((ms) => ({ model: row.model, series, ms }))
  );
  if (values.length === 0) {
    return "batch-1 latency: no row kept its calls' times (results before this field, or no inference)";
  }
  const calls = new Set(rows.map((s) => s.row.samples?.batch1Ms?.length ?? 0).filter((n) => n > 0));
  return {
    id: "batch1-latency",
    title: "Batch-1 inference latency",
    caption: `Every timed batch-1 call (${
      [...calls].join(", ")
    } calls a run): the box spans the middle half, the whiskers 1.5 times that past it, and dots the calls beyond. Log scale.`,
    spec: {
      $schema: SCHEMA,
      // the box's quartiles and the outliers in its tooltip, in milliseconds as the tables write them
      config: { numberFormat: ".2f" },
      ...perModel(values, (own) => ({
        width: WIDTH,
        mark: { type: "boxplot", extent: 1.5, tooltip: true },
        encoding: {
          x: {
            field: "ms",
            type: "quantitative",
            title: "milliseconds per call",
            // Given, not left to Vega: a box plot with no call past its whiskers has an empty
            // outlier layer, whose extent Vega reports as infinite in the console.
            scale: {
              type: "log",
              domain: [Math.min(...own.map((v) => v.ms)), Math.max(...own.map((v) => v.ms))],
            },
          },
          y: runAxis(order),
          color: { ...color(order), legend: null },
        },
      })),
    } as TopLevelSpec,
  };
}

/** Peak resident memory in training and in inference. */
export function memoryChart(
  rows: readonly ChartSeries[],
  order: readonly string[],
): HtmlChart | string {
  const values = rows.flatMap(({ series, row }) => {
    const host = row.measures?.memory.host;
    if (!host || !isMeasured(host)) return [];
    const peaks = [
      ["training", host.trainingPeakBytes],
      ["inference", host.inferencePeakBytes],
    ] as const;
    return peaks.flatMap(([phase, bytes]) =>
      bytes === null ? [] : [{
        model: row.model,
        series,
        phase,
        mib: Math.round(bytes / 2 ** 20),
        method: host.method,
        description: `${series}, ${phase}: ${mib(bytes)} (${host.method})`,
      }]
    );
  });
  if (values.length === 0) return "memory: no row measured its resident memory";
  return {
    id: "memory",
    title: "Peak resident memory",
    caption:
      "The process's peak resident set (host RAM) while the model trained and while it was evaluated and timed; the method (VmHWM or ru_maxrss) is in the tooltip.",
    spec: {
      $schema: SCHEMA,
      ...facetRows(values, rows, {
        width: WIDTH,
        mark: { type: "bar", tooltip: true },
        encoding: {
          x: { field: "mib", type: "quantitative", title: "MiB" },
          y: runAxis(order),
          yOffset: { field: "phase", sort: ["training", "inference"] },
          color: { field: "phase", type: "nominal", sort: ["training", "inference"] },
          description: DESCRIPTION,
        },
      }),
    } as TopLevelSpec,
  };
}

/** Training seconds to each target accuracy, naming the targets not reached. */
export function timeToAccuracyChart(
  rows: readonly ChartSeries[],
  order: readonly string[],
): HtmlChart | string {
  const missed: string[] = [];
  const values = rows.flatMap(({ series, row }) =>
    (row.measures?.timeToAccuracy.targets ?? []).flatMap((t) => {
      const target = `${(t.target * 100).toFixed(0)}%`;
      if (t.trainSeconds === null) {
        missed.push(`${series} ${row.model} ${target}`);
        return [];
      }
      return [{
        model: row.model,
        series,
        target,
        seconds: t.trainSeconds,
        secondsLabel: fixed(t.trainSeconds, 1),
        epoch: t.epoch,
        description: `${series}: ${target} after ${fixed(t.trainSeconds, 1)} s of training`,
      }];
    })
  );
  if (values.length === 0) {
    return `time to accuracy: no row reached a target${
      missed.length ? ` (not reached: ${missed.join(", ")})` : ""
    }`;
  }
  return {
    id: "time-to-accuracy",
    title: "Training time to a target accuracy",
    caption:
      `Training seconds (the timed regions) until validation accuracy first reached each target.${
        missed.length ? ` Not reached in the epochs trained: ${missed.join(", ")}.` : ""
      }`,
    spec: {
      $schema: SCHEMA,
      ...facetRows(values, rows, {
        width: WIDTH,
        mark: { type: "point", filled: true, size: 70 },
        encoding: {
          tooltip: [
            tip("series", "run"),
            tip("target", "validation accuracy"),
            tip("secondsLabel", "training seconds"),
            tip("epoch", "epoch"),
          ],
          description: DESCRIPTION,
          x: { field: "seconds", type: "quantitative", title: "training seconds" },
          y: { field: "target", type: "ordinal", title: "validation accuracy" },
          color: color(order),
          shape: { field: "series", type: "nominal", legend: null },
        },
      }),
    } as TopLevelSpec,
  };
}
