import assert from "node:assert/strict";
import { join } from "node:path";
import { validateResults } from "../results/schema.ts";
import { type PeerRun, renderPeer, summarizePeer } from "./summary.ts";

const FIXTURES = new URL("../../fixtures/peer/", import.meta.url).pathname;

async function recordedRuns(): Promise<PeerRun[]> {
  const runs: PeerRun[] = [];
  for (const side of ["tfjs", "keras"] as const) {
    for (const repeat of [1, 2]) {
      const path = join(FIXTURES, `model1-${side}-${repeat}`, "results.json");
      const results = validateResults(JSON.parse(await Deno.readTextFile(path)), path);
      runs.push({ model: "model1", side, repeat, results });
    }
  }
  return runs;
}

/** The second (steady) epoch's seconds of each run: the fixtures ran 2 epochs. */
function steady(runs: PeerRun[], side: string): number[] {
  return runs.filter((r) => r.side === side).map((r) => r.results.runs[0].epochs[1].trainSeconds);
}

Deno.test("summarizePeer gives each side's median, spread and the TF.js/Keras ratios", async () => {
  const runs = await recordedRuns();
  const s = summarizePeer(runs, { ceilingGflops: 100, now: new Date(0) });
  assert.equal(s.models.length, 1);
  const [m] = s.models;
  const [t1, t2] = steady(runs, "tfjs");
  const [k1, k2] = steady(runs, "keras");
  const median = (a: number, b: number) => (a + b) / 2;
  assert.equal(m.tfjs.runs, 2);
  assert.ok(Math.abs(m.tfjs.epochSeconds - median(t1, t2)) < 1e-12);
  assert.ok(Math.abs(m.keras.epochSeconds - median(k1, k2)) < 1e-12);
  assert.deepEqual(m.tfjs.epochSecondsRange, [Math.min(t1, t2), Math.max(t1, t2)]);
  assert.ok(Math.abs(m.keras.noise - Math.abs(k1 - k2) / median(k1, k2)) < 1e-12);
  assert.ok(Math.abs(m.ratios.epochSeconds - median(t1, t2) / median(k1, k2)) < 1e-12);
  assert.equal(m.flopsPerImage, 31_412_736);
  // 1,800 images per epoch; a training step is three forward passes; ceiling 100 GFLOP/s.
  const ips = 1800 / median(t1, t2);
  assert.ok(Math.abs(m.tfjs.trainingEfficiency - (3 * 31_412_736 * ips) / 1e9 / 100) < 1e-12);
  // Both sides were evaluated on the same 500 test images.
  assert.equal(runs[0].results.runs[0].test!.count, runs[2].results.runs[0].test!.count);
  assert.ok(
    Math.abs(m.accuracyGapPoints - (m.tfjs.testAccuracy - m.keras.testAccuracy) * 100) < 1e-9,
  );
  assert.equal(s.config.trainSize, 1800);
  assert.match(s.machine.keras, /^Keras 3\.15\.1 on TensorFlow 2\.21\.0 \(CPU\)/);
});

Deno.test("summarizePeer refuses a model with runs of one side only", async () => {
  const runs = (await recordedRuns()).filter((r) => r.side === "tfjs");
  assert.throws(
    () => summarizePeer(runs, { ceilingGflops: 100 }),
    new RangeError("summarizePeer: expected keras runs of model1, got none"),
  );
});

Deno.test("renderPeer shows both sides and the ratio row", async () => {
  const s = summarizePeer(await recordedRuns(), { ceilingGflops: 100 });
  const md = renderPeer(s, { command: "deno task peer --fixtures" });
  assert.match(md, /\| model1 \| TF\.js \| [0-9.]+ \([0-9.]+–[0-9.]+\) \| [0-9.]+% \|/);
  assert.match(md, /\| model1 \| Keras \| [0-9.]+ \([0-9.]+–[0-9.]+\) \| [0-9.]+% \|/);
  const ratio = s.models[0].ratios.epochSeconds.toFixed(2);
  assert.ok(md.includes(`| model1 | ${ratio}× |`), md);
  assert.ok(md.includes("```sh\ndeno task peer --fixtures\n```"));
});
