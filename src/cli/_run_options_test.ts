import assert from "node:assert/strict";
import { parseArgs } from "node:util";
import { oneDnnState } from "../backends/onednn.ts";
import { FIXTURE_CHECKSUMS } from "../data/checksums.ts";
import { MODEL_NAMES } from "../models/spec.ts";
import type { RunConfig } from "../results/schema.ts";
import { RUN_DEFAULTS, type RunDescription } from "../train/run_description.ts";
import { checkResumeOneDnn, describeSavedConfig } from "../train/resume.ts";
import {
  parseModelList,
  parseRunFlags,
  parseSeed,
  parseTargetAccuracies,
  resolveRun,
  RUN_FLAGS,
  type RunFlagValues,
  type TaskDefaults,
} from "./_run_options.ts";

const TRAIN_ALL: TaskDefaults = { models: MODEL_NAMES, epochs: 10 };
const PEER: TaskDefaults = { models: ["model1"], epochs: 3 };

/** The shared flags of a command line, as a task parses them. */
function flagsOf(args: string[], arity: "one" | "list" = "one") {
  const { values } = parseArgs({
    args,
    options: { ...RUN_FLAGS, engines: { type: "string" } },
  });
  return parseRunFlags("train-all", values as RunFlagValues, arity);
}

/** A run description as train-all saves it in run.json, on the fixtures. */
function savedRun(): RunDescription {
  return describeSavedConfig(savedConfig());
}

/** A configuration as train-all records it, on the fixtures. */
function savedConfig(): RunConfig {
  return {
    models: ["model1"],
    epochs: 3,
    batchSize: 64,
    trainSize: 1000,
    validationSize: 200,
    testSize: 500,
    backend: "tensorflow",
    seed: 0,
    learningRate: 1e-3,
    data: "fixtures: fixtures/fashion-mnist",
    dataSource: { kind: "fixtures", sha256: { ...FIXTURE_CHECKSUMS } },
    inferenceBatchSize: 256,
    inferenceRuns: 60,
    engine: "native",
  };
}

Deno.test("a fresh run takes the task's defaults where no flag is given", () => {
  const run = resolveRun(flagsOf([]), { defaults: TRAIN_ALL });
  assert.deepEqual(run.models, [...MODEL_NAMES]);
  assert.equal(run.epochs, 10);
  assert.equal(run.batchSize, RUN_DEFAULTS.batchSize);
  assert.equal(run.seed, 42);
  assert.equal(run.learningRate, 1e-3);
  assert.equal(run.inferenceBatchSize, 1024);
  assert.equal(run.inferenceRuns, 100);
  assert.equal(run.engine, "tfjs");
  assert.equal(run.backend, undefined);
  assert.deepEqual(run.data, { fixtures: false });
  assert.equal(run.trainSize, undefined);
  assert.deepEqual(resolveRun(flagsOf([]), { defaults: PEER }).models, ["model1"]);
  assert.equal(resolveRun(flagsOf([]), { defaults: PEER }).epochs, 3);
});

Deno.test("a fresh run takes every flag, seed 0 included", () => {
  const run = resolveRun(
    flagsOf([
      "--models=model2,model1",
      "--epochs=2",
      "--batch-size=32",
      "--train-size=500",
      "--validation-size=100",
      "--test-size=50",
      "--inference-batch=64",
      "--inference-runs=50",
      "--seed=0",
      "--engine=native",
      "--fixtures",
    ]),
    { defaults: TRAIN_ALL, backend: "tensorflow" },
  );
  assert.deepEqual(
    [run.models, run.epochs, run.batchSize, run.trainSize, run.validationSize, run.testSize],
    [["model2", "model1"], 2, 32, 500, 100, 50],
  );
  assert.deepEqual([run.inferenceBatchSize, run.inferenceRuns, run.seed], [64, 50, 0]);
  assert.equal(run.engine, "native");
  assert.equal(run.backend, "tensorflow");
  assert.deepEqual(run.data, { fixtures: true });
});

Deno.test("a resumed run takes its saved description and data, and accepts repeated flags", () => {
  const previous = savedRun();
  const run = resolveRun(flagsOf(["--seed", "0", "--epochs", "3", "--fixtures"]), {
    defaults: TRAIN_ALL,
    previous,
  });
  assert.deepEqual(run.models, ["model1"]);
  assert.deepEqual(
    [run.epochs, run.batchSize, run.trainSize, run.validationSize, run.testSize, run.seed],
    [3, 64, 1000, 200, 500, 0],
  );
  assert.deepEqual([run.inferenceBatchSize, run.inferenceRuns], [256, 60]);
  assert.equal(run.engine, "native");
  assert.equal(run.backend, "tensorflow");
  assert.deepEqual(run.data, { fixtures: true });
  assert.deepEqual(run.dataSource, savedConfig().dataSource);
});

Deno.test("a resumed run refuses a flag that contradicts it, naming both values", () => {
  const previous = savedRun();
  const refusals: [string[], string | undefined, string][] = [
    [["--epochs", "4"], undefined, "--epochs 4 differs from the run being resumed (3)"],
    [["--seed", "42"], undefined, "--seed 42 differs from the run being resumed (0)"],
    [
      ["--models", "all"],
      undefined,
      "--models model1,model2,model3 differs from the run being resumed (model1)",
    ],
    [["--engine", "tfjs"], undefined, "--engine tfjs differs from the run being resumed (native)"],
    [[], "cpu", "--backend cpu differs from the run being resumed (tensorflow)"],
    [
      ["--inference-runs", "100"],
      undefined,
      "--inference-runs 100 differs from the run being resumed (60)",
    ],
    [["--profile"], undefined, "--profile on differs from the run being resumed (off)"],
  ];
  for (const [args, backend, message] of refusals) {
    assert.throws(() => resolveRun(flagsOf(args), { defaults: TRAIN_ALL, backend, previous }), {
      name: "UsageError",
      message: `--resume: ${message}; drop the flag`,
    });
  }
  const profiled = { ...previous, profile: true };
  const resumed = resolveRun(flagsOf(["--profile"]), { defaults: TRAIN_ALL, previous: profiled });
  assert.equal(resumed.profile, true, "a profiled run resumes profiled, the flag repeated");
  assert.throws(
    () => resolveRun(flagsOf(["--data-dir", "/data"]), { defaults: TRAIN_ALL, previous }),
    { message: /^--resume: --data-dir \/data differs from the run being resumed/ },
  );
});

Deno.test("a resumed run saved before run.json reads its data from config.data and its defaults", () => {
  const { dataSource: _, inferenceBatchSize: _b, inferenceRuns: _r, ...legacy } = savedConfig();
  const run = resolveRun(flagsOf([]), {
    defaults: TRAIN_ALL,
    previous: describeSavedConfig({ ...legacy, data: "dir: /srv/fashion-mnist" }),
  });
  assert.deepEqual(run.data, { fixtures: false, dataDir: "/srv/fashion-mnist" });
  assert.equal(run.dataSource, undefined);
  assert.deepEqual([run.inferenceBatchSize, run.inferenceRuns], [1024, 100]);
  assert.throws(
    () => describeSavedConfig({ ...legacy, data: "?" }),
    {
      message:
        /^--resume: expected config\.data to name the run's data .* got "\?"; start a new run$/,
    },
  );
});

Deno.test("the shared flags are checked with one line each", () => {
  const refusals: [string[], string][] = [
    [["--seed=-1"], '--seed: expected a whole number from 0 to 2147483648, got "-1"'],
    [["--epochs", "0"], '--epochs: expected a positive integer, got "0"'],
    [
      ["--inference-runs", "49"],
      "--inference-runs: expected at least 50 (a p95 needs them), got 49",
    ],
    [["--machine", " "], '--machine: expected a name, got ""'],
    [["--fixtures", "--data-dir", "d"], "--fixtures and --data-dir exclude each other"],
    [
      ["--models", "model9"],
      '--models: unknown model "model9": expected one of model1, model2, model3',
    ],
    [
      ["--engine", "eager"],
      '--engine: expected one of tfjs, native, tfjs-patched, got "eager"; ' +
      "see `deno task train-all --help`",
    ],
  ];
  for (const [args, message] of refusals) {
    assert.throws(() => flagsOf(args), { name: "UsageError", message });
  }
  assert.equal(parseSeed("0"), 0);
  assert.deepEqual(parseModelList("--models", "model3,all"), ["model3", "model1", "model2"]);
});

Deno.test("list tasks take --engines or --engine as a list", () => {
  assert.deepEqual(
    flagsOf(["--engines", "native,tfjs,native"], "list").engines?.list.map((e) => e.name),
    ["native", "tfjs"],
  );
  assert.equal(flagsOf(["--engine", "tfjs"], "list").engines?.flag, "--engine");
  assert.equal(flagsOf([], "list").engines, undefined);
  assert.throws(() => flagsOf(["--engines", "tfjs", "--engine", "native"], "list"), {
    message: "--engines and --engine both name the engines; keep one",
  });
  assert.throws(() => flagsOf(["--stock-gradients"], "list"), {
    message: "Unknown option '--stock-gradients'",
  });
});

Deno.test("resume keeps oneDNN's state, and leaves a complete run alone without --onednn", () => {
  const off = oneDnnState(null, "0");
  const on = oneDnnState(null, "1");
  checkResumeOneDnn(off, off, { complete: false, flagGiven: false });
  checkResumeOneDnn(off, on, { complete: true, flagGiven: false });
  checkResumeOneDnn(undefined, on, { complete: false, flagGiven: true });
  assert.throws(() => checkResumeOneDnn(off, on, { complete: false, flagGiven: false }), {
    name: "UsageError",
    message: "--resume: oneDNN is on: TF_ENABLE_ONEDNN_OPTS=1, but the run being resumed had it " +
      "off: TF_ENABLE_ONEDNN_OPTS=0; resume with --onednn off",
  });
});

Deno.test("parseTargetAccuracies takes percentages or fractions, sorted, and refuses the rest", () => {
  assert.deepEqual(parseTargetAccuracies("90,85"), [0.85, 0.9]);
  assert.deepEqual(parseTargetAccuracies("0.8, 75%"), [0.75, 0.8]);
  assert.deepEqual(
    parseTargetAccuracies("1,99"),
    [0.01, 0.99],
    "one bare value above 1: all percent",
  );
  assert.deepEqual(parseTargetAccuracies("0.5,1"), [0.5, 1], "none above 1: all fractions");
  for (const bad of ["", "0", "101", "85,,90", "ninety"]) {
    assert.throws(() => parseTargetAccuracies(bad), {
      message:
        `--target-accuracy: expected comma-separated accuracies in (0, 100] (e.g. 85,90 or 0.85,0.9), got "${bad}"`,
    });
  }
});

Deno.test("a resumed run refuses other target accuracies, and takes the same ones", () => {
  const previous: RunDescription = {
    ...resolveRun(flagsOf(["--fixtures"]), { defaults: PEER, backend: "tensorflow" }),
  };
  assert.throws(
    () =>
      resolveRun(flagsOf(["--target-accuracy", "50"]), {
        defaults: PEER,
        backend: "tensorflow",
        previous,
      }),
    {
      message:
        "--resume: --target-accuracy 0.5 differs from the run being resumed (0.6,0.7,0.75); drop the flag",
    },
  );
  const same = resolveRun(flagsOf(["--target-accuracy", "60,70,75"]), {
    defaults: PEER,
    backend: "tensorflow",
    previous,
  });
  assert.equal(same.targetAccuracies, undefined);
});
