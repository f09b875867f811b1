/**
 * Short `train-all` runs of model1 on the fixture split for the `--profile`
 * tests, and the checks every measured profile passes.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { isMeasured } from "../src/measure/measures.ts";
import type { OpProfile } from "../src/measure/op_profile.ts";
import { validateResults } from "../src/results/schema.ts";
import { runCli } from "./_cli.ts";

/** A short run of model1 on the fixture split, two epochs; its record, run.json and stderr. */
export async function shortRun(...args: string[]) {
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

/** The profile, or a failure with the reason it was not measured. */
export function measured(p: OpProfile | { notMeasured: string } | undefined): OpProfile {
  assert.ok(p, "a profile");
  if (!isMeasured(p)) throw new Error(`expected a profile, got: ${p.notMeasured}`);
  return p;
}

/** Five repeats, and every op's time within the wall time of the runs it was timed in. */
export function withinWall(p: OpProfile) {
  assert.equal(p.repeats, 5);
  assert.ok(p.opsMs > 0 && p.opsMs <= p.profiledWallMs, `${p.work}: ops ${p.opsMs} ms`);
  for (const op of p.ops) {
    assert.ok(op.totalMs <= p.profiledWallMs, `${op.name}: ${op.totalMs} ms`);
  }
}
