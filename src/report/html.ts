/**
 * A report as one self-contained HTML page (`report.html` beside `report.md`,
 * `compare.html` beside `compare.md`): the Markdown report rendered by
 * `marked`, its first section (the summary table) first, then interactive
 * Vega-Lite charts drawn by vega-embed, whose scripts are inlined
 * (`html_assets.ts`), then the rest of the report. The page opens from disk with no
 * network and asks for none: its Content-Security-Policy is
 * `default-src 'none'` and allows only its own scripts, by hash.
 *
 * Results are merged from other people's machines, so nothing from a result
 * file reaches the page as markup: raw HTML in the Markdown is shown as text,
 * images are dropped, links keep only relative, `#` and `https:` targets, and
 * the charts' data travels as JSON in a data block that no string can close.
 *
 * @module
 */
import { Marked, type Tokens } from "marked";
import { createHash } from "node:crypto";
import type { ChartScript } from "./html_assets.ts";
import type { ChartSeries, HtmlChart } from "./chart_parts.ts";
import type { Comparison } from "../compare/comparison.ts";
import { rowsFromResults } from "../compare/comparison_rows.ts";
import { renderComparison } from "./comparison_markdown.ts";
import { htmlCharts, seriesOf } from "./html_charts.ts";
import { profileChart } from "./profile_chart.ts";
import { profilesOfSeries } from "./profile_tables.ts";
import { renderReport } from "./report.ts";
import type { ResultsFile } from "../results/schema.ts";

/** What {@link renderHtmlPage} draws. */
export interface HtmlPageOptions {
  /**
   * The report as Markdown; its first `# ` heading becomes the page's title,
   * and what comes before its second `## ` heading (the summary) opens the page.
   */
  markdown: string;
  /** The charts, drawn after the summary and before the rest of the report, in this order. */
  charts: readonly HtmlChart[];
  /** Charts not drawn, each with why (e.g. "memory: no row recorded it"). */
  notDrawn?: readonly string[];
  /** The scripts to inline, from {@link loadChartScripts}. */
  scripts: readonly ChartScript[];
}

/** The id of the page's data block, which holds the charts' specifications. */
export const CHART_DATA_ID = "fmnist-bench-charts";

/**
 * Draws every chart, then sets `data-charts` on the body to `ready`, or to
 * `failed` with the error on the console. Its text is fixed, so its hash is.
 */
const BOOT_SCRIPT = `(async () => {
  const charts = JSON.parse(document.getElementById(${JSON.stringify(CHART_DATA_ID)}).textContent);
  try {
    for (const chart of charts) {
      const figure = document.getElementById("chart-" + chart.id);
      await vegaEmbed(figure.querySelector(".view"), chart.spec, { renderer: "svg", actions: false, ast: true });
      figure.dataset.state = "drawn";
    }
    document.body.dataset.charts = "ready";
  } catch (err) {
    document.body.dataset.charts = "failed";
    console.error("fmnist-bench: a chart could not be drawn: " + (err && err.message || err));
  }
})();`;

const STYLE = `
:root { color-scheme: light dark; --rule: #8884; }
body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 76rem; padding: 1rem 2rem 4rem; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid var(--rule); }
table { border-collapse: collapse; margin: 1rem 0; font-variant-numeric: tabular-nums; display: block; overflow-x: auto; }
th, td { border: 1px solid var(--rule); padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #8881; }
code { font-size: .9em; } pre { overflow-x: auto; padding: .6rem; background: #8881; }
figure.chart { margin: 1.5rem 0; } figure.chart figcaption { font-size: .9rem; opacity: .8; max-width: 60rem; }
.view { overflow-x: auto; }
`;

/**
 * Renders the page.
 *
 * @throws {Error} When an inlined script holds `</script` or `<!--`, which would end or
 *   confuse its element; the message names the package.
 */
export function renderHtmlPage(options: HtmlPageOptions): string {
  const { title, body } = splitTitle(options.markdown);
  const { summary, rest } = splitSummary(body);
  const scripts = options.scripts.map((s) => {
    if (/<\/script|<!--/i.test(s.code)) {
      throw new Error(
        `the ${s.name} ${s.version} build holds "</script" or "<!--"; expected a script that can be inlined`,
      );
    }
    return s.code;
  });
  const specs = options.charts.map((c) => ({ id: c.id, spec: c.spec }));
  const executable = [...scripts, BOOT_SCRIPT];
  const hashes = executable.map((code) =>
    `'sha256-${createHash("sha256").update(code, "utf8").digest("base64")}'`
  );
  const csp = [
    "default-src 'none'",
    `script-src ${hashes.join(" ")}`,
    // vega-embed and Vega set styles on the elements they draw.
    "style-src 'unsafe-inline'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  const figures = options.charts.map((c) =>
    `<figure class="chart" id="chart-${escapeHtml(c.id)}" data-state="pending">
<h3>${escapeHtml(c.title)}</h3>
<div class="view"></div>
<figcaption>${escapeHtml(c.caption)}</figcaption>
</figure>`
  );
  const notDrawn = options.notDrawn?.length
    ? `<p>Not drawn: ${options.notDrawn.map(escapeHtml).join("; ")}.</p>`
    : "";
  const versions = options.scripts.map((s) => `${s.name} ${s.version}`).join(", ");
  const restHtml = rest.trim() === "" ? "" : `<article>\n${markdownToHtml(rest)}\n</article>\n`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body data-charts="pending">
<h1>${escapeHtml(title)}</h1>
<article id="summary">
${markdownToHtml(summary)}
</article>
<section id="charts">
<h2>Charts</h2>
<p>Interactive: hover a mark for its figures. Drawn in this page by ${escapeHtml(versions)}.</p>
${figures.join("\n")}
${notDrawn}
</section>
${restHtml}<script type="application/json" id="${CHART_DATA_ID}">${jsonForScript(specs)}</script>
${executable.map((code) => `<script>${code}</script>`).join("\n")}
</body>
</html>
`;
}

/**
 * A report's body cut before its second `## ` heading (outside code fences):
 * the introduction and the first section, which holds the summary table, and
 * the rest; all of it is the summary when it has fewer sections.
 */
export function splitSummary(body: string): { summary: string; rest: string } {
  const lines = body.split("\n");
  let fenced = false;
  let sections = 0;
  for (const [i, line] of lines.entries()) {
    if (/^(```|~~~)/.test(line)) fenced = !fenced;
    if (fenced || !/^## /.test(line)) continue;
    if (++sections === 2) {
      return { summary: lines.slice(0, i).join("\n"), rest: lines.slice(i).join("\n") };
    }
  }
  return { summary: body, rest: "" };
}

/**
 * Markdown as HTML with nothing from it able to run or load: raw HTML is
 * escaped to text, images are dropped (their alt text kept), and a link
 * keeps its target only when it is relative, a `#` fragment or `https:`.
 */
export function markdownToHtml(markdown: string): string {
  const marked = new Marked({
    gfm: true,
    async: false,
    renderer: {
      html: ({ text }: Tokens.HTML | Tokens.Tag) => escapeHtml(text),
      image: ({ text }: Tokens.Image) => escapeHtml(text),
      link(
        this: { parser: { parseInline(tokens: Tokens.Generic[]): string } },
        token: Tokens.Link,
      ) {
        const inner = this.parser.parseInline(token.tokens);
        if (!isSafeHref(token.href)) return inner;
        const title = token.title ? ` title="${escapeHtml(token.title)}"` : "";
        return `<a href="${escapeHtml(token.href)}"${title}>${inner}</a>`;
      },
    },
  });
  return marked.parse(markdown) as string;
}

/** A link target the page may keep: relative (no scheme, not `//host`), a fragment, or `https:`. */
export function isSafeHref(href: string): boolean {
  const h = href.trim();
  if (h.startsWith("//")) return false;
  if (/^https:\/\//i.test(h)) return true;
  // A browser drops tabs and newlines from a URL, so "java\tscript:" would be a scheme.
  const hasControl = [...h].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
  return !hasControl && !/^[a-z][a-z0-9+.-]*:/i.test(h);
}

/** `s` with `&`, `<`, `>`, `"` and `'` as character references. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that can sit inside a `<script>` element: no `<` can start a closing tag. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** The first line's `# ` heading as the title, and the rest. */
function splitTitle(markdown: string): { title: string; body: string } {
  const m = markdown.match(/^# (.+)\n/);
  return m
    ? { title: m[1].trim(), body: markdown.slice(m[0].length) }
    : { title: "fmnist-bench", body: markdown };
}

/** `report.html`: {@link renderReport}'s Markdown and the charts of the run's models. */
export function renderReportHtml(
  results: ResultsFile,
  scripts: readonly ChartScript[],
  command?: string,
): string {
  const charts = chartsWithProfiles(seriesOf(rowsFromResults(results, null)));
  return renderHtmlPage({ markdown: renderReport(results, command), ...charts, scripts });
}

/** `compare.html`: {@link renderComparison}'s Markdown and the charts of its rows. */
export function renderComparisonHtml(c: Comparison, scripts: readonly ChartScript[]): string {
  const charts = chartsWithProfiles(seriesOf(c.rows));
  return renderHtmlPage({ markdown: renderComparison(c), ...charts, scripts });
}

/**
 * {@link htmlCharts} of the rows, and after them where a training step's
 * time goes when any measured row was profiled (no word when none was).
 */
export function chartsWithProfiles(
  series: readonly ChartSeries[],
): { charts: HtmlChart[]; notDrawn: string[] } {
  const { charts, notDrawn } = htmlCharts(series);
  const profiled = profileChart(
    profilesOfSeries(series.filter((s) => s.row.status === "measured")),
  );
  return { charts: profiled ? [...charts, profiled] : charts, notDrawn };
}
