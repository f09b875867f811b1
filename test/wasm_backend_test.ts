/**
 * `train-all --backend wasm` as a user runs it: tfjs-backend-wasm cannot
 * train a CNN, so each model's inference is timed on the untrained model and
 * its results say why, with no test accuracy, epochs, training memory or
 * saved model claimed.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { exists } from "../src/_util/fs.ts";
import { withTempDir } from "../src/_util/testing.ts";
import { isMeasured } from "../src/measure/measures.ts";
import { readResults } from "../src/train/experiment.ts";
import { runCli } from "./_cli.ts";

const REASON = "tfjs-backend-wasm 4.22.0 has no Conv2DBackpropFilter kernel: it cannot train a " +
  "CNN; inference is timed on the untrained model";

Deno.test("train-all on wasm times inference only and records why the model was not trained", async () => {
  await withTempDir(async (dir) => {
    const out = join(dir, "run");
    const { code, stderr } = await runCli(
      "train_all",
      ...["--fixtures", "--backend", "wasm", "--models", "model1", "--epochs", "2"],
      ...["--test-size", "100", "--inference-batch", "64", "--inference-runs", "50", "--out", out],
    );
    assert.equal(code, 0, stderr);
    assert.ok(stderr.includes(`train-all: not trained: ${REASON}\n`), stderr);
    const results = await readResults(out);
    assert.equal(results?.status, "complete");
    assert.match(
      results!.env.device ?? "",
      /^WebAssembly \(tfjs-backend-wasm 4\.22\.0\) in Deno: SIMD (on|off), 1 thread$/,
    );
    // The pool in a field too: Deno runs the single-threaded build (no classic workers).
    const simd = / SIMD on,/.test(results!.env.device ?? "");
    assert.deepEqual(results!.env.wasm, { simd, threads: 1, multithread: false });
    const [run] = results!.runs;
    assert.equal(run.notTrained, REASON);
    assert.deepEqual(run.epochs, []);
    assert.equal(run.test, null);
    assert.equal(run.inference?.batch1.samplesMs?.length, 50);
    assert.equal(run.inference?.batched.batchSize, 64);
    assert.ok(run.inference!.batch1.p50Ms > 0);
    const host = run.measures!.memory.host;
    assert.ok(isMeasured(host) && host.trainingPeakBytes === null);
    assert.equal(await exists(join(out, "models")), false);
    const report = await Deno.readTextFile(join(out, "report.md"));
    assert.ok(report.includes(`**model1 was not trained**: ${REASON}.`));
    assert.ok(report.includes("– (not trained)"));
  });
});
