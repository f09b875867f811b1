import assert from "node:assert/strict";
import { nativeRuns, recordedRuns } from "./_testing.ts";
import { summarizePeer } from "./summary.ts";
import type { PeerRun } from "./side_summary.ts";

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
