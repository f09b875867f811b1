import assert from "node:assert/strict";
import { dataRequest } from "../results/data_source.ts";
import { describeRun } from "./run_description.ts";
import { runDescriptionSchema } from "./run_file.ts";
import { RUN_FIELDS } from "./run_fields.ts";
import { dataFlagConflict, dataFlags } from "./run_values.ts";

Deno.test("dataFlags asks for a recorded place again", () => {
  assert.deepEqual(dataFlags(dataRequest({ kind: "fixtures" })), ["--fixtures"]);
  assert.deepEqual(dataFlags(dataRequest({ kind: "dir", dir: "d" })), ["--data-dir", "d"]);
  assert.deepEqual(dataFlags(dataRequest({ kind: "download" })), []);
});

Deno.test("dataFlagConflict refuses other data flags and accepts the same ones", () => {
  const fixtures = { fixtures: true };
  const dir = { fixtures: false, dataDir: "data/fm" };
  assert.equal(dataFlagConflict(fixtures, { fixtures: false }), undefined);
  assert.equal(dataFlagConflict(fixtures, { fixtures: true }), undefined);
  assert.equal(dataFlagConflict(dir, { fixtures: false, dataDir: "./data/fm/" }), undefined);
  assert.equal(
    dataFlagConflict(dir, { fixtures: false, dataDir: `${Deno.cwd()}/data/fm` }),
    undefined,
  );
  assert.equal(
    dataFlagConflict(fixtures, { fixtures: false, dataDir: "x" }),
    "--resume: --data-dir x differs from the run being resumed (--fixtures); drop the flag",
  );
  assert.equal(
    dataFlagConflict(dir, { fixtures: true }),
    "--resume: --fixtures differs from the run being resumed (--data-dir data/fm); drop the flag",
  );
  assert.equal(
    dataFlagConflict({ fixtures: false }, { fixtures: false, dataDir: "data/fm" }),
    "--resume: --data-dir data/fm differs from the run being resumed " +
      "(the official data); drop the flag",
  );
});

Deno.test("every field's flag is unique and every key of a description has a schema", () => {
  const flags = RUN_FIELDS.map((f) => f.flag);
  assert.equal(new Set(flags).size, flags.length);
  const schema = runDescriptionSchema() as { properties: Record<string, unknown> };
  const full = describeRun({
    models: ["model1"],
    epochs: 1,
    backend: "cpu",
    trainSize: 1,
    validationSize: 0,
    testSize: 1,
    moreInferenceBatchSizes: [8],
    inferenceWarmup: 3,
    targetAccuracies: [0.5],
    oneDnn: "on",
    machine: "m",
  });
  for (const key of Object.keys(full)) assert.ok(key in schema.properties, key);
});

Deno.test("each field reads back the arguments it writes", () => {
  const run = describeRun({
    models: ["model1", "model3"],
    epochs: 2,
    backend: "tensorflow",
    data: { fixtures: false, dataDir: "d" },
    trainSize: 64,
    inferenceBatchSize: 256,
    moreInferenceBatchSizes: [32],
    inferenceWarmup: 5,
    targetAccuracies: [0.8, 0.9],
    oneDnn: "off",
    machine: "lab",
  });
  for (const field of RUN_FIELDS) {
    const args = field.args(run);
    if (args.length === 0) continue;
    const parsed = field.parse(args[1] ?? "");
    for (const [key, value] of Object.entries(parsed)) {
      assert.deepEqual(value, run[key as keyof typeof run], `--${field.flag}`);
    }
  }
});
