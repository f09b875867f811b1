/**
 * `history.html`: the history store's board and trends as one
 * self-contained page, drawn as the suite's other pages are
 * (`html.ts`): the board's Markdown (the machines ranked, its first
 * section, opens the page), then a trend chart per model and figure
 * (`history_charts.ts`), then the rest (GPU over CPU within each machine).
 * Every stored string (machine names, CPUs, commits) reaches the page as
 * text: the Markdown's raw HTML is escaped and the charts' data travels as
 * JSON in a data block no string can close.
 *
 * @module
 */
import type { ChartScript } from "./html_assets.ts";
import { renderHtmlPage } from "./html.ts";
import { trendCharts, type TrendPoint } from "./history_charts.ts";

/** What {@link renderHistoryHtml} draws. */
export interface HistoryPageOptions {
  /** The board as Markdown, its first line a `# ` title. */
  markdown: string;
  /** Every figure of every run to chart (a point's `mark` shows as its shape). */
  points: readonly TrendPoint[];
  /** The scripts to inline, from `loadChartScripts`. */
  scripts: readonly ChartScript[];
}

/** Renders `history.html`. */
export function renderHistoryHtml(options: HistoryPageOptions): string {
  const charts = trendCharts(options.points);
  return renderHtmlPage({
    markdown: options.markdown,
    charts,
    notDrawn: charts.length === 0 ? ["trends: the store holds no figures that match"] : [],
    scripts: options.scripts,
  });
}
