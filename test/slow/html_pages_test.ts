/**
 * The pages a real run writes, opened in headless Chromium: train-all's
 * report.html, once the run is done, and merge's compare.html of that run,
 * with a hostile machine name given on the command line.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { browserIgnore, launchBrowser, visitPage } from "../_browser.ts";
import { runCli } from "../_cli.ts";
import { withTempDir } from "../../src/_util/testing.ts";

const EVIL = "<img src=x onerror=alert(1)>";
const CHARTS = ["accuracy", "epoch-seconds", "batch1-latency", "memory", "time-to-accuracy"];

Deno.test({
  name:
    "train-all's report.html and merge's compare.html of a real run open in Chromium clean, every chart drawn",
  ignore: browserIgnore(),
  fn: () =>
    withTempDir(async (dir) => {
      const run = join(dir, "run");
      const trained = await runCli(
        "train_all",
        "--fixtures",
        "--models",
        "model1",
        "--epochs",
        "2",
        "--machine",
        EVIL,
        "--out",
        run,
      );
      assert.equal(trained.code, 0, trained.stderr);
      assert.match(trained.stdout, /report\.html/);
      const merged = await runCli("merge", "--out", join(dir, "merged"), run);
      assert.equal(merged.code, 0, merged.stderr);
      const browser = await launchBrowser();
      try {
        for (const page of [join(run, "report.html"), join(dir, "merged", "compare.html")]) {
          const visit = await visitPage(browser, page, { count: ["img"] });
          assert.deepEqual(visit.errors, [], page);
          assert.deepEqual(visit.requests, [], page);
          assert.equal(visit.chartsState, "ready", page);
          assert.deepEqual(Object.keys(visit.charts), CHARTS.map((c) => `chart-${c}`), page);
          for (const [id, c] of Object.entries(visit.charts)) {
            assert.ok(c.state === "drawn" && c.marks > 0, `${page}: ${id} ${JSON.stringify(c)}`);
          }
          assert.equal(visit.counts["img"], 0, page);
          assert.ok(visit.text.includes(EVIL), `${page}: the machine name, as text`);
        }
      } finally {
        await browser.close();
      }
    }),
});
