/**
 * The browser backends in a real headless Chromium, as `deno task compare`
 * runs them beside the native backend: WebAssembly (training with the
 * suite's `Conv2DBackpropFilter`, which tfjs-backend-wasm lacks, and saying
 * so), WebGL (a software renderer here, and labelled so) and pure JS, each
 * with the same data, seed and timing rules, in the same results schema.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { browserIgnore, launchBrowser } from "../_browser.ts";
import { runCli } from "../_cli.ts";
import { withTempDir } from "../../src/_util/testing.ts";
import { parseComparison } from "../../src/compare/comparison_files.ts";
import { validateResults } from "../../src/results/schema.ts";

Deno.test({
  name: "compare runs tensorflow beside browser-wasm, browser-webgl and browser-cpu in Chromium",
  ignore: browserIgnore(),
  fn: () =>
    withTempDir(async (dir) => {
      const { code, stderr } = await runCli(
        "compare",
        "--fixtures",
        "--models",
        "model1",
        "--backends",
        "tensorflow,browser-wasm,browser-webgl,browser-cpu",
        "--engines",
        "tfjs",
        "--epochs",
        "1",
        "--short-train-size",
        "32",
        "--test-size",
        "100",
        "--inference-batch",
        "32",
        "--inference-runs",
        "50",
        "--out",
        dir,
      );
      assert.equal(code, 0, stderr);
      const c = parseComparison(JSON.parse(await Deno.readTextFile(join(dir, "compare.json"))));
      assert.deepEqual(
        c.rows.map((r) => [r.backend, r.engine, r.status, r.epochs]),
        [
          ["tensorflow", "tfjs", "measured", 1],
          ["browser-wasm", "tfjs", "measured", 1],
          ["browser-webgl", "tfjs", "measured", 1],
          ["browser-cpu", "tfjs", "measured", 1],
        ],
      );
      const [, wasm, webgl, cpu] = c.rows;
      assert.doesNotMatch(wasm.note ?? "", /not trained/);
      assert.ok(wasm.batch1!.p50Ms > 0 && wasm.batch1!.runs === 50, JSON.stringify(wasm.batch1));
      assert.ok(wasm.batched!.imagesPerSecond > 0);
      for (const row of [wasm, webgl, cpu]) {
        assert.ok(row.secondsPerEpoch!.median > 0, row.backend);
        assert.equal(row.trainSize, 32, row.backend);
        assert.equal(row.test?.count, 32, row.backend);
      }
      const wasmResults = validateResults(
        JSON.parse(
          await Deno.readTextFile(
            join(dir, "runs", "browser-wasm", "tfjs", "model1", "results.json"),
          ),
        ),
      );
      const browser = wasmResults.env.browser!;
      assert.match(browser.version, /Chrome\/\d+/);
      assert.equal(browser.mode, "headless");
      assert.equal(browser.crossOriginIsolated, true, "COOP/COEP make the page isolated");
      assert.equal(browser.wasm?.simd, true);
      assert.equal(browser.wasm?.multithread, true);
      const poolWords = wasmResults.env.device!.match(
        /^WebAssembly \(tfjs-backend-wasm 4\.22\.0 \+ the suite's Conv2DBackpropFilter\): SIMD on, (\d+) threads?/,
      );
      assert.ok(poolWords, wasmResults.env.device!);
      assert.equal(browser.wasm?.threads, Number(poolWords[1]), "the pool's size, in a field too");
      assert.equal(wasmResults.runs[0].notTrained, undefined);
      assert.equal(wasmResults.runs[0].epochs.length, 1);
      const webglResults = validateResults(
        JSON.parse(
          await Deno.readTextFile(
            join(dir, "runs", "browser-webgl", "tfjs", "model1", "results.json"),
          ),
        ),
      );
      const renderer = webglResults.env.browser!.webgl!.renderer;
      assert.ok(renderer.length > 0);
      // These machines have no GPU: Chromium's WebGL is SwiftShader, and the row says so.
      if (/swiftshader|llvmpipe/i.test(renderer)) {
        assert.equal(webgl.softwareAdapter, true);
        assert.equal(webgl.deviceKind, "cpu");
        assert.match(webgl.note!, /software WebGL renderer, not a GPU/);
      }
      const md = await Deno.readTextFile(join(dir, "compare.md"));
      assert.match(md, /\| model1 \| `browser-wasm` \| `tfjs` \|/);
    }),
});

Deno.test({
  name:
    "deno task browser --open serves the page for any browser, writes its results and offers them",
  ignore: browserIgnore(),
  fn: () =>
    withTempDir(async (dir) => {
      const out = join(dir, "open");
      const script = new URL("../../src/cli/browser.ts", import.meta.url).pathname;
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", script, "--fixtures", "--models", "model1", "--epochs", "1"]
          .concat(["--train-size", "32", "--validation-size", "32", "--test-size", "32"])
          .concat(["--inference-batch", "32", "--inference-runs", "50", "--open", "--out", out]),
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const lines = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
      let seen = "";
      let url: string | undefined;
      while (!url) {
        const { value, done } = await lines.read();
        if (done) break;
        seen += value;
        url = seen.match(/train-all: open (http:\/\/127\.0\.0\.1:\d+\/) in the browser/)?.[1];
      }
      assert.ok(url, seen);
      // "Any browser": a plain one, without the switches the headless driver adds.
      const browser = await launchBrowser();
      try {
        const page = await browser.newPage();
        await page.goto(url);
        await page.waitForFunction('document.body.dataset.state !== "running"', {
          timeout: 120_000,
        });
        assert.equal(await page.evaluate("document.body.dataset.state"), "done");
        const offered = JSON.parse(
          await page.evaluate(
            'fetch(document.querySelector("#results a").href).then((r) => r.text())',
          ) as string,
        );
        assert.equal(offered.env.browser.mode, "open");
        assert.equal(offered.env.backend, "browser-wasm");
      } finally {
        await browser.close();
      }
      lines.releaseLock();
      await child.stderr.cancel().catch(() => {});
      const status = await child.status;
      await child.stdout.cancel().catch(() => {});
      assert.equal(status.code, 0);
      const written = validateResults(
        JSON.parse(await Deno.readTextFile(join(out, "results.json"))),
      );
      assert.equal(written.status, "complete");
      assert.equal(written.env.browser?.mode, "open");
      assert.ok(written.runs[0].inference!.batch1.p50Ms > 0);
    }),
});
