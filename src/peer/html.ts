/**
 * `peer.html`: `peer.md` with interactive charts of every run of both
 * sides (each repeat its own series) and, when they were profiled, where a
 * training step's time goes on each side, drawn in a page that opens from
 * disk with no network (`src/report/html.ts`).
 *
 * @module
 */
import { rowsFromResults } from "../compare/comparison_rows.ts";
import { renderHtmlPage } from "../report/html.ts";
import type { ChartScript } from "../report/html_assets.ts";
import { htmlCharts } from "../report/html_charts.ts";
import { profileChart } from "../report/profile_chart.ts";
import type { ChartSeries } from "../report/chart_parts.ts";
import { peerProfiles, renderPeer } from "./markdown.ts";
import type { PeerSummary } from "./summary.ts";
import type { PeerRun } from "./side_summary.ts";

/** The page of a peer comparison, from its summary and the runs behind it. */
export function renderPeerHtml(
  summary: PeerSummary,
  runs: readonly PeerRun[],
  scripts: readonly ChartScript[],
  options: { command?: string } = {},
): string {
  const repeats = Math.max(1, ...runs.map((r) => r.repeat));
  const series: ChartSeries[] = runs.flatMap((run) =>
    rowsFromResults(run.results, null).map((row) => ({
      series: `${row.engine === "keras" ? "Keras" : `TF.js ${row.engine}`}${
        repeats > 1 ? `, run ${run.repeat}` : ""
      }`,
      row,
    }))
  );
  const { charts, notDrawn } = htmlCharts(series);
  const profiled = profileChart(peerProfiles(summary));
  return renderHtmlPage({
    markdown: renderPeer(summary, options),
    charts: profiled ? [...charts, profiled] : charts,
    notDrawn,
    scripts,
  });
}
