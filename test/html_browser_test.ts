/**
 * The HTML pages in a real headless Chromium: report.html, compare.html (as
 * `deno task merge` writes it) and peer.html load from disk with no console
 * error and no request, draw every chart, and show hostile strings from
 * result files as text. The harness itself is checked too: a broken chart
 * and a page that fetches are caught.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Browser } from "puppeteer-core";
import { browserIgnore, launchBrowser, type PageVisit, visitPage } from "./_browser.ts";
import { runCli } from "./_cli.ts";
import { withTempDir } from "../src/_util/testing.ts";
import { loadChartScripts } from "../src/report/html_assets.ts";
import { renderHtmlPage } from "../src/report/html.ts";
import { renderReportHtml } from "../src/report/html.ts";
import { validateResults } from "../src/results/schema.ts";
import { renderPeerHtml } from "../src/peer/html.ts";
import { summarizePeer } from "../src/peer/summary.ts";
import { recordedRuns } from "../src/peer/_testing.ts";
import { handMadeProfiles } from "../src/report/_testing.ts";

const FIXTURES = new URL("../fixtures/results/", import.meta.url).pathname;
const EVIL_MACHINE = "<img src=x onerror=alert(1)>";
const EVIL_DEVICE = "</script><script>alert(2)</script>";
/** Every executable script of a page: Vega, Vega-Lite, vega-embed and the page's own. */
const OWN_SCRIPTS = 4;
const ignore = browserIgnore();
/** The charts of a run that kept every sample and measure, in page order. */
const ALL_CHARTS = ["accuracy", "epoch-seconds", "batch1-latency", "memory", "time-to-accuracy"];

async function recorded(name: string) {
  const path = join(FIXTURES, name, "results.json");
  return validateResults(JSON.parse(await Deno.readTextFile(path)), path);
}

/** What every page must show: drawn charts, and nothing run, fetched or complained of. */
function assertCleanPage(visit: PageVisit, charts: readonly string[]) {
  assert.deepEqual(visit.errors, [], "console errors, exceptions or dialogs");
  assert.deepEqual(visit.requests, [], "requests beyond the page itself");
  assert.equal(visit.chartsState, "ready");
  assert.deepEqual(Object.keys(visit.charts).sort(), charts.map((c) => `chart-${c}`).sort());
  for (const [id, chart] of Object.entries(visit.charts)) {
    assert.equal(chart.state, "drawn", id);
    assert.ok(chart.marks > 0, `${id} drew no marks`);
  }
  assert.equal(visit.counts["img"], 0, "an <img> element");
  assert.equal(visit.counts["script:not([type])"], OWN_SCRIPTS, "scripts other than the page's");
}

const COUNT = ["img", "script:not([type])"];

async function withBrowser(fn: (browser: Browser, dir: string) => Promise<void>) {
  const browser = await launchBrowser();
  try {
    await withTempDir((dir) => fn(browser, dir));
  } finally {
    await browser.close();
  }
}

Deno.test({
  name:
    "report.html opens in Chromium with no error or request, draws its five charts and where a profiled step's time goes, and shows a hostile machine name as text",
  ignore,
  fn: () =>
    withBrowser(async (browser, dir) => {
      const results = await recorded("epyc-tensorflow-intervals");
      results.env.machine = EVIL_MACHINE;
      results.env.device = EVIL_DEVICE;
      results.runs[0].profile = handMadeProfiles("tfjs");
      const path = join(dir, "report.html");
      await Deno.writeTextFile(
        path,
        renderReportHtml(results, await loadChartScripts(), "deno task train-all"),
      );
      const visit = await visitPage(browser, path, { count: COUNT });
      assertCleanPage(visit, [...ALL_CHARTS, "where-the-time-goes"]);
      assert.ok(visit.text.includes(EVIL_MACHINE), "the machine name, as text");
      assert.ok(visit.text.includes(EVIL_DEVICE), "the device string, as text");
      // The stacked bar's legend names the kinds, the time outside the ops last.
      const svgText = await visitText(browser, path);
      for (const kind of ["conv grad filter", "optimizer", "outside ops (dispatch, framework)"]) {
        assert.ok(svgText.includes(kind), `legend entry ${kind}`);
      }
      assert.ok(visit.text.includes("fmnist-bench results"));
    }),
});

Deno.test({
  name:
    "compare.html from deno task merge of every recorded machine opens clean, with a hostile machine name as text",
  ignore,
  fn: () =>
    withBrowser(async (browser, dir) => {
      const hostile = await recorded("vm-tensorflow");
      hostile.env.machine = EVIL_MACHINE;
      await Deno.mkdir(join(dir, "in", "hostile"), { recursive: true });
      await Deno.writeTextFile(join(dir, "in", "hostile", "results.json"), JSON.stringify(hostile));
      const out = join(dir, "out");
      const { code, stdout, stderr } = await runCli(
        "merge",
        "--out",
        out,
        FIXTURES,
        join(dir, "in"),
      );
      assert.equal(code, 0, stderr);
      assert.match(stdout, /compare\.html/);
      const visit = await visitPage(browser, join(out, "compare.html"), { count: COUNT });
      assertCleanPage(visit, ALL_CHARTS);
      assert.ok(visit.text.includes(EVIL_MACHINE), "the machine name, as text");
      assert.ok(visit.text.includes("fmnist-bench comparison"));
    }),
});

Deno.test({
  name: "peer.html of the recorded TF.js and Keras runs opens clean and names each run",
  ignore,
  fn: () =>
    withBrowser(async (browser, dir) => {
      const runs = await recordedRuns();
      const summary = summarizePeer(runs, { ceilingGflops: 100 });
      const path = join(dir, "peer.html");
      await Deno.writeTextFile(path, renderPeerHtml(summary, runs, await loadChartScripts()));
      const visit = await visitPage(browser, path, { count: COUNT });
      // The recorded peer runs predate the calls' times and the measures.
      assertCleanPage(visit, ["accuracy", "epoch-seconds"]);
      assert.match(visit.text, /Not drawn: batch-1 latency/);
      const svgText = await visitText(browser, path);
      for (
        const series of ["TF.js tfjs, run 1", "TF.js tfjs, run 2", "Keras, run 1", "Keras, run 2"]
      ) {
        assert.ok(svgText.includes(series), `legend entry ${series}`);
      }
    }),
});

/** The text inside the page's charts (legends and axes), once drawn. */
async function visitText(browser: Browser, path: string): Promise<string> {
  const page = await browser.newPage();
  try {
    await page.goto(`file://${path}`);
    await page.waitForFunction('document.body.dataset.charts !== "pending"');
    return await page.evaluate(
      '[...document.querySelectorAll("#charts svg text")].map((t) => t.textContent).join("\\n")',
    ) as string;
  } finally {
    await page.close();
  }
}

Deno.test({
  name: "the harness catches a chart that fails to draw and a page that makes a request",
  ignore,
  fn: () =>
    withBrowser(async (browser, dir) => {
      const broken = join(dir, "broken.html");
      await Deno.writeTextFile(
        broken,
        renderHtmlPage({
          markdown: "# broken\n",
          charts: [{
            id: "bad",
            title: "bad",
            caption: "a spec Vega-Lite cannot compile",
            spec: { data: { values: [{ a: 1 }] }, mark: "no-such-mark" } as never,
          }],
          scripts: await loadChartScripts(),
        }),
      );
      const bad = await visitPage(browser, broken);
      assert.equal(bad.chartsState, "failed");
      assert.ok(
        bad.errors.some((e) => e.includes("a chart could not be drawn")),
        bad.errors.join("\n"),
      );
      assert.equal(bad.charts["chart-bad"].marks, 0);

      const fetching = join(dir, "fetching.html");
      await Deno.writeTextFile(
        fetching,
        '<!doctype html><body data-charts="ready"><img src="http://127.0.0.1:9/x.png"></body>',
      );
      const f = await visitPage(browser, fetching, { timeoutMs: 2000 });
      assert.deepEqual(f.requests, ["http://127.0.0.1:9/x.png"]);
    }),
});
