/**
 * `deno task train-all --profile`, as a user runs it on the fixtures: each
 * model's record holds its per-op profiles (the convolution and both its
 * gradients named, every op's time within the profiled wall time, the
 * fp32 ceiling measured on tensorflow), the timed figures keep exactly the
 * shape they have without `--profile`, the summary line is printed, and the
 * native engine's profile names TensorFlow's own ops; in a Chromium page,
 * `tf.profile` times browser-wasm's kernels.
 */
import assert from "node:assert/strict";
import type { RunRecord } from "../src/results/schema.ts";
import { browserIgnore } from "./_browser.ts";
import { runCli } from "./_cli.ts";
import { measured, shortRun, withinWall } from "./_profile_run.ts";

/** Every key path of a value, arrays by their first item: its shape, not its figures. */
function shape(value: unknown, at = ""): string[] {
  if (Array.isArray(value)) return [`${at}[]`, ...(value.length ? shape(value[0], `${at}[]`) : [])];
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => [`${at}.${k}`, ...shape(v, `${at}.${k}`)]);
}

Deno.test("train-all --profile records each model's ops apart, and the timed figures keep their shape", async () => {
  const plain = await shortRun();
  const profiled = await shortRun("--profile");
  assert.equal(profiled.schemaVersion, 4);
  assert.equal(profiled.run.profile, true, "run.json says the run profiles");
  assert.equal(plain.run.profile, undefined);
  assert.equal(plain.record.profile, undefined, "no profile unless asked");
  const { profile, ...timed } = profiled.record as RunRecord;
  assert.deepEqual(shape(timed), shape(plain.record), "the timed figures' fields are the same");
  assert.equal(timed.epochs.length, 2);

  const step = measured(profile?.trainStep);
  assert.equal(step.batchSize, 128);
  const names = new Set(step.ops.map((o) => o.name));
  const kinds = new Set(step.ops.map((o) => o.kind));
  for (const kind of ["conv forward", "conv grad input", "conv grad filter", "optimizer"]) {
    assert.ok(kinds.has(kind as never), `${kind} in ${[...kinds].join(", ")}`);
  }
  assert.ok(names.has("Conv2DBackpropFilter"), `the filter's gradient in ${[...names].join(", ")}`);
  assert.ok(step.ceilingGflops! > 0, "the fp32 ceiling is measured on tensorflow");
  assert.ok(step.ops.find((o) => o.kind === "conv forward")!.ofCeiling! > 0);
  withinWall(step);
  withinWall(measured(profile?.batch1));
  const batched = measured(profile?.batched);
  assert.equal(batched.batchSize, 64);
  withinWall(batched);
  assert.match(profiled.stderr, /model1: step [\d.]+ ms: \w+ \d+%, .*overhead \d+%; batch-1 /);
});

Deno.test("train-all --profile --engine native names TensorFlow's own ops", async () => {
  const { record } = await shortRun("--profile", "--engine", "native");
  const step = measured(record.profile?.trainStep);
  assert.equal(step.source, "TensorFlow ops timed by name");
  const names = new Set(step.ops.map((o) => o.name));
  for (const name of ["Conv2DBackpropFilter", "Conv2DBackpropInput", "ResourceApplyAdam"]) {
    assert.ok(names.has(name), `${name} in ${[...names].join(", ")}`);
  }
  withinWall(step);
  assert.equal(measured(record.profile?.batch1).source, "TensorFlow ops timed by name");
});

Deno.test({
  name: "train-all --profile in a Chromium page times browser-wasm's kernels with tf.profile",
  ignore: browserIgnore(),
  fn: async () => {
    const { record } = await shortRun(
      ...["--profile", "--backend", "browser-wasm", "--train-size", "32", "--validation-size"],
      ...["32", "--test-size", "32", "--inference-batch", "32", "--epochs", "1"],
      ...["--batch-size", "16"],
    );
    const step = measured(record.profile?.trainStep);
    assert.equal(step.source, "tf.profile (TF.js kernels)");
    assert.equal(step.ceilingGflops, null, "no ceiling measured outside TensorFlow");
    assert.ok(step.ops.some((o) => o.kind === "conv grad filter"));
    withinWall(step);
    withinWall(measured(record.profile?.batched));
  },
});

Deno.test("compare, peer and browser take --profile (their children get it from trainAllArgs)", async () => {
  for (const task of ["compare", "peer", "browser"]) {
    // Flags are checked before --help is answered: an unknown one would exit 2.
    const { code, stdout, stderr } = await runCli(task, "--profile", "--help");
    assert.equal(code, 0, stderr);
    assert.match(stdout, /--profile +after each model's timed runs, profile its ops/, task);
  }
});
