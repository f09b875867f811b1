/**
 * Where the time goes in the pages: report.md and report.html show a
 * profiled run's section and chart and nothing for one that was not;
 * compare.md and compare.html set two engines' profiles side by side.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { buildComparison } from "../compare/comparison.ts";
import { type ResultsFile, validateResults } from "../results/schema.ts";
import { handMadeProfiles } from "./_testing.ts";
import { renderComparison } from "./comparison_markdown.ts";
import { CHART_DATA_ID, renderComparisonHtml, renderReportHtml } from "./html.ts";
import { renderReport } from "./report.ts";

const FIXTURE = join(
  new URL("../../fixtures/results/", import.meta.url).pathname,
  "epyc-tensorflow-intervals",
  "results.json",
);

async function fixture(): Promise<ResultsFile> {
  return validateResults(JSON.parse(await Deno.readTextFile(FIXTURE)), FIXTURE);
}

/** The fixture as the `native` engine's run, the Keras-like hand-made profile as its own. */
async function nativeProfiled(): Promise<ResultsFile> {
  const results = await fixture();
  results.config.engine = "native";
  results.runs[0].engine = "native";
  results.runs[0].profile = handMadeProfiles("keras");
  return results;
}

/** The ids of the charts a page draws. */
function chartIds(page: string): string[] {
  const json = page.match(new RegExp(`id="${CHART_DATA_ID}">(.*?)</script>`, "s"))![1];
  return (JSON.parse(json) as { id: string }[]).map((c) => c.id);
}

Deno.test("report.md and report.html: where the time goes when the run was profiled, and not a word otherwise", async () => {
  const plain = await fixture();
  assert.ok(plain.runs[0].profile === undefined);
  assert.ok(!renderReport(plain).includes("Where the time goes"));
  const plainPage = renderReportHtml(plain, []);
  assert.ok(!chartIds(plainPage).includes("where-the-time-goes"));
  assert.ok(!plainPage.includes("where the time goes"));

  const profiled = await fixture();
  profiled.runs[0].profile = handMadeProfiles("tfjs");
  const md = renderReport(profiled);
  assert.ok(md.indexOf("## Where the time goes") < md.indexOf("## Environment"));
  assert.match(md, /^\| conv grad filter \| 12\.3 ms \(41%\) \|$/m);
  assert.match(md, /never enter the medians/);
  const page = renderReportHtml(profiled, []);
  assert.equal(chartIds(page).at(-1), "where-the-time-goes");
  assert.match(page, /<h2>Where the time goes<\/h2>/);
  assert.match(page, /not in the medians/);
});

Deno.test("compare.md and compare.html set two engines' profiles side by side", async () => {
  const tfjs = await fixture();
  tfjs.runs[0].profile = handMadeProfiles("tfjs");
  const c = buildComparison({
    results: [{ results: tfjs, source: null }, { results: await nativeProfiled(), source: null }],
  });
  assert.equal(c.rows.length, 2);
  const md = renderComparison(c);
  assert.match(md, /^\| kind \| tensorflow · tfjs \| tensorflow · native \|$/m);
  assert.ok(
    md.includes(
      "by op, Conv2DBackpropFilter: tensorflow · tfjs 12.3 ms, tensorflow · native 5.1 ms.",
    ),
    md,
  );
  assert.match(md, /Not measured: tensorflow · native, batch-1 call: /);
  const page = renderComparisonHtml(c, []);
  assert.ok(chartIds(page).includes("where-the-time-goes"));
  const spec = page.match(new RegExp(`id="${CHART_DATA_ID}">(.*?)</script>`, "s"))![1];
  assert.ok(
    spec.includes('"series":"tensorflow · native"') &&
      spec.includes('"series":"tensorflow · tfjs"'),
  );
});
