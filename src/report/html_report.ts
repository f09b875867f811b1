/**
 * The HTML pages of a run and of a comparison: `report.html` beside
 * `report.md`, `compare.html` beside `compare.md`, each the same Markdown
 * with interactive charts of the same rows (`html.ts`, `html_charts.ts`).
 *
 * @module
 */
import type { Comparison } from "../compare/comparison.ts";
import { rowsFromResults } from "../compare/comparison_rows.ts";
import { renderComparison } from "./comparison_markdown.ts";
import { renderHtmlPage } from "./html.ts";
import type { ChartScript } from "./html_assets.ts";
import { htmlCharts, seriesOf } from "./html_charts.ts";
import { renderReport } from "./report.ts";
import type { ResultsFile } from "../results/schema.ts";

/** `report.html`: {@link renderReport}'s Markdown and the charts of the run's models. */
export function renderReportHtml(
  results: ResultsFile,
  scripts: readonly ChartScript[],
  command?: string,
): string {
  const { charts, notDrawn } = htmlCharts(seriesOf(rowsFromResults(results, null)));
  return renderHtmlPage({ markdown: renderReport(results, command), charts, notDrawn, scripts });
}

/** `compare.html`: {@link renderComparison}'s Markdown and the charts of its rows. */
export function renderComparisonHtml(c: Comparison, scripts: readonly ChartScript[]): string {
  const { charts, notDrawn } = htmlCharts(seriesOf(c.rows));
  return renderHtmlPage({ markdown: renderComparison(c), charts, notDrawn, scripts });
}
