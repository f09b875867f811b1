import assert from "node:assert/strict";
import { CHART_PACKAGES, loadChartScripts } from "./html_assets.ts";

Deno.test("loadChartScripts reads the pinned browser builds of Vega, Vega-Lite and vega-embed", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url)));
  const scripts = await loadChartScripts();
  assert.deepEqual(scripts.map((s) => s.name), [...CHART_PACKAGES]);
  for (const s of scripts) {
    assert.equal(`npm:${s.name}@${s.version}`, config.imports[s.name]);
    assert.ok(s.code.length > 50_000, `${s.name}: ${s.code.length} characters`);
  }
  assert.match(scripts[2].code, /vegaEmbed/);
});

Deno.test("loadChartScripts names the missing package and says to install it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(
      () => loadChartScripts(`file://${dir}/page.js`),
      (err: Error) => {
        assert.equal(
          err.message,
          `the vega package is not installed (no node_modules/vega at or above ${dir}); run deno install`,
        );
        return true;
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
