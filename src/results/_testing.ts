/**
 * Results files for tests: a small complete one, and its schema-1 form.
 *
 * @module
 */
import { type ResultsFile, SCHEMA_VERSION } from "./schema.ts";

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

/** A schema-1 file of {@link sampleResults}' run, with the given config fields. */
export function v1(config: Record<string, unknown>): unknown {
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
