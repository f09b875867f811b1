import assert from "node:assert/strict";
import { renderPeerHtml } from "./html.ts";
import { recordedRuns } from "./_testing.ts";
import { summarizePeer } from "./summary.ts";

Deno.test("peer.html opens with its summary table, then the charts, then the ratios", async () => {
  const runs = await recordedRuns();
  const page = renderPeerHtml(summarizePeer(runs, { ceilingGflops: 100 }), runs, []);
  const at = (text: string) => {
    const i = page.indexOf(text);
    assert.ok(i >= 0, `${text} in the page`);
    return i;
  };
  const charts = at('<section id="charts">');
  assert.ok(at("<h2>Summary</h2>") < at("<table>"));
  assert.ok(at("<table>") < charts);
  assert.ok(charts < at('id="chart-accuracy"'));
  assert.ok(at('id="chart-epoch-seconds"') < at("<h2>TF.js / Keras</h2>"));
});
