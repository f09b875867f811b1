/**
 * `deno task train-all`'s refusals of bad input, as a user meets them: one
 * exact line and the exit code, before any data is read or any model trains.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "./_cli.ts";

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
  [
    ["--inference-batch", "1024,x"],
    'error: --inference-batch: expected a positive integer, got "x"',
  ],
  [["--batch-size", "many"], 'error: --batch-size: expected a positive integer, got "many"'],
  [["--seed=-1"], 'error: --seed: expected a whole number from 0 to 2147483648, got "-1"'],
  [
    ["--backend", "tpu"],
    'error: --backend: unknown backend "tpu": expected one of tensorflow-gpu, tensorflow, webgpu, wasm, cpu, browser-wasm, browser-webgl, browser-webgpu, browser-cpu',
  ],
  [["--frobnicate"], "error: unknown option --frobnicate; see `deno task train-all --help`"],
  [
    ["--backend", "browser-wasm", "--open", "port80"],
    'error: --open: expected PORT, HOST:PORT or auto, got "port80"',
  ],
  [
    ["--backend", "tensorflow", "--open", "auto"],
    "error: --open: expected a browser backend (--backend browser-wasm, browser-webgl, browser-webgpu, browser-cpu), got tensorflow",
  ],
  [
    ["--backend", "browser-wasm", "--resume", "--out", "/tmp/fmnist-bench-no-such-run"],
    "error: --resume: a run on browser-wasm cannot be resumed (its page starts from the beginning); run it again",
  ],
  [
    ["--engine", "native", "--backend", "browser-webgl"],
    "error: --engine native runs on tensorflow-gpu, tensorflow, not browser-webgl; use --engine tfjs on browser-webgl, or a backend it runs on",
  ],
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
  [
    ["--onednn", "maybe"],
    'error: --onednn: expected one of on, off, default, got "maybe"; ' +
    "on and off pin TensorFlow's oneDNN kernels, default leaves them to the CPU",
  ],
  // Flags are checked before --help is answered.
  [["--epochs", "two", "--help"], 'error: --epochs: expected a positive integer, got "two"'],
  [
    ["--train-step", "native"],
    "error: unknown option --train-step; see `deno task train-all --help`",
  ],
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

const hasNvidiaDriver = await Deno.stat("/proc/driver/nvidia/version").then(
  () => true,
  () => false,
);

Deno.test({
  name: "train-all refuses an unavailable backend with its reason, never falling back" +
    (hasNvidiaDriver
      ? " (ignored: an NVIDIA driver here, so tensorflow-gpu may be available)"
      : ""),
  ignore: hasNvidiaDriver,
  fn: async () => {
    const { code, stderr } = await trainAll("--fixtures", "--backend", "tensorflow-gpu");
    assert.equal(code, 2);
    assert.equal(
      lastLine(stderr),
      "error: --backend tensorflow-gpu is not available: no NVIDIA driver (/proc/driver/nvidia/version " +
        "is missing), so TensorFlow would fall back to the CPU",
    );
  },
});
