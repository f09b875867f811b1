import assert from "node:assert/strict";
import { validateResults } from "./schema.ts";
import { sampleResults, v1 } from "./_testing.ts";

Deno.test("validateResults accepts a complete results file", () => {
  const results = sampleResults();
  assert.equal(validateResults(structuredClone(results)).runs[0].params, 878_730);
});

Deno.test("validateResults names the path of each violation", () => {
  const broken = sampleResults() as unknown as { runs: { epochs: Record<string, unknown>[] }[] };
  delete broken.runs[0].epochs[1].trainSeconds;
  assert.throws(() => validateResults(broken, "out/results.json"), {
    name: "TypeError",
    message:
      "out/results.json: not a valid fmnist-bench results file (schema version 1, 2, 3 or 4): " +
      "/runs/0/epochs/1 must have required property 'trainSeconds'",
  });
});

Deno.test("validateResults refuses another schema version", () => {
  assert.throws(() => validateResults({ ...sampleResults(), schemaVersion: 5 }, "r.json"), {
    message: "r.json: not a valid fmnist-bench results file (schema version 1, 2, 3 or 4): " +
      "/schemaVersion must be equal to one of the allowed values ([1,2,3,4])",
  });
});

Deno.test("validateResults refuses a schema-2 file without its engine", () => {
  const results = sampleResults() as unknown as { config: Record<string, unknown> };
  delete results.config.engine;
  assert.throws(() => validateResults(results, "r.json"), {
    message: "r.json: not a valid fmnist-bench results file (schema version 1, 2, 3 or 4): " +
      "/config must have required property 'engine'; / must match \"else\" schema",
  });
});

Deno.test("validateResults derives the engine of a schema-1 file", () => {
  const engine = (config: Record<string, unknown>) => {
    const r = validateResults(v1(config));
    assert.equal(r.schemaVersion, 1, "left at 1, so readers can say the engine was derived");
    assert.equal(r.runs[0].engine, r.config.engine);
    return r.config.engine;
  };
  assert.equal(engine({}), "tfjs"); // older than the native gradients: stock TF.js
  assert.equal(engine({ trainStep: "fit", nativeGradients: [], nativeKernels: [] }), "tfjs");
  assert.equal(engine({ trainStep: "fit", nativeGradients: ["Relu"] }), "tfjs-patched");
  assert.equal(engine({ nativeGradients: [], nativeKernels: ["FusedConv2D"] }), "tfjs-patched");
  assert.equal(
    engine({ trainStep: "native", inferencePath: "native", nativeGradients: ["Relu"] }),
    "native",
  );
  assert.equal(engine({ backend: "keras" }), "keras");
});

Deno.test("validateResults reads the fixtures' results of every older version as they are", async () => {
  const root = new URL("../../fixtures/", import.meta.url).pathname;
  const files = [
    ...["epyc-tensorflow-intervals", "vm-tensorflow", "h100-webgpu"].map((d) =>
      `${root}results/${d}/results.json`
    ),
    ...["browser", "deno", "keras"].map((d) => `${root}recorded/${d}/results.json`),
  ];
  const versions = new Set<number>();
  for (const file of files) {
    const r = validateResults(JSON.parse(await Deno.readTextFile(file)), file);
    versions.add(r.schemaVersion);
    assert.ok(r.runs.every((run) => run.profile === undefined), `${file}: no profile`);
  }
  assert.deepEqual([...versions].sort(), [1, 3]);
});

Deno.test("validateResults takes a schema-4 run's profile, measured or not, and checks it", () => {
  const results = sampleResults();
  const kinds = { "conv forward": 1, other: 0.5 } as never;
  const profile = {
    work: "batch1" as const,
    batchSize: 1,
    source: "tf.profile (TF.js kernels)",
    repeats: 5,
    wallMs: 2,
    profiledWallMs: 2.5,
    opsMs: 1.5,
    overheadMs: 0.5,
    kinds,
    ops: [{
      name: "Conv2D",
      kind: "conv forward" as const,
      calls: 1,
      totalMs: 1,
      medianMs: 1,
      share: 0.5,
      flops: 1e6,
      gflops: 1,
      ofCeiling: null,
      bytesAdded: null,
    }],
    ceilingGflops: null,
  };
  results.runs[0].profile = {
    trainStep: { notMeasured: "webgpu gives no per-kernel time" },
    batch1: profile,
    batched: { ...profile, work: "batched", batchSize: 256 },
  };
  assert.equal(validateResults(structuredClone(results)).schemaVersion, 4);
  results.runs[0].profile = null;
  validateResults(structuredClone(results));
  const broken = structuredClone(results) as unknown as { runs: Record<string, unknown>[] };
  broken.runs[0].profile = { trainStep: profile, batch1: { ...profile, opsMs: "1" } };
  assert.throws(() => validateResults(broken, "r.json"), /\/runs\/0\/profile/);
});
