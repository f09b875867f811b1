import assert from "node:assert/strict";
import { renderPeer } from "./markdown.ts";
import { nativeRuns, recordedRuns } from "./_testing.ts";
import { summarizePeer } from "./summary.ts";
import { formatRatio } from "../compare/verdict.ts";
import { handMadeProfiles } from "../report/_testing.ts";
import { renderPeerHtml } from "./html.ts";

Deno.test("renderPeer shows both sides and the ratio row", async () => {
  const s = summarizePeer(await recordedRuns(), { ceilingGflops: 100 });
  const md = renderPeer(s, { command: "deno task peer --fixtures" });
  assert.match(md, /\| model1 \| TF\.js `tfjs` \| [0-9.]+ \([0-9.]+–[0-9.]+\) \| [0-9.]+% \|/);
  assert.match(md, /\| model1 \| Keras \| [0-9.]+ \([0-9.]+–[0-9.]+\) \| [0-9.]+% \|/);
  const { ratios } = s.models[0].engines[0];
  const v = ratios.verdicts!.epochSeconds!;
  assert.ok(v.interval.low <= v.ratio && v.ratio <= v.interval.high);
  assert.ok(
    md.includes(`| model1 | \`tfjs\` | ${formatRatio(v.ratio, v.interval)} **${v.verdict}** |`),
    md,
  );
  assert.match(md, /\*\*faster\*\* or \*\*slower\*\* only when all of it lies beyond a 5% band/);
  assert.ok(md.includes("```sh\ndeno task peer --fixtures\n```"));
});

Deno.test("renderPeer puts both TF.js engines beside the same Keras runs", async () => {
  const runs = [...await recordedRuns(), ...await nativeRuns(2)];
  const s = summarizePeer(runs, { ceilingGflops: 100 });
  const [, native] = s.models[0].engines;
  const md = renderPeer(s);
  assert.match(md, /\| model1 \| TF\.js `tfjs` \|/);
  assert.match(md, /\| model1 \| TF\.js `native` \|/);
  assert.match(md, /\| model1 \| Keras \|/);
  const v = native.ratios.verdicts!.epochSeconds!;
  assert.ok(
    md.includes(`| model1 | \`native\` | ${formatRatio(v.ratio, v.interval)} **${v.verdict}** |`),
  );
  assert.match(md, /2 engines: `tfjs`: model\.fit with TF\.js's own gradients/);
  assert.match(md, /`native`: the native training step \(TensorFlow's ops called directly\)/);
});

Deno.test("renderPeer and peer.html set each side's profile side by side, outside the medians", async () => {
  const runs = [...await recordedRuns(), ...await nativeRuns(2)];
  const plain = summarizePeer(runs, { ceilingGflops: 100 });
  assert.ok(!renderPeer(plain).includes("Where the time goes"));
  const profiled = (side: string, repeat: number, engine = "tfjs") =>
    runs.find((r) =>
      r.side === side && r.repeat === repeat &&
      (side === "keras" || r.results.config.engine === engine)
    )!.results.runs[0];
  profiled("tfjs", 1).profile = handMadeProfiles("tfjs");
  profiled("keras", 2).profile = handMadeProfiles("keras");
  const s = summarizePeer(runs, { ceilingGflops: 100 });
  assert.equal(
    s.models[0].engines[0].tfjs.epochSeconds,
    plain.models[0].engines[0].tfjs.epochSeconds,
  );
  assert.equal(s.models[0].engines[1].tfjs.profile, undefined, "the native runs were not profiled");
  const md = renderPeer(s);
  assert.match(md, /^\| kind \| TF\.js tfjs \| Keras \|$/m);
  assert.ok(md.includes("by op, Conv2DBackpropFilter: TF.js tfjs 12.3 ms, Keras 5.1 ms."), md);
  assert.match(md, /Not measured: Keras, batch-1 call: /);
  const page = renderPeerHtml(s, runs, []);
  assert.ok(page.includes('"id":"where-the-time-goes"'));
});
