/**
 * The model bench files register what they promise: three groups per model,
 * and an ignored entry that names the reason for a backend that is missing.
 * (Benchmarks assert nothing; this checks their registration, not speed.)
 */
import assert from "node:assert/strict";

async function bench(env: Record<string, string>): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["bench", "-A", "--no-check", "bench/model1_bench.ts"],
    cwd: new URL("../..", import.meta.url).pathname,
    env: { FMNIST_BENCH_FIXTURES: "1", NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, text);
  return text;
}

Deno.test("model1 bench times stock TF.js on the libtensorflow backend by default", async () => {
  const text = await bench({
    FMNIST_BENCH_BACKENDS: "tensorflow",
    FMNIST_BENCH_TRAIN_SIZE: "256",
    FMNIST_BENCH_EPOCHS: "1",
  });
  assert.match(text, /^group model1 train epoch$/m);
  assert.match(
    text,
    /model1 train epoch \(256 images, model\.fit\) on tensorflow \(libtensorflow 2\.21\.0 \(CPU\)\), engine tfjs/,
  );
  assert.match(text, /model1 batch-1 inference on tensorflow \(.*\), engine tfjs/);
  assert.match(text, /model1 batched inference \(500 images\) on tensorflow/);
  assert.doesNotMatch(text, /native ops/);
});

Deno.test("model1 bench with FMNIST_BENCH_ENGINE=native times the native step and predictor", async () => {
  const text = await bench({
    FMNIST_BENCH_BACKENDS: "tensorflow",
    FMNIST_BENCH_ENGINE: "native",
    FMNIST_BENCH_TRAIN_SIZE: "256",
    FMNIST_BENCH_EPOCHS: "1",
  });
  assert.match(
    text,
    /model1 train epoch \(256 images, native step\) on tensorflow \(libtensorflow 2\.21\.0 \(CPU\)\), engine native/,
  );
  assert.match(text, /model1 batch-1 inference \(native ops\) on tensorflow \(.*\), engine native/);
});

const hasNvidiaDriver = await Deno.stat("/proc/driver/nvidia/version").then(
  () => true,
  () => false,
);

Deno.test({
  name: "model1 bench lists a missing GPU backend as ignored, with the reason" +
    (hasNvidiaDriver ? " (ignored: an NVIDIA driver here, so the GPU backend is not missing)" : ""),
  ignore: hasNvidiaDriver,
  async fn() {
    const text = await bench({ FMNIST_BENCH_BACKENDS: "tensorflow-gpu" });
    assert.match(
      text,
      /^model1 on tensorflow-gpu: skipped, unavailable: no NVIDIA driver \(\/proc\/driver\/nvidia\/version is missing\)/m,
    );
  },
});

Deno.test("a bare deno bench says in one line how to run the benches, and exits 2", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["bench", "--no-check", "--filter", "model1"],
    cwd: new URL("../..", import.meta.url).pathname,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 2);
  assert.equal(
    new TextDecoder().decode(out.stderr),
    "error: the benches need --allow-env --allow-read --allow-write --allow-ffi --allow-run " +
      "--allow-sys, which a bare `deno bench` does not give; run `deno task bench --filter " +
      "model1` (or `deno bench -A --v8-flags=--expose-gc --filter model1`)\n",
  );
});
