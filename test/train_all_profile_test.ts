/**
 * `deno task train-all --profile`, as a user runs it on the fixtures: each
 * model's record holds its per-op profiles (the convolution and both its
 * gradients named, every op's time within the profiled wall time, the
 * fp32 ceiling measured on tensorflow), the timed figures keep exactly the
 * shape they have without `--profile`, the summary line is printed, and the
 * native engine's profile names TensorFlow's own ops.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { isMeasured } from "../src/measure/measures.ts";
import type { OpProfile } from "../src/measure/op_profile.ts";
import { type RunRecord, validateResults } from "../src/results/schema.ts";
import { runCli } from "./_cli.ts";

/** A short run of model1 on the fixture split, two epochs; its record, run.json and stderr. */
async function shortRun(...args: string[]) {
  const out = join(await Deno.makeTempDir(), "run");
  try {
    const { code, stderr } = await runCli(
      "train_all",
      ...["--fixtures", "--models", "model1", "--epochs", "2", "--train-size", "256"],
      ...["--validation-size", "64", "--test-size", "100", "--inference-batch", "64"],
      ...["--inference-runs", "50", "--backend", "tensorflow", "--out", out],
      ...args,
    );
    assert.equal(code, 0, stderr);
    const results = validateResults(JSON.parse(await Deno.readTextFile(join(out, "results.json"))));
    const run = JSON.parse(await Deno.readTextFile(join(out, "run.json")));
    return { record: results.runs[0], schemaVersion: results.schemaVersion, run, stderr };
  } finally {
    await Deno.remove(join(out, ".."), { recursive: true });
  }
}

function measured(p: OpProfile | { notMeasured: string } | undefined): OpProfile {
  assert.ok(p, "a profile");
  if (!isMeasured(p)) throw new Error(`expected a profile, got: ${p.notMeasured}`);
  return p;
}

/** Every key path of a value, arrays by their first item: its shape, not its figures. */
function shape(value: unknown, at = ""): string[] {
  if (Array.isArray(value)) return [`${at}[]`, ...(value.length ? shape(value[0], `${at}[]`) : [])];
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => [`${at}.${k}`, ...shape(v, `${at}.${k}`)]);
}

function withinWall(p: OpProfile) {
  assert.equal(p.repeats, 5);
  assert.ok(p.opsMs > 0 && p.opsMs <= p.profiledWallMs, `${p.work}: ops ${p.opsMs} ms`);
  for (const op of p.ops) {
    assert.ok(op.totalMs <= p.profiledWallMs, `${op.name}: ${op.totalMs} ms`);
  }
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
