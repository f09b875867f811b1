import assert from "node:assert/strict";
import { join } from "node:path";
import { FIXTURE_CHECKSUMS } from "../data/checksums.ts";
import { checkRunDescription, readRunDescription } from "./run_file.ts";
import {
  describeRun,
  recordedConfig,
  RUN_DEFAULTS,
  targetAccuraciesFor,
  validationSizeFor,
} from "./run_description.ts";

Deno.test("describeRun fills every default from RUN_DEFAULTS and keeps what it is given", () => {
  const run = describeRun({ models: ["model2"], epochs: 4, seed: 0, trainSize: undefined });
  assert.deepEqual(run, {
    models: ["model2"],
    epochs: 4,
    allowFallback: false,
    engine: "tfjs",
    data: { fixtures: false },
    batchSize: 128,
    seed: 0,
    learningRate: 1e-3,
    inferenceBatchSize: 1024,
    inferenceRuns: 100,
  });
  assert.equal(RUN_DEFAULTS.seed, 42);
});

Deno.test("targetAccuraciesFor: as described, else the official data's or the fixtures' levels", () => {
  assert.deepEqual(targetAccuraciesFor({ data: { fixtures: false } }), [0.85, 0.88, 0.9, 0.91]);
  assert.deepEqual(targetAccuraciesFor({ data: { fixtures: true } }), [0.6, 0.7, 0.75]);
  assert.deepEqual(targetAccuraciesFor({ data: { fixtures: true }, targetAccuracies: [0.5] }), [
    0.5,
  ]);
});

Deno.test("validationSizeFor: as described, else 5,000 of the official data or 200 of the fixtures", () => {
  assert.equal(validationSizeFor({ data: { fixtures: false } }), 5000);
  assert.equal(validationSizeFor({ data: { fixtures: true } }), 200);
  assert.equal(validationSizeFor({ data: { fixtures: true }, validationSize: 10 }), 10);
});

Deno.test("recordedConfig records the sizes that came out and caps the inference batch at the test split", () => {
  const run = describeRun({ models: ["model1"], epochs: 2, engine: "native" });
  const source = { kind: "fixtures" as const, sha256: { ...FIXTURE_CHECKSUMS } };
  const config = recordedConfig(run, {
    train: { count: 1800 },
    validation: { count: 200 },
    test: { count: 500 },
    description: "fixtures: fixtures/fashion-mnist",
    source,
  }, "tensorflow");
  assert.deepEqual(config, {
    models: ["model1"],
    epochs: 2,
    batchSize: 128,
    trainSize: 1800,
    validationSize: 200,
    testSize: 500,
    backend: "tensorflow",
    seed: 42,
    learningRate: 1e-3,
    data: "fixtures: fixtures/fashion-mnist",
    dataSource: source,
    inferenceBatchSize: 500,
    inferenceRuns: 100,
    targetAccuracies: [0.85, 0.88, 0.9, 0.91],
    engine: "native",
  });
});

Deno.test("a saved run description reads back as written; a damaged one is refused in one line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "run.json");
    assert.equal(await readRunDescription(path), undefined);
    const run = describeRun({ models: ["model1"], epochs: 3, data: { fixtures: true } });
    await Deno.writeTextFile(path, JSON.stringify(run));
    assert.deepEqual(await readRunDescription(path), run);
    await Deno.writeTextFile(path, "{");
    await assert.rejects(readRunDescription(path), {
      name: "TypeError",
      message: new RegExp(`^${path}: not valid JSON \\(`),
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  const run = describeRun({ models: ["model1"], epochs: 3 });
  const refusals: [Record<string, unknown>, string][] = [
    [{ ...run, epochs: "3" }, "/epochs must be integer"],
    [
      { ...run, engine: "turbo" },
      '/engine must be equal to one of the allowed values (["tfjs","native","tfjs-patched"])',
    ],
    [
      { ...run, oneDnn: "maybe" },
      '/oneDnn must be equal to one of the allowed values (["on","off"])',
    ],
    [{ ...run, data: "fixtures" }, "/data must be object"],
    [{ ...run, trainStep: "fit" }, '/ must NOT have additional properties ("trainStep")'],
  ];
  for (const [value, message] of refusals) {
    assert.throws(() => checkRunDescription(value, "run.json"), {
      name: "TypeError",
      message: `run.json: not a run description: ${message}`,
    });
  }
});
