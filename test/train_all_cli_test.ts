/**
 * `deno task train-all` as a user runs it: refusals of bad input (exact
 * messages, before any training), and an interrupted run that resumes.
 */
import assert from "node:assert/strict";
import { runCli } from "./_cli.ts";
import { join } from "node:path";
import { validateResults } from "../src/results/schema.ts";

const CLI = new URL("../src/cli/train_all.ts", import.meta.url).pathname;

const trainAll = (...args: string[]) => runCli("train_all", ...args);

/** The last stderr line: what the user reads (libtensorflow may print start-up lines before it). */
const lastLine = (s: string) => s.trim().split("\n").at(-1);

const refusals: [string[], string][] = [
  [
    ["--models", "model1,model4"],
    'error: --models: unknown model "model4": expected one of model1, model2, model3',
  ],
  [["--epochs", "0"], 'error: --epochs: expected a positive integer, got "0"'],
  [["--epochs", "2.5"], 'error: --epochs: expected a positive integer, got "2.5"'],
  [["--batch-size", "many"], 'error: --batch-size: expected a positive integer, got "many"'],
  [["--seed=-1"], 'error: --seed: expected a whole number from 0 to 2147483648, got "-1"'],
  [
    ["--backend", "tpu"],
    'error: --backend: unknown backend "tpu": expected one of tensorflow-gpu, tensorflow, webgpu, cpu',
  ],
  [["--frobnicate"], "error: Unknown option '--frobnicate'; see `deno task train-all --help`"],
  [
    ["--inference-runs", "20"],
    "error: --inference-runs: expected at least 50 (a p95 needs them), got 20",
  ],
  [["--inference-batch", "0"], 'error: --inference-batch: expected a positive integer, got "0"'],
  [["--machine", " "], 'error: --machine: expected a name, got ""'],
  [
    ["--engine", "x"],
    'error: --engine: expected one of tfjs, native, tfjs-patched, got "x"; ' +
    "see `deno task train-all --help`",
  ],
  [
    ["--engine", "native", "--backend", "cpu"],
    "error: --engine native runs on tensorflow-gpu, tensorflow, not cpu; " +
    "use --engine tfjs on cpu, or a backend it runs on",
  ],
  [
    ["--engine", "tfjs-patched", "--backend", "webgpu"],
    "error: --engine tfjs-patched runs on tensorflow-gpu, tensorflow, not webgpu; " +
    "use --engine tfjs on webgpu, or a backend it runs on",
  ],
  // The older flags are aliases of an engine; two that name different engines are refused.
  [["--train-step", "eager"], 'error: --train-step: expected fit or native, got "eager"'],
  [
    ["--train-step", "native", "--stock-gradients"],
    "error: --train-step native means --engine native, but --stock-gradients means --engine tfjs; " +
    "keep one",
  ],
  [
    ["--engine", "tfjs", "--inference-path", "native"],
    "error: --engine tfjs means --engine tfjs, but --inference-path native means --engine native; " +
    "keep one",
  ],
  [
    ["--train-step", "native", "--backend", "cpu"],
    "error: --engine native runs on tensorflow-gpu, tensorflow, not cpu; " +
    "use --engine tfjs on cpu, or a backend it runs on",
  ],
  [["--inference-path", "fast"], 'error: --inference-path: expected layers or native, got "fast"'],
];

for (const [args, message] of refusals) {
  Deno.test(`train-all refuses ${args.join(" ")} with one line and exit code 2`, async () => {
    const out = await Deno.makeTempDir();
    try {
      const { code, stderr } = await trainAll("--fixtures", "--out", join(out, "run"), ...args);
      assert.equal(code, 2);
      assert.equal(stderr, `${message}\n`);
      await assert.rejects(Deno.stat(join(out, "run")), Deno.errors.NotFound); // nothing was written
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  });
}

Deno.test("train-all --resume needs the run's folder", async () => {
  const { code, stderr } = await trainAll("--resume");
  assert.equal(code, 2);
  assert.equal(stderr, "error: --resume: expected --out DIR naming the run to continue\n");
  const empty = await Deno.makeTempDir();
  try {
    const again = await trainAll("--resume", "--out", empty);
    assert.equal(again.code, 2);
    assert.equal(
      again.stderr,
      `error: --resume: expected a run in ${empty}, but it has no results.json\n`,
    );
  } finally {
    await Deno.remove(empty);
  }
});

Deno.test("train-all refuses an output folder that cannot be written", async () => {
  const file = await Deno.makeTempFile();
  try {
    const { code, stderr } = await trainAll("--fixtures", "--out", join(file, "run"));
    assert.equal(code, 2);
    assert.equal(
      stderr,
      `error: --out ${join(file, "run")}: expected a folder that can be written, but ` +
        `Not a directory (os error 20): mkdir '${join(file, "run")}'\n`,
    );
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("train-all refuses an unavailable backend with its reason, never falling back", async () => {
  const probe = await Deno.stat("/proc/driver/nvidia/version").then(() => true, () => false);
  if (probe) return; // a GPU machine: tensorflow-gpu may well be available
  const { code, stderr } = await trainAll("--fixtures", "--backend", "tensorflow-gpu");
  assert.equal(code, 2);
  assert.equal(
    lastLine(stderr),
    "error: --backend tensorflow-gpu is not available: no NVIDIA driver (/proc/driver/nvidia/version " +
      "is missing), so TensorFlow would fall back to the CPU",
  );
});

Deno.test("train-all resumes an interrupted run and keeps its earlier epochs", async () => {
  const out = join(await Deno.makeTempDir(), "run");
  try {
    // Start a 3-epoch run and press Ctrl-C once the first epoch is reported.
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        CLI,
        "--fixtures",
        "--models",
        "model1",
        "--epochs",
        "3",
        "--json",
        "--out",
        out,
      ],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const stdout: string[] = [];
    const lines = child.stdout.pipeThrough(new TextDecoderStream()).values();
    let buffer = "";
    let interrupted = false;
    for await (const chunk of lines) {
      buffer += chunk;
      const parts = buffer.split("\n");
      buffer = parts.pop()!;
      for (const line of parts) {
        stdout.push(line);
        if (line.includes('"type":"epoch"') && !interrupted) {
          child.kill("SIGINT"); // once: a second Ctrl-C quits at once
          interrupted = true;
        }
      }
    }
    const status = await child.status;
    const stderr = await new Response(child.stderr).text();
    assert.equal(status.code, 130, stderr);
    assert.match(
      stderr,
      new RegExp(`continue with:\\n  deno task train-all --resume --out ${out}\\n$`),
    );
    const partial = validateResults(JSON.parse(await Deno.readTextFile(join(out, "results.json"))));
    assert.equal(partial.status, "partial");
    // The signal lands during epoch 2 at the latest: training stops after the epoch in flight.
    const kept = partial.runs[0].epochs.length;
    assert.ok(kept >= 1 && kept <= 2, `${kept} epochs before the interruption`);
    assert.equal(partial.runs[0].test, null);

    // A flag that contradicts the run being resumed is refused, and nothing changes.
    const contradicted = await trainAll("--resume", "--out", out, "--engine", "native");
    assert.equal(contradicted.code, 2);
    assert.equal(
      contradicted.stderr.trim().split("\n").at(-1),
      "error: --resume: --engine native differs from the run being resumed (tfjs); drop the flag",
    );

    const resumed = await trainAll("--resume", "--out", out, "--json");
    assert.equal(resumed.code, 0, resumed.stderr);
    const done = validateResults(JSON.parse(await Deno.readTextFile(join(out, "results.json"))));
    assert.equal(done.status, "complete");
    assert.deepEqual(done.runs[0].epochs.map((e) => e.epoch), [1, 2, 3]);
    assert.deepEqual(done.runs[0].epochs.slice(0, kept), partial.runs[0].epochs); // kept as measured
    assert.ok(done.runs[0].test!.accuracy > 0.5, `test accuracy ${done.runs[0].test!.accuracy}`);
    assert.equal(done.runs[0].test!.count, 500);
    const events = resumed.stdout.trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(events[0], {
      type: "model-start",
      model: "model1",
      fromEpoch: kept + 1,
      epochs: 3,
    });
    const files = [];
    for await (const e of Deno.readDir(out)) files.push(e.name);
    assert.deepEqual(files.sort(), ["models", "report.md", "results.json"]);
    const report = await Deno.readTextFile(join(out, "report.md"));
    assert.match(
      report,
      /^Complete run of model1 on the `tensorflow` backend with the `tfjs` engine, 3 epochs/m,
    );
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
  assert.equal(results.schemaVersion, 2);
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
  const { results, stderr } = await shortRun("--backend", "tensorflow", "--engine", "native");
  const { config, runs: [run] } = results;
  assert.equal(config.engine, "native");
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
