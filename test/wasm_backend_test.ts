/**
 * `train-all --backend wasm` as a user runs it: tfjs-backend-wasm lacks
 * `Conv2DBackpropFilter`, the suite registers its own, so each model trains,
 * is tested and has its inference timed, and the device says whose kernel it is.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { exists } from "../src/_util/fs.ts";
import { withTempDir } from "../src/_util/testing.ts";
import { isMeasured } from "../src/measure/measures.ts";
import { readResults } from "../src/train/experiment.ts";
import { runCli } from "./_cli.ts";

Deno.test("train-all on wasm trains with the suite's Conv2DBackpropFilter, tests and times inference", async () => {
  await withTempDir(async (dir) => {
    const out = join(dir, "run");
    const { code, stderr } = await runCli(
      "train_all",
      ...["--fixtures", "--backend", "wasm", "--models", "model1", "--epochs", "2"],
      ...["--train-size", "128", "--batch-size", "64", "--test-size", "100"],
      ...["--inference-batch", "64", "--inference-runs", "50", "--out", out],
    );
    assert.equal(code, 0, stderr);
    assert.doesNotMatch(stderr, /not trained/);
    const results = await readResults(out);
    assert.equal(results?.status, "complete");
    assert.match(
      results!.env.device ?? "",
      /^WebAssembly \(tfjs-backend-wasm 4\.22\.0 \+ the suite's Conv2DBackpropFilter\) in Deno: SIMD (on|off), 1 thread$/,
    );
    // The pool in a field too: Deno runs the single-threaded build (no classic workers).
    const simd = / SIMD on,/.test(results!.env.device ?? "");
    assert.deepEqual(results!.env.wasm, { simd, threads: 1, multithread: false });
    assert.equal(results!.config.engine, "tfjs", "stock TF.js's training, with one kernel added");
    const [run] = results!.runs;
    assert.equal(run.notTrained, undefined);
    assert.equal(run.epochs.length, 2);
    assert.ok(run.epochs.every((e) => e.trainSeconds > 0 && Number.isFinite(e.loss)));
    assert.ok(run.test !== null && run.test.accuracy >= 0 && run.test.accuracy <= 1);
    assert.equal(run.inference?.batch1.samplesMs?.length, 50);
    assert.equal(run.inference?.batched.batchSize, 64);
    assert.ok(run.inference!.batch1.p50Ms > 0);
    const host = run.measures!.memory.host;
    assert.ok(isMeasured(host) && host.trainingPeakBytes !== null);
    assert.equal(await exists(join(out, "models", "model1")), true);
    const report = await Deno.readTextFile(join(out, "report.md"));
    assert.ok(!report.includes("was not trained"));
  });
});
