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
 * @module
 */
import type { TopLevelSpec } from "vega-lite";
import type { ComparisonRow } from "../compare/row.ts";
import { isMeasured } from "../measure/measures.ts";
import { fixed, intervalCell, secondsDigits } from "./markdown.ts";

/** One chart of a page. */
export interface HtmlChart {
  /** A short id, unique in the page (`accuracy`, `epoch-seconds`, …). */
  id: string;
  /** The chart's heading. */
  title: string;
  /** What it shows and where its intervals come from. */
  caption: string;
  /** The Vega-Lite specification, its data inline. */
  spec: TopLevelSpec;
}

/** A row and the name it goes by in the charts' legends. */
export interface ChartSeries {
  /** The legend's name, e.g. `tensorflow · native` or `keras, run 2`. */
  series: string;
  /** The row. */
  row: ComparisonRow;
}

/** What {@link htmlCharts} made. */
export interface HtmlCharts {
  /** The charts with data, in page order. */
  charts: HtmlChart[];
  /** The charts left out, each with why. */
  notDrawn: string[];
}

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

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
const WIDTH = 420;

/** The charts for these rows (measured rows only; the others have no figures). */
export function htmlCharts(all: readonly ChartSeries[]): HtmlCharts {
  const rows = all.filter((s) => s.row.status === "measured");
  const order = [...new Set(rows.map((s) => s.series))];
  const charts: HtmlChart[] = [];
  const notDrawn: string[] = [];
  const add = (chart: HtmlChart | string) => {
    if (typeof chart === "string") notDrawn.push(chart);
    else charts.push(chart);
  };
  add(accuracyChart(rows, order));
  add(epochSecondsChart(rows, order));
  add(latencyChart(rows, order));
  add(memoryChart(rows, order));
  add(timeToAccuracyChart(rows, order));
  return { charts, notDrawn };
}

/** A tooltip line: a field of the datum, shown as it is (the labels are rounded already). */
function tip(field: string, title: string) {
  return { field, title, type: "nominal" } as const;
}

function color(order: readonly string[]) {
  return { field: "series", type: "nominal", title: "run", scale: { domain: order } } as const;
}

function rowFacet(models: readonly string[]) {
  return { field: "model", type: "nominal", title: null, sort: models, header: { labelAngle: 0 } };
}

/**
 * One chart per model, stacked, each with its own scales (a model's epoch is
 * seconds, another's a minute) and one colour legend. Concatenated rather
 * than faceted: Vega-Lite cannot give facets of layered or composite marks
 * their own scales.
 */
function perModel<V extends { model: string }>(
  values: readonly V[],
  spec: (values: readonly V[]) => Record<string, unknown>,
) {
  const models = [...new Set(values.map((v) => v.model))];
  return {
    vconcat: models.map((model) => {
      const own = values.filter((v) => v.model === model);
      return {
        title: { text: model, anchor: "start", fontSize: 12 },
        data: { values: own },
        ...spec(own),
      };
    }),
    resolve: { scale: { x: "independent", y: "independent", color: "shared" } },
  };
}

function modelsOf(rows: readonly ChartSeries[]): string[] {
  return [...new Set(rows.map((s) => s.row.model))];
}

function accuracyChart(rows: readonly ChartSeries[], order: readonly string[]): HtmlChart | string {
  const values = rows.flatMap(({ series, row }) =>
    row.accuracyPerEpoch.map((e) => ({
      model: row.model,
      series,
      epoch: e.epoch,
      accuracy: e.accuracy,
      accuracyLabel: `${fixed(e.accuracy * 100, 2)}%`,
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
      facet: { column: rowFacet(modelsOf(rows)) },
      spec: {
        width: 260,
        height: 200,
        mark: { type: "line", point: true },
        encoding: {
          tooltip: [tip("series", "run"), tip("epoch", "epoch"), tip("accuracyLabel", "accuracy")],
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
      ...epochs.map((seconds) => ({ ...base, seconds, secondsLabel: fixed(seconds, digits) })),
      {
        ...base,
        median: s.median,
        ...(s.interval ? { low: s.interval.low, high: s.interval.high } : {}),
        medianLabel: intervalCell(s.median, s.interval, digits),
        epochs: s.n,
      },
    ];
  });
}

function epochSecondsChart(
  rows: readonly ChartSeries[],
  order: readonly string[],
): HtmlChart | string {
  const values = epochSecondsValues(rows);
  if (values.length === 0) return "seconds per epoch: no row recorded an epoch time";
  const y = { field: "series", type: "nominal", title: null, sort: order };
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

function latencyChart(rows: readonly ChartSeries[], order: readonly string[]): HtmlChart | string {
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
      ...perModel(values, () => ({
        width: WIDTH,
        mark: { type: "boxplot", extent: 1.5, tooltip: true },
        encoding: {
          x: {
            field: "ms",
            type: "quantitative",
            title: "milliseconds per call",
            scale: { type: "log" },
          },
          y: { field: "series", type: "nominal", title: null, sort: order },
          color: { ...color(order), legend: null },
        },
      })),
    } as TopLevelSpec,
  };
}

function memoryChart(rows: readonly ChartSeries[], order: readonly string[]): HtmlChart | string {
  const values = rows.flatMap(({ series, row }) => {
    const host = row.measures?.memory.host;
    if (!host || !isMeasured(host)) return [];
    const phases = host.trainingPeakBytes === null
      ? []
      : [{ phase: "training", bytes: host.trainingPeakBytes }];
    if (host.inferencePeakBytes !== null) {
      phases.push({ phase: "inference", bytes: host.inferencePeakBytes });
    }
    return phases.map((p) => ({
      model: row.model,
      series,
      phase: p.phase,
      mib: Math.round(p.bytes / 2 ** 20),
      method: host.method,
    }));
  });
  if (values.length === 0) return "memory: no row measured its resident memory";
  return {
    id: "memory",
    title: "Peak resident memory",
    caption:
      "The process's peak resident set (host RAM) while the model trained and while it was evaluated and timed; the method (VmHWM or ru_maxrss) is in the tooltip.",
    spec: {
      $schema: SCHEMA,
      data: { values },
      facet: { row: rowFacet(modelsOf(rows)) },
      resolve: { scale: { y: "independent" } },
      spec: {
        width: WIDTH,
        mark: { type: "bar", tooltip: true },
        encoding: {
          x: { field: "mib", type: "quantitative", title: "MiB" },
          y: { field: "series", type: "nominal", title: null, sort: order },
          yOffset: { field: "phase", sort: ["training", "inference"] },
          color: { field: "phase", type: "nominal", sort: ["training", "inference"] },
        },
      },
    } as TopLevelSpec,
  };
}

function timeToAccuracyChart(
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
      data: { values },
      facet: { row: rowFacet(modelsOf(rows)) },
      resolve: { scale: { y: "independent" } },
      spec: {
        width: WIDTH,
        mark: { type: "point", filled: true, size: 70 },
        encoding: {
          tooltip: [
            tip("series", "run"),
            tip("target", "validation accuracy"),
            tip("secondsLabel", "training seconds"),
            tip("epoch", "epoch"),
          ],
          x: { field: "seconds", type: "quantitative", title: "training seconds" },
          y: { field: "target", type: "ordinal", title: "validation accuracy" },
          color: color(order),
          shape: { field: "series", type: "nominal", legend: null },
        },
      },
    } as TopLevelSpec,
  };
}
