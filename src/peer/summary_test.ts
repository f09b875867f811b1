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
  // The recorded TF.js runs are schema-1 files of stock TF.js: their engine is derived as tfjs.
  assert.deepEqual(s.models[0].engines.map((e) => e.engine), ["tfjs"]);
  const [{ engines: [m], keras }] = s.models;
  const [t1, t2] = steady(runs, "tfjs");
  const [k1, k2] = steady(runs, "keras");
  const median = (a: number, b: number) => (a + b) / 2;
  assert.equal(m.tfjs.runs, 2);
  assert.ok(Math.abs(m.tfjs.epochSeconds - median(t1, t2)) < 1e-12);
  assert.ok(Math.abs(keras.epochSeconds - median(k1, k2)) < 1e-12);
  assert.deepEqual(m.tfjs.epochSecondsRange, [Math.min(t1, t2), Math.max(t1, t2)]);
  assert.ok(Math.abs(keras.noise - Math.abs(k1 - k2) / median(k1, k2)) < 1e-12);
  assert.ok(Math.abs(m.ratios.epochSeconds - median(t1, t2) / median(k1, k2)) < 1e-12);
  assert.equal(s.models[0].flopsPerImage, 31_412_736);
  // 1,800 images per epoch; a training step is three forward passes; ceiling 100 GFLOP/s.
  const ips = 1800 / median(t1, t2);
  assert.ok(Math.abs(m.tfjs.trainingEfficiency - (3 * 31_412_736 * ips) / 1e9 / 100) < 1e-12);
  // Both sides were evaluated on the same 500 test images.
  assert.equal(runs[0].results.runs[0].test!.count, runs[2].results.runs[0].test!.count);
  assert.ok(
    Math.abs(m.accuracyGapPoints - (m.tfjs.testAccuracy - keras.testAccuracy) * 100) < 1e-9,
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
  assert.match(md, /\| model1 \| TF\.js `tfjs` \| [0-9.]+ \([0-9.]+–[0-9.]+\) \| [0-9.]+% \|/);
  assert.match(md, /\| model1 \| Keras \| [0-9.]+ \([0-9.]+–[0-9.]+\) \| [0-9.]+% \|/);
  const ratio = s.models[0].engines[0].ratios.epochSeconds.toFixed(2);
  assert.ok(md.includes(`| model1 | \`tfjs\` | ${ratio}× |`), md);
  assert.ok(md.includes("```sh\ndeno task peer --fixtures\n```"));
});

/** The recorded TF.js runs as the `native` engine's (schema 2), `factor` times as fast. */
async function nativeRuns(factor: number): Promise<PeerRun[]> {
  return (await recordedRuns()).filter((r) => r.side === "tfjs").map((r) => {
    const results = structuredClone(r.results);
    results.schemaVersion = 2;
    Object.assign(results.config, {
      engine: "native",
      trainStep: "native",
      inferencePath: "native",
      nativeGradients: ["Relu", "MaxPool"],
      nativeKernels: ["FusedConv2D"],
    });
    for (const e of results.runs[0].epochs) e.trainSeconds /= factor;
    results.runs[0].engine = "native";
    return { ...r, results };
  });
}

Deno.test("summarizePeer puts both TF.js engines beside the same Keras runs", async () => {
  const runs = [...await recordedRuns(), ...await nativeRuns(2)];
  const s = summarizePeer(runs, { ceilingGflops: 100 });
  const [m] = s.models;
  assert.deepEqual(m.engines.map((e) => e.engine), ["tfjs", "native"]);
  const [tfjs, native] = m.engines;
  assert.ok(Math.abs(native.tfjs.epochSeconds - tfjs.tfjs.epochSeconds / 2) < 1e-12);
  assert.ok(Math.abs(native.ratios.epochSeconds - tfjs.ratios.epochSeconds / 2) < 1e-12);
  assert.deepEqual(s.config.engines.map((e) => [e.engine, e.trainStep, e.nativeGradients]), [
    ["tfjs", "fit", []],
    ["native", "native", ["Relu", "MaxPool"]],
  ]);
  const md = renderPeer(s);
  assert.match(md, /\| model1 \| TF\.js `tfjs` \|/);
  assert.match(md, /\| model1 \| TF\.js `native` \|/);
  assert.match(md, /\| model1 \| Keras \|/);
  assert.ok(md.includes(`| model1 | \`native\` | ${native.ratios.epochSeconds.toFixed(2)}× |`));
  assert.match(md, /2 engines: `tfjs`: model\.fit with TF\.js's own gradients/);
  assert.match(md, /`native`: the native training step \(TensorFlow's ops called directly\)/);
  // An engine missing for one model is named.
  const lopsided = [
    ...runs,
    ...(await recordedRuns()).map((r) => ({ ...r, model: "model2" })),
  ];
  assert.throws(
    () => summarizePeer(lopsided, { ceilingGflops: 100 }),
    new RangeError("summarizePeer: expected tfjs (engine native) runs of model2, got none"),
  );
});
