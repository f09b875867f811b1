/**
 * history.html in a real headless Chromium: made by `deno task history
 * --html` from a store of the recorded results files, it loads from disk
 * with no console error and no request, draws every trend chart, shows the
 * board, and shows a hostile machine name and CPU as text. A page of points
 * marked slower and faster draws each mark.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { browserIgnore, launchBrowser, visitPage } from "./_browser.ts";
import { runCli } from "./_cli.ts";
import { withTempDir } from "../src/_util/testing.ts";
import { loadChartScripts } from "../src/report/html_assets.ts";
import { renderHistoryHtml } from "../src/report/history_html.ts";
import type { TrendPoint } from "../src/report/history_charts.ts";
import { validateResults } from "../src/results/schema.ts";

const FIXTURES = new URL("../fixtures/results/", import.meta.url).pathname;
const EVIL_MACHINE = "</script><img src=x onerror=alert(1)>";
const EVIL_CPU = "</script><script>alert(2)</script>";
/** Vega, Vega-Lite, vega-embed and the page's own. */
const OWN_SCRIPTS = 4;
const COUNT = ["img", "script:not([type])", 'path[aria-label*="marked slower"]'];
const ignore = browserIgnore();

/** A recorded results folder with a hostile machine name and CPU. */
async function writeHostile(dir: string) {
  const path = join(FIXTURES, "vm-tensorflow", "results.json");
  const results = validateResults(JSON.parse(await Deno.readTextFile(path)), path);
  results.env.machine = EVIL_MACHINE;
  results.env.cpu.model = EVIL_CPU;
  await Deno.mkdir(join(dir, "hostile"), { recursive: true });
  await Deno.writeTextFile(join(dir, "hostile", "results.json"), JSON.stringify(results));
}

Deno.test({
  name:
    "history.html from history --html opens clean in Chromium, draws its trends, and shows hostile names as text",
  ignore,
  fn: () =>
    withTempDir(async (dir) => {
      await writeHostile(dir);
      const store = join(dir, "history.sqlite");
      const imported = await runCli(
        "history",
        "--store",
        store,
        "import",
        FIXTURES,
        join(dir, "hostile"),
      );
      assert.equal(imported.code, 0, imported.stderr);
      const page = join(dir, "out", "history.html");
      const made = await runCli("history", "--store", store, "--html", page);
      assert.equal(made.code, 0, made.stderr);

      const marked = join(dir, "marked.html");
      await Deno.writeTextFile(
        marked,
        renderHistoryHtml({
          markdown: "# marked\n",
          points: markedPoints(),
          scripts: await loadChartScripts(),
        }),
      );

      const browser = await launchBrowser();
      try {
        const visit = await visitPage(browser, page, { count: COUNT });
        assert.deepEqual(visit.errors, [], "console errors, exceptions or dialogs");
        assert.deepEqual(visit.requests, [], "requests beyond the page itself");
        assert.equal(visit.chartsState, "ready");
        // model1 has all four figures, model2 and model3 too (h100-webgpu, vm-tensorflow).
        assert.ok(Object.keys(visit.charts).length >= 4, Object.keys(visit.charts).join());
        for (const [id, chart] of Object.entries(visit.charts)) {
          assert.match(id, /^chart-trend-\d+$/);
          assert.equal(chart.state, "drawn", id);
          assert.ok(chart.marks > 0, `${id} drew no marks`);
        }
        assert.equal(visit.counts["img"], 0, "an <img> element");
        assert.equal(visit.counts["script:not([type])"], OWN_SCRIPTS, "scripts not the page's");
        assert.ok(visit.text.includes(EVIL_MACHINE), "the machine name, as text");
        assert.ok(visit.text.includes(EVIL_CPU), "the CPU, as text");
        assert.match(visit.text, /Board of machines: seconds per epoch/);
        assert.match(visit.text, /model1 · webgpu · tfjs/);

        const m = await visitPage(browser, marked, { count: COUNT });
        assert.deepEqual(m.errors, []);
        assert.deepEqual(m.requests, []);
        assert.equal(m.chartsState, "ready");
        assert.equal(m.counts['path[aria-label*="marked slower"]'], 1, "the point marked slower");
      } finally {
        await browser.close();
      }
    }),
});

/** Three runs of one series, the second marked slower and the third faster. */
function markedPoints(): TrendPoint[] {
  const run = (day: number, median: number, mark: TrendPoint["mark"]): TrendPoint => ({
    createdAt: `2026-12-0${day}T10:00:00.000Z`,
    gitCommit: null,
    machine: "epyc",
    model: "model1",
    backend: "tensorflow",
    engine: "tfjs",
    figure: "epoch_seconds",
    median,
    low: median * 0.98,
    high: median * 1.02,
    unit: "s",
    n: 3,
    mark,
  });
  return [run(1, 2.0, null), run(2, 2.6, "slower"), run(3, 2.0, "faster")];
}
