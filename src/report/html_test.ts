import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { buildComparison } from "../compare/comparison.ts";
import { validateResults } from "../results/schema.ts";
import {
  CHART_DATA_ID,
  escapeHtml,
  isSafeHref,
  markdownToHtml,
  renderComparisonHtml,
  renderHtmlPage,
  renderReportHtml,
  splitSummary,
} from "./html.ts";
import type { ChartScript } from "./html_assets.ts";

const SCRIPTS: ChartScript[] = [
  { name: "vega", version: "0.0.0", code: "window.vega = {};" },
  { name: "vega-lite", version: "0.0.0", code: "window.vegaLite = {};" },
  { name: "vega-embed", version: "0.0.0", code: "window.vegaEmbed = async () => {};" },
];

Deno.test("markdownToHtml shows raw HTML as text, drops images and keeps only safe links", () => {
  const html = markdownToHtml(
    [
      "| machine | device |",
      "| --- | --- |",
      "| <img src=x onerror=alert(1)> | <script>alert(2)</script> |",
      "",
      "![chart](compare.svg) [docs](docs/usage.md) [site](https://example.org/a) " +
      "[bad](javascript:alert(3)) [also bad](JaVaScRiPt:alert(4)) [data](data:text/html,x)",
    ].join("\n"),
  );
  assert.ok(!/<img|<script/i.test(html), html);
  assert.match(html, /&#60;img src=x onerror=alert\(1\)&#62;/);
  assert.match(html, /&#60;script&#62;alert\(2\)&#60;\/script&#62;/);
  assert.match(html, /<a href="docs\/usage.md">docs<\/a>/);
  assert.match(html, /<a href="https:\/\/example.org\/a">site<\/a>/);
  assert.ok(!/href="(javascript|data)/i.test(html), html);
  assert.match(html, /bad also bad data/);
  assert.match(html, /<table>/);
});

Deno.test("isSafeHref allows relative paths, fragments and https only", () => {
  for (const ok of ["compare.md", "runs/model1/report.md", "#summary", "https://x.org"]) {
    assert.equal(isSafeHref(ok), true, ok);
  }
  for (
    const bad of [
      "javascript:alert(1)",
      "java\tscript:alert(1)",
      "//evil.org/x",
      "http://x.org",
      "file:///etc/passwd",
      "data:,x",
      "vbscript:x",
    ]
  ) {
    assert.equal(isSafeHref(bad), false, bad);
  }
});

Deno.test("escapeHtml escapes the five characters that can end text or an attribute", () => {
  assert.equal(
    escapeHtml(`<a href="x" title='y'>&</a>`),
    "&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;&#60;/a&#62;",
  );
});

Deno.test("renderHtmlPage: a CSP of default-src 'none' naming each script by its hash, and data that cannot close its element", () => {
  const page = renderHtmlPage({
    markdown: "# A <b>title</b>\n\nbody\n",
    charts: [{
      id: "c",
      title: "T",
      caption: "C",
      spec: {
        data: { values: [{ machine: "</script><script>alert(1)</script>" }] },
        mark: "point",
      },
    }],
    notDrawn: ["memory: none <here>"],
    scripts: SCRIPTS,
  });
  const csp = page.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)?.[1];
  assert.ok(csp);
  assert.match(csp, /^default-src &#39;none&#39;; script-src /);
  const inline = [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
  assert.equal(inline.length, 4);
  for (const code of inline) {
    const hash = createHash("sha256").update(code).digest("base64");
    assert.ok(csp.includes(`sha256-${hash}`), `hash of ${code.slice(0, 30)}`);
  }
  assert.deepEqual(inline.slice(0, 3), SCRIPTS.map((s) => s.code));
  const data = page.match(
    new RegExp(`<script type="application/json" id="${CHART_DATA_ID}">(.*?)</script>`),
  )?.[1];
  assert.ok(data && !data.includes("<"));
  assert.equal(
    JSON.parse(data)[0].spec.data.values[0].machine,
    "</script><script>alert(1)</script>",
  );
  assert.match(page, /<title>A &#60;b&#62;title&#60;\/b&#62;<\/title>/);
  assert.match(page, /Not drawn: memory: none &#60;here&#62;\./);
  assert.match(page, /id="chart-c" data-state="pending"/);
});

Deno.test("renderHtmlPage refuses a script that would end its element", () => {
  assert.throws(
    () =>
      renderHtmlPage({
        markdown: "# t\n",
        charts: [],
        scripts: [{ name: "vega", version: "9.9.9", code: "x = '</script>'" }],
      }),
    {
      message:
        `the vega 9.9.9 build holds "</script" or "<!--"; expected a script that can be inlined`,
    },
  );
});

Deno.test("renderHtmlPage opens with the summary table, then the charts, then the rest", () => {
  const page = renderHtmlPage({
    markdown: [
      "# r",
      "",
      "intro",
      "",
      "## Summary",
      "",
      "| a |",
      "| --- |",
      "| 1 |",
      "",
      "```sh",
      "## not a heading",
      "```",
      "",
      "## Details",
      "",
      "more",
    ].join("\n"),
    charts: [{ id: "c", title: "c", caption: "c", spec: {} as never }],
    scripts: SCRIPTS,
  });
  const at = (s: string) => {
    const i = page.indexOf(s);
    assert.ok(i >= 0, s);
    return i;
  };
  assert.ok(at("<p>intro</p>") < at("<h2>Summary</h2>"));
  assert.ok(at("<h2>Summary</h2>") < at("<table>"));
  assert.ok(at("## not a heading") < at('<section id="charts">'));
  assert.ok(at("<table>") < at('<section id="charts">'));
  assert.ok(at('<section id="charts">') < at('id="chart-c"'));
  assert.ok(at('id="chart-c"') < at("<h2>Details</h2>"));
});

Deno.test("splitSummary cuts before the second section, or keeps everything without one", () => {
  assert.deepEqual(splitSummary("a\n## one\nx\n## two\ny"), {
    summary: "a\n## one\nx",
    rest: "## two\ny",
  });
  assert.deepEqual(splitSummary("a\n## one\nx"), { summary: "a\n## one\nx", rest: "" });
});

const FIXTURE = join(
  new URL("../../fixtures/results/", import.meta.url).pathname,
  "epyc-tensorflow-intervals",
  "results.json",
);

/** Where `text` is in `page`, which must hold it. */
function at(page: string, text: string): number {
  const i = page.indexOf(text);
  assert.ok(i >= 0, `${text} in the page`);
  return i;
}

Deno.test("report.html opens with its summary table, then the charts, then the rest", async () => {
  const results = validateResults(JSON.parse(await Deno.readTextFile(FIXTURE)), FIXTURE);
  const page = renderReportHtml(results, []);
  const charts = at(page, '<section id="charts">');
  assert.ok(at(page, "<h2>Summary</h2>") < at(page, "<table>"));
  assert.ok(at(page, "<table>") < charts);
  assert.ok(charts < at(page, 'id="chart-accuracy"'));
  assert.ok(at(page, 'id="chart-time-to-accuracy"') < at(page, "<h2>Memory, cold start"));
  assert.ok(charts < at(page, "<h2>Environment</h2>"));
});

Deno.test("compare.html opens with its table of every row, then the charts", async () => {
  const results = validateResults(JSON.parse(await Deno.readTextFile(FIXTURE)), FIXTURE);
  const page = renderComparisonHtml(buildComparison({ results: [{ results, source: null }] }), []);
  const charts = at(page, '<section id="charts">');
  assert.ok(at(page, "<h2>Training and inference</h2>") < at(page, "<table>"));
  assert.ok(at(page, "<table>") < charts);
  assert.ok(charts < at(page, "<h2>Batch-1 latency</h2>"));
  assert.ok(charts < at(page, "<h2>Machines</h2>"));
});
