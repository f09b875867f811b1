import assert from "node:assert/strict";
import { renderReport } from "./report.ts";
import { type ResultsFile, SCHEMA_VERSION, validateResults } from "./schema.ts";

/** A small but complete results file, as train-all writes it. */
export function sampleResults(): ResultsFile {
  return {
    schemaVersion: SCHEMA_VERSION,
    createdAt: "2026-11-24T22:00:00.000Z",
    updatedAt: "2026-11-24T22:10:00.000Z",
    status: "complete",
    env: {
      deno: "2.9.6",
      v8: "15.0",
      typescript: "6.0.3",
      tfjs: "4.22.0",
      tensorflow: "2.21.0",
      backend: "tensorflow",
      device: "libtensorflow 2.21.0 (CPU)",
      os: "linux x86_64",
      cpu: { model: "AMD EPYC", cores: 2 },
      memoryBytes: 25_000_000_000,
      threads: { intraOp: "default", interOp: 2 },
      gpu: null,
      gpuReason: "nvidia-smi not found",
      gitCommit: "0123abc",
    },
    config: {
      models: ["model1"],
      epochs: 2,
      batchSize: 128,
      trainSize: 55_000,
      validationSize: 5_000,
      testSize: 10_000,
      backend: "tensorflow",
      seed: 42,
      learningRate: 0.001,
      data: "system: /usr/share/datasets/fashion-mnist",
      engine: "tfjs",
    },
    runs: [{
      model: "model1",
      backend: "tensorflow",
      engine: "tfjs",
      params: 878_730,
      flopsPerImage: 31_412_736,
      epochs: [1, 2].map((epoch) => ({
        epoch,
        trainSeconds: 60 - epoch,
        imagesPerSecond: 55_000 / (60 - epoch),
        loss: 0.5 / epoch,
        accuracy: 0.8 + epoch / 100,
        valLoss: 0.4 / epoch,
        valAccuracy: 0.85 + epoch / 100,
        numTensors: 40,
      })),
      test: {
        accuracy: 0.9,
        loss: 0.28,
        count: 10_000,
        confusion: Array.from(
          { length: 10 },
          (_, i) => Array.from({ length: 10 }, (_, j) => (i === j ? 900 : 11)),
        ),
      },
      inference: {
        batch1: { p50Ms: 1.5, p95Ms: 2.25, minMs: 1.25, runs: 100 },
        batched: { batchSize: 1024, imagesPerSecond: 5120, runs: 5 },
      },
    }],
  };
}

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

/** A schema-1 file of `sampleResults()`'s run, with the given config fields. */
function v1(config: Record<string, unknown>): unknown {
  const results = structuredClone(sampleResults()) as unknown as {
    schemaVersion: number;
    config: Record<string, unknown>;
    runs: Record<string, unknown>[];
  };
  results.schemaVersion = 1;
  delete results.config.engine;
  delete results.runs[0].engine;
  Object.assign(results.config, config);
  return results;
}

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

Deno.test("renderReport names the engine, and says when it was derived", () => {
  const md = renderReport(validateResults(v1({ trainStep: "native", inferencePath: "native" })));
  assert.match(
    md,
    /on the `tensorflow` backend with the `native` engine \(derived: the file predates the engine field\)/,
  );
  assert.match(md, /^\| model1 \| `native` \| 878,730 \|/m);
  assert.match(md, /timed on the engine's inference path: the native predictor/);
  const tfjs = renderReport(sampleResults());
  assert.match(tfjs, /with the `tfjs` engine, 2 epochs/);
  assert.match(tfjs, /timed on the engine's inference path: tfjs-layers' `predictOnBatch`\./);
});

Deno.test("renderReport shows accuracy, epoch times, latency and the environment", () => {
  const md = renderReport(sampleResults(), "deno task train-all --epochs 2");
  assert.match(md, /^# fmnist-bench results$/m);
  assert.match(md, /```sh\ndeno task train-all --epochs 2\n```/);
  // Median of epochs after the first: only epoch 2 (58 s) is steady-state.
  assert.match(
    md,
    /^\| model1 \| `tfjs` \| 878,730 \| 31\.4 \| 2 \| 90\.00% \| 0\.2800 \| 58\.0 \(58\.0–58\.0, 1 epoch\) \| 948 \| 1\.50 ms \| – \/ 2\.25 \/ – ms of 100 \| 5120 \|$/m,
  );
  assert.match(md, /^\| \*\*T-shirt\/top\*\* \| 900 \| 11 \|/m);
  assert.match(md, /^\| GPU \| none \(nvidia-smi not found\) \|$/m);
});
