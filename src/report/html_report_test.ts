import assert from "node:assert/strict";
import { join } from "node:path";
import { renderComparisonHtml, renderReportHtml } from "./html_report.ts";
import { buildComparison } from "../compare/comparison.ts";
import { validateResults } from "../results/schema.ts";

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
