/**
 * Writing a comparison's files atomically: `compare.json`, `compare.md`,
 * `compare.html` (with interactive charts), `compare.svg` and, where the
 * rasteriser loads, `compare.png`.
 *
 * @module
 */
import { join } from "node:path";
import { renderComparisonSvg, svgToPng } from "./chart.ts";
import type { Comparison } from "../compare/comparison.ts";
import { COMPARISON_FILES } from "../compare/comparison_files.ts";
import { renderComparison } from "./comparison_markdown.ts";
import { loadChartScripts } from "./html_assets.ts";
import { renderComparisonHtml } from "./html.ts";
import { writeFileAtomic, writeJsonAtomic } from "../_util/fs.ts";

/** Where {@link writeComparison} wrote each file. */
export interface ComparisonPaths {
  /** `compare.json`. */
  json: string;
  /** `compare.md`. */
  markdown: string;
  /** `compare.html`, or `null` with the reason it could not be written. */
  html: string | null;
  /** Why there is no HTML page (its chart scripts are not installed). */
  htmlError?: string;
  /** `compare.svg`. */
  chart: string;
  /** `compare.png`, or `null` with the reason it could not be drawn. */
  png: string | null;
  /** Why there is no PNG. */
  pngError?: string;
}

/**
 * Writes `compare.json`, `compare.md`, `compare.html`, `compare.svg` and
 * `compare.png` into `outDir`, each atomically. The PNG and the page are
 * conveniences: when the rasteriser cannot load, or the page's chart
 * scripts are not installed, the rest is still written and `pngError` or
 * `htmlError` says why.
 */
export async function writeComparison(
  outDir: string,
  comparison: Comparison,
): Promise<ComparisonPaths> {
  const paths: ComparisonPaths = {
    json: join(outDir, COMPARISON_FILES.json),
    markdown: join(outDir, COMPARISON_FILES.markdown),
    html: join(outDir, COMPARISON_FILES.html),
    chart: join(outDir, COMPARISON_FILES.chart),
    png: join(outDir, COMPARISON_FILES.png),
  };
  const svg = await renderComparisonSvg(comparison);
  await writeFileAtomic(paths.chart, svg);
  try {
    await writeFileAtomic(paths.png!, await svgToPng(svg));
  } catch (err) {
    paths.png = null;
    paths.pngError = (err as Error).message.split("\n")[0];
  }
  await writeFileAtomic(
    paths.markdown,
    renderComparison(comparison, { chart: COMPARISON_FILES.chart }),
  );
  try {
    await writeFileAtomic(paths.html!, renderComparisonHtml(comparison, await loadChartScripts()));
  } catch (err) {
    paths.html = null;
    paths.htmlError = (err as Error).message.split("\n")[0];
  }
  await writeJsonAtomic(paths.json, comparison);
  return paths;
}
