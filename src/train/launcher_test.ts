import assert from "node:assert/strict";
import { parseArgs } from "node:util";
import { FIXTURE_CHECKSUMS } from "../data/checksums.ts";
import { MODEL_NAMES } from "../models/spec.ts";
import { describeRun } from "./run_description.ts";
import { parseRunFlags, resolveRun, RUN_FLAGS, type RunFlagValues } from "../cli/_run_options.ts";
import { resumeArgs, runTrainAllChild, trainAllArgs } from "./launcher.ts";

Deno.test("trainAllArgs spells out every value of a run description, in the fields' order", () => {
  const run = describeRun({
    models: ["model1", "model3"],
    epochs: 2,
    backend: "webgpu",
    allowFallback: true,
    data: { fixtures: false, dataDir: "data/fm" },
    trainSize: 64,
    oneDnn: "on",
    machine: "lab-1",
    targetAccuracies: [0.8, 0.9],
    profile: true,
  });
  assert.deepEqual(trainAllArgs(run, { out: "/tmp/run" }), [
    ...["--data-dir", "data/fm", "--models", "model1,model3", "--epochs", "2"],
    ...["--batch-size", "128", "--train-size", "64"],
    ...["--inference-batch", "1024", "--inference-runs", "100", "--target-accuracy", "0.8,0.9"],
    ...["--seed", "42", "--machine", "lab-1"],
    ...["--backend", "webgpu", "--allow-fallback", "--engine", "tfjs", "--onednn", "on"],
    ...["--profile", "--out", "/tmp/run"],
  ]);
  assert.deepEqual(resumeArgs("/tmp/run"), ["--resume", "--out", "/tmp/run"]);
});

Deno.test("runTrainAllChild reports a refused run's exit code and its error line", async () => {
  const out = await runTrainAllChild(["--epochs", "two"]);
  assert.equal(out.code, 2);
  assert.equal(out.lastError, '--epochs: expected a positive integer, got "two"');
});

/** The shared flags of a command line, as train-all parses them. */
function flagsOf(args: string[]) {
  const { values } = parseArgs({ args, options: RUN_FLAGS });
  return parseRunFlags("train-all", values as RunFlagValues, "one");
}

/** A run description as train-all saves it in run.json, on the fixtures. */
function savedRun() {
  return describeRun({
    models: ["model1"],
    epochs: 3,
    backend: "tensorflow",
    engine: "native",
    data: { fixtures: true },
    dataSource: { kind: "fixtures", sha256: { ...FIXTURE_CHECKSUMS } },
    trainSize: 1000,
    validationSize: 200,
    testSize: 500,
    batchSize: 64,
    seed: 0,
    inferenceBatchSize: 256,
    inferenceRuns: 60,
  });
}

const TRAIN_ALL = { models: MODEL_NAMES, epochs: 10 };

Deno.test("trainAllArgs spells out a run description that the flags read back unchanged", () => {
  const saved = { ...savedRun(), oneDnn: "off" as const, machine: "lab-1", profile: true };
  const args = trainAllArgs(saved, { out: "/tmp/run" });
  assert.deepEqual(args.slice(0, 3), ["--fixtures", "--models", "model1"]);
  // train-all's own flags (--backend, --allow-fallback) are read by train-all itself.
  const own = (flag: string) => args[args.indexOf(flag) + 1];
  assert.deepEqual([own("--backend"), own("--onednn")], ["tensorflow", "off"]);
  const shared = args.filter((a, i) => a !== "--backend" && args[i - 1] !== "--backend");
  const flags = flagsOf(shared);
  const run = resolveRun(flags, { defaults: TRAIN_ALL, backend: "tensorflow" });
  const { dataSource: _, ...expected } = saved;
  assert.deepEqual(run, { ...expected, data: { fixtures: true } });
  assert.equal(flags.out, "/tmp/run");
});

Deno.test("trainAllArgs leaves out the sizes a run leaves to its data, and refuses another learning rate", () => {
  const run = {
    ...savedRun(),
    trainSize: undefined,
    validationSize: undefined,
    testSize: undefined,
  };
  const args = trainAllArgs(run);
  for (const flag of ["--train-size", "--validation-size", "--test-size", "--out"]) {
    assert.ok(!args.includes(flag), flag);
  }
  assert.throws(() => trainAllArgs({ ...run, learningRate: 0.01 }), {
    name: "RangeError",
    message: "trainAllArgs: expected the learning rate 0.001 (no flag sets another), got 0.01",
  });
});
