/**
 * What `deno task train-all` records about the machine and the engine: the
 * CPU's extensions and oneDNN's state (kept across a resume), and each
 * engine's training step, inference path and kernels, from short runs.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { readCpuFeatures } from "../../src/backends/onednn.ts";
import { validateResults } from "../../src/results/schema.ts";
import { isMeasured } from "../../src/measure/measures.ts";
import { runCli } from "../_cli.ts";

const trainAll = (...args: string[]) => runCli("train_all", ...args);

/** The last stderr line: what the user reads (libtensorflow may print start-up lines before it). */
const lastLine = (s: string) => s.trim().split("\n").at(-1);

Deno.test("train-all records the CPU's extensions and oneDNN's state, and resume keeps the state", async () => {
  const out = join(await Deno.makeTempDir(), "run");
  try {
    const tiny = ["--models", "model1", "--epochs", "1", "--train-size", "256"];
    const sizes = ["--validation-size", "64", "--test-size", "100", "--inference-batch", "64"];
    const first = await trainAll(
      "--fixtures",
      ...tiny,
      ...sizes,
      "--inference-runs",
      "50",
      "--onednn",
      "on",
      "--json",
      "--out",
      out,
    );
    assert.equal(first.code, 0, first.stderr);
    const text = await Deno.readTextFile(join(out, "results.json"));
    const results = validateResults(JSON.parse(text));
    assert.deepEqual(results.env.cpu.features, await readCpuFeatures());
    assert.deepEqual(results.env.onednn, {
      enabled: true,
      source: "variable",
      reason: "on: TF_ENABLE_ONEDNN_OPTS=1",
    });
    const report = await Deno.readTextFile(join(out, "report.md"));
    assert.match(report, /\| oneDNN +\| on: TF_ENABLE_ONEDNN_OPTS=1 +\|/);
    assert.match(report, / --onednn on /);

    const resumed = await trainAll("--resume", "--out", out, "--onednn", "off");
    assert.equal(resumed.code, 2);
    assert.equal(
      lastLine(resumed.stderr),
      "error: --resume: oneDNN is off: TF_ENABLE_ONEDNN_OPTS=0, but the run being resumed had it " +
        "on: TF_ENABLE_ONEDNN_OPTS=1; resume with --onednn on",
    );
    assert.equal(await Deno.readTextFile(join(out, "results.json")), text);
  } finally {
    await Deno.remove(join(out, ".."), { recursive: true });
  }
});

/** A short run of model1 on the fixture split; returns the results and the report. */
async function shortRun(...args: string[]) {
  const out = join(await Deno.makeTempDir(), "run");
  try {
    const { code, stderr } = await trainAll(
      "--fixtures",
      "--models",
      "model1",
      "--epochs",
      "1",
      "--train-size",
      "256",
      "--validation-size",
      "100",
      "--test-size",
      "100",
      "--inference-batch",
      "64",
      "--inference-runs",
      "50",
      "--out",
      out,
      ...args,
    );
    assert.equal(code, 0, stderr);
    const results = validateResults(
      JSON.parse(await Deno.readTextFile(join(out, "results.json"))),
    );
    return { results, stderr, report: await Deno.readTextFile(join(out, "report.md")) };
  } finally {
    await Deno.remove(join(out, ".."), { recursive: true });
  }
}

Deno.test("train-all runs stock TF.js on tensorflow by default, and records it", async () => {
  const { results, stderr, report } = await shortRun("--backend", "tensorflow");
  const { config, runs: [run] } = results;
  assert.equal(results.schemaVersion, 4);
  assert.equal(config.engine, "tfjs");
  assert.equal(config.trainStep, "fit");
  assert.equal(config.inferencePath, "layers");
  assert.deepEqual(config.nativeGradients, [], "TF.js's own gradients");
  assert.deepEqual(config.nativeKernels, [], "tfjs-node's own kernels");
  assert.equal(run.engine, "tfjs");
  assert.equal(run.inference!.path, "layers");
  assert.equal(run.inference!.kernels, undefined);
  assert.match(stderr, /^ {2}epoch 1\/1 \[tensorflow, tfjs\]: /m);
  assert.match(stderr, /^model1 \[tensorflow, tfjs\]: test accuracy /m);
  assert.match(report, /^\| model1 \| `tfjs` \|/m);
  assert.match(report, /inference path: tfjs-layers' `predictOnBatch`/);
});

Deno.test("train-all --engine native records the native engine and its kernels", async () => {
  const { results, stderr } = await shortRun(
    "--backend",
    "tensorflow",
    "--engine",
    "native",
    "--onednn",
    "on",
  );
  const { config, runs: [run] } = results;
  assert.equal(config.engine, "native");
  assert.deepEqual(config.kernelLibrary, {
    library: "onednn",
    reason: "oneDNN is on: TF_ENABLE_ONEDNN_OPTS=1",
  });
  assert.equal(config.trainStep, "native");
  assert.equal(config.inferencePath, "native");
  assert.deepEqual(config.nativeGradients, ["Relu", "MaxPool"]);
  assert.ok(config.nativeKernels!.length > 0, `kernels ${config.nativeKernels}`);
  assert.equal(run.engine, "native");
  assert.equal(run.inference!.path, "native");
  assert.equal(run.inference!.kernels!.batch1.length, 6, "a kernel per conv, pool and dense layer");
  assert.equal(run.inference!.layers!.batched.batchSize, 64, "predictOnBatch timed beside it");
  assert.ok(run.test!.accuracy > 0.2, `test accuracy ${run.test!.accuracy}`);
  assert.match(stderr, /^ {2}epoch 1\/1 \[tensorflow, native\]: /m);
});

Deno.test("train-all --engine native with oneDNN off runs and records TensorFlow's generic kernels", async () => {
  const { results, report } = await shortRun(
    "--backend",
    "tensorflow",
    "--engine",
    "native",
    "--onednn",
    "off",
  );
  const { config, runs: [run] } = results;
  assert.deepEqual(config.kernelLibrary, {
    library: "generic",
    reason: "oneDNN is off: TF_ENABLE_ONEDNN_OPTS=0",
  });
  assert.deepEqual(config.nativeGradients, ["Relu"], "no oneDNN max-pool gradient");
  assert.deepEqual(config.nativeKernels, [], "no oneDNN fused convolution");
  const kernels = [...run.inference!.kernels!.batch1, ...run.inference!.kernels!.batched];
  assert.equal(kernels.length, 12);
  assert.ok(kernels.every((k) => !k.startsWith("_Mkl")), kernels.join(", "));
  assert.ok(run.test!.accuracy > 0.2, `test accuracy ${run.test!.accuracy}`);
  assert.match(report, /\| the suite's TensorFlow ops +\| generic kernels \(oneDNN is off: /);
});

Deno.test("train-all records memory, cold start, time to accuracy and energy, and report.md shows them", async () => {
  // 1% is reached by the first epoch's validation accuracy; 99% is not.
  const { results, report } = await shortRun("--epochs", "2", "--target-accuracy", "1,99");
  const run = results.runs[0];
  const m = run.measures!;
  assert.deepEqual(results.config.targetAccuracies, [0.01, 0.99]);
  assert.deepEqual(m.timeToAccuracy, {
    epochs: 2,
    targets: [
      {
        target: 0.01,
        epoch: 1,
        trainSeconds: run.epochs[0].trainSeconds,
        wallSeconds: run.epochs[0].wallSeconds,
      },
      { target: 0.99, epoch: null, trainSeconds: null, wallSeconds: null },
    ],
  });
  assert.ok(run.epochs.every((e) => e.wallSeconds! >= e.trainSeconds));
  const host = m.memory.host;
  assert.ok(isMeasured(host));
  assert.equal(host.method, "VmHWM");
  assert.ok(host.baselineBytes > 100 * 2 ** 20, `baseline ${host.baselineBytes}`); // libtensorflow alone
  assert.ok(host.trainingPeakBytes !== null && host.trainingPeakBytes >= host.baselineBytes);
  assert.ok(host.inferencePeakBytes! > 0);
  const tfjs = m.memory.tfjs;
  assert.ok(isMeasured(tfjs));
  assert.ok(tfjs.peakBytes > run.params * 4, `${tfjs.peakBytes} bytes of tensors`); // the weights at least
  assert.equal(tfjs.samples, 2 * 2); // 256 images in batches of 128, two epochs
  assert.equal(tfjs.peakBytesInGpu, null);
  assert.deepEqual(m.memory.device, {
    notMeasured: "the backend computes on the CPU: its memory is the host figure",
  });
  assert.ok(isMeasured(m.coldStart.backendLoadSeconds) && m.coldStart.backendLoadSeconds > 0);
  assert.ok(m.coldStart.modelBuildSeconds > 0 && m.coldStart.firstPredictionMs! > 0);
  assert.equal(
    m.coldStart.firstEpochExtraSeconds,
    run.epochs[0].trainSeconds - run.epochs[1].trainSeconds,
  );
  if (isMeasured(m.energy)) {
    assert.ok(run.epochs.every((e) => e.joules! > 0));
  } else {
    assert.match(m.energy.notMeasured, /^no (readable )?energy counter/);
    assert.ok(run.epochs.every((e) => e.joules === undefined));
  }
  assert.match(report, /## Memory, cold start, time to accuracy and energy/);
  assert.match(report, /\| model \| to 1% validation accuracy \| to 99% validation accuracy \|/);
  assert.match(
    report,
    /\| model1 \| epoch 1, [\d.]+ s training \([\d.]+ s wall\) \| not reached in 2 epochs \|/,
  );
});
