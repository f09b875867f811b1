/**
 * tfjs-backend-wasm's thread pool in a real headless Chromium, on the
 * suite's isolated page server: the page asks for one thread per logical
 * core, the pool gets them (tfjs-backend-wasm alone would stop at half, and
 * at its 8 workers), products on the pool are right, the page's
 * `navigator.hardwareConcurrency` is the real one again afterwards, and the
 * device it reports (what `env.browser.wasm` records) says the pool's size.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { browserIgnore, launchBrowser } from "./_browser.ts";
import { bundlePage } from "../src/browser/bundle.ts";
import { servePage } from "../src/browser/server.ts";
import type { BrowserJob } from "../src/browser/job_wire.ts";
import type { PageDevice } from "../src/backends/browser_page.ts";

interface PoolFound {
  device: PageDevice;
  poolThreads: number;
  hardwareConcurrency: number;
  productRight: boolean;
}

Deno.test({
  name: "the browser page's WebAssembly pool has one thread per logical core (at most 8)",
  ignore: browserIgnore(),
  fn: async () => {
    const bundle = await bundlePage(
      fileURLToPath(new URL("./_wasm_pool_page.ts", import.meta.url)),
    );
    const server = servePage({
      bundle,
      job: {} as BrowserJob,
      data: new Uint8Array(),
      onEvent: () => undefined,
    });
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(server.url, { waitUntil: "load" });
      await page.waitForFunction("globalThis.WASM_POOL || globalThis.WASM_POOL_ERROR", {
        timeout: 60_000,
      });
      const error = await page.evaluate("globalThis.WASM_POOL_ERROR ?? null");
      assert.equal(error, null);
      const found = await page.evaluate("globalThis.WASM_POOL") as PoolFound;
      const { device } = found;
      assert.equal(device.crossOriginIsolated, true, "COOP/COEP make the page isolated");
      assert.equal(device.wasm?.multithread, true, "the threaded SIMD build loads");
      const expected = Math.min(found.hardwareConcurrency, 8);
      assert.equal(found.poolThreads, expected, JSON.stringify(found));
      assert.equal(device.wasm?.threads, expected);
      assert.match(device.description, new RegExp(`, ${expected} threads?$`));
      assert.equal(found.productRight, true, "a 256×256 product on the pool");
      const real = await page.evaluate(
        "Object.getOwnPropertyDescriptor(navigator, 'hardwareConcurrency') === undefined",
      );
      assert.equal(real, true, "the page's own core count is back once the backend started");
    } finally {
      await browser.close();
      await server.close();
    }
  },
});
