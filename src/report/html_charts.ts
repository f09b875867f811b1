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
 * The charts are built in `run_charts.ts` and `measure_charts.ts` from the
 * pieces in `chart_parts.ts`.
 *
 * @module
 */
import type { ComparisonRow } from "../compare/row.ts";
import type { ChartSeries, HtmlChart } from "./chart_parts.ts";
import { accuracyChart, epochSecondsChart } from "./run_charts.ts";
import { latencyChart, memoryChart, timeToAccuracyChart } from "./measure_charts.ts";

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
