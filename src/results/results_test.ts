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
      "out/results.json: not a valid fmnist-bench results file (schema version 1, 2 or 3): " +
      "/runs/0/epochs/1 must have required property 'trainSeconds'",
  });
});

Deno.test("validateResults refuses another schema version", () => {
  assert.throws(() => validateResults({ ...sampleResults(), schemaVersion: 4 }, "r.json"), {
    message: "r.json: not a valid fmnist-bench results file (schema version 1, 2 or 3): " +
      "/schemaVersion must be equal to one of the allowed values ([1,2,3])",
  });
});

Deno.test("validateResults refuses a schema-2 file without its engine", () => {
  const results = sampleResults() as unknown as { config: Record<string, unknown> };
  delete results.config.engine;
  assert.throws(() => validateResults(results, "r.json"), {
    message: "r.json: not a valid fmnist-bench results file (schema version 1, 2 or 3): " +
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
