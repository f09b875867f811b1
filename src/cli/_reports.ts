/**
 * The reports beside a run's `results.json`, as train-all writes them on
 * every backend: `report.md` (after every write of the results) and
 * `report.html` (when a model is done and when the run ends). The page's
 * chart scripts are read once; without them the page is not written and one
 * line says why.
 *
 * @module
 */
import { join } from "node:path";
import { writeFileAtomic } from "../_util/fs.ts";
import { type ChartScript, loadChartScripts } from "../report/html_assets.ts";
import { renderReportHtml } from "../report/html.ts";
import { renderReport } from "../report/report.ts";
import type { ResultsFile } from "../results/schema.ts";

/** A run's report writer. */
export interface RunReports {
  /** Writes `report.md`. */
  markdown(results: ResultsFile): Promise<void>;
  /** Writes `report.html`, where the chart scripts were found. */
  html(results: ResultsFile): Promise<void>;
  /** The lines that name the run's files, as train-all prints them at the end. */
  summary(): string;
}

/** Starts the reports of the run in `outDir`, made by `command`. */
export async function runReports(outDir: string, command: string): Promise<RunReports> {
  const scripts: ChartScript[] | null = await loadChartScripts().catch((err: Error) => {
    console.error(`train-all: report.html is not written: ${err.message.split("\n")[0]}`);
    return null;
  });
  return {
    markdown: (results) =>
      writeFileAtomic(join(outDir, "report.md"), renderReport(results, command)),
    html: async (results) => {
      if (scripts) {
        await writeFileAtomic(
          join(outDir, "report.html"),
          renderReportHtml(results, scripts, command),
        );
      }
    },
    summary: () =>
      `results: ${join(outDir, "results.json")}\nreport:  ${join(outDir, "report.md")}` +
      (scripts ? `\n         ${join(outDir, "report.html")}` : ""),
  };
}
