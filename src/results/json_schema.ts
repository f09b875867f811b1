/**
 * The JSON Schema (draft 2020-12) of `results.json`, field by field as the
 * types in `schema.ts` declare them; `validateResults` checks every file
 * written or read against it.
 *
 * @module
 */
/**
 * Version of the results schema; bump it on any incompatible change.
 * Version 2 added the engine (`config.engine`, `runs[].engine`); version-1
 * files are still read, their engine derived (see `validateResults`).
 * Version 3 added the measures beyond seconds (`runs[].measures`, epochs'
 * `wallSeconds` and `joules`, `config.targetAccuracies`); files of versions
 * 1 and 2 are read without them.
 * Version 4 added the per-op profiles (`runs[].profile`, with `--profile`);
 * files of versions 1 to 3 are read without them.
 */
export const SCHEMA_VERSION = 4;

/** Every schema version `validateResults` reads: this one, 3, 2 and 1. */
export const READABLE_SCHEMA_VERSIONS: readonly number[] = [1, 2, 3, SCHEMA_VERSION];

const num = { type: "number" } as const;
const int = { type: "integer", minimum: 0 } as const;
const nullableNum = { type: ["number", "null"] } as const;
const str = { type: "string" } as const;
const nullableStr = { type: ["string", "null"] } as const;
const sha = { type: "string", pattern: "^[0-9a-f]{64}$" } as const;
const threadCount = { oneOf: [{ type: "integer", minimum: 1 }, { const: "default" }] } as const;
const obj = (properties: Record<string, unknown>, required = Object.keys(properties)) => ({
  type: "object",
  properties,
  required,
});
/** An object whose properties are all required but the `optional` ones. */
const objBut = (optional: readonly string[], properties: Record<string, unknown>) =>
  obj(properties, Object.keys(properties).filter((k) => !optional.includes(k)));

/** A `NotMeasured` (`src/measure/measures.ts`: a reason), or what `schema` says. */
const measured = (schema: unknown) => ({ oneOf: [obj({ notMeasured: str }), schema] });
const nullableInt = { type: ["integer", "null"], minimum: 0 } as const;

/** tfjs-backend-wasm's build and pool (`env.wasm`, `env.browser.wasm`). */
const wasmPool = obj({ simd: { type: "boolean" }, threads: int, multithread: { type: "boolean" } });

const measures = obj({
  memory: obj({
    host: measured(obj({
      method: { enum: ["VmHWM", "ru_maxrss"] },
      baselineBytes: int,
      trainingPeakBytes: nullableInt,
      inferencePeakBytes: nullableInt,
    })),
    tfjs: measured(obj({
      peakBytes: int,
      peakTensors: int,
      peakBytesInGpu: nullableInt,
      samples: int,
    })),
    device: measured(obj({ peakBytes: int, method: str })),
  }),
  coldStart: obj({
    backendLoadSeconds: measured(num),
    modelBuildSeconds: num,
    firstPredictionMs: nullableNum,
    firstEpochExtraSeconds: measured(num),
  }),
  timeToAccuracy: obj({
    epochs: int,
    targets: {
      type: "array",
      items: obj({
        target: num,
        epoch: { type: ["integer", "null"], minimum: 1 },
        trainSeconds: nullableNum,
        wallSeconds: nullableNum,
      }),
    },
  }),
  energy: measured(obj({
    meter: obj({ name: str, counts: { enum: ["cpu-package", "gpu"] }, intervalMs: nullableNum }),
    joulesPerEpoch: num,
    imagesPerJoule: num,
    gpu: obj({ utilisationPercent: num, smClockMHz: nullableNum }),
  }, ["meter", "joulesPerEpoch", "imagesPerJoule"])),
});

const samplesMs = { type: "array", items: num };
const inferenceBatch1 = obj(
  { p50Ms: num, p90Ms: num, p95Ms: num, p99Ms: num, minMs: num, runs: int, samplesMs },
  ["p50Ms", "p95Ms", "minMs", "runs"],
);
const inferenceBatched = obj({ batchSize: int, imagesPerSecond: num, runs: int, samplesMs }, [
  "batchSize",
  "imagesPerSecond",
  "runs",
]);

/** One `OpProfile` (`src/measure/op_profile.ts`). */
const opProfile = obj({
  work: { enum: ["train-step", "batch1", "batched"] },
  batchSize: int,
  source: str,
  repeats: { type: "integer", minimum: 1 },
  wallMs: num,
  profiledWallMs: num,
  opsMs: num,
  overheadMs: num,
  kinds: { type: "object", additionalProperties: num },
  ops: {
    type: "array",
    items: obj({
      name: str,
      kind: str,
      calls: num,
      totalMs: num,
      medianMs: num,
      share: num,
      flops: nullableNum,
      gflops: nullableNum,
      ofCeiling: nullableNum,
      bytesAdded: nullableNum,
    }),
  },
  ceilingGflops: nullableNum,
});

/** A `ModelProfiles`, or null where none was asked. */
const modelProfiles = {
  oneOf: [
    { type: "null" },
    obj({
      trainStep: measured(opProfile),
      batch1: measured(opProfile),
      batched: measured(opProfile),
    }),
  ],
};

/** The JSON Schema of `ResultsFile` (`schema.ts`), as `validateResults` checks every file. */
export const RESULTS_JSON_SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://fmnist-bench.invalid/results.schema.json",
  title: "fmnist-bench results",
  ...obj({
    schemaVersion: { enum: READABLE_SCHEMA_VERSIONS },
    createdAt: str,
    updatedAt: str,
    status: { enum: ["partial", "complete"] },
    env: obj({
      deno: str,
      v8: str,
      typescript: str,
      tfjs: str,
      tensorflow: nullableStr,
      backend: nullableStr,
      device: nullableStr,
      deviceInfo: obj({
        kind: { enum: ["cpu", "gpu"] },
        fellBackToCpu: { type: "boolean" },
        softwareAdapter: { type: "boolean" },
      }, ["kind"]),
      machine: str,
      os: str,
      cpu: obj({ model: str, cores: int, features: { type: "array", items: str } }, [
        "model",
        "cores",
      ]),
      onednn: obj({
        enabled: { type: "boolean" },
        source: { enum: ["variable", "cpu-default"] },
        reason: str,
      }),
      memoryBytes: int,
      threads: obj({ intraOp: threadCount, interOp: threadCount }),
      gpu: {
        oneOf: [
          { type: "null" },
          obj({
            name: str,
            driver: str,
            memoryMiB: nullableNum,
            maxSmClockMHz: nullableNum,
            maxMemoryClockMHz: nullableNum,
            powerLimitW: nullableNum,
          }, ["name", "driver"]),
        ],
      },
      gpuReason: str,
      gitCommit: nullableStr,
      keras: obj({
        version: str,
        backend: { enum: ["tensorflow", "jax", "torch"] },
        backendVersion: str,
        device: str,
        python: str,
      }),
      browser: obj({
        version: str,
        userAgent: str,
        mode: { enum: ["headless", "open"] },
        crossOriginIsolated: { type: "boolean" },
        softwareRenderer: { type: "boolean" },
        webgl: obj({ vendor: str, renderer: str, version: str }),
        webgpu: obj({ vendor: str, architecture: str, device: str, description: str }),
        wasm: wasmPool,
      }, ["version", "userAgent", "mode", "crossOriginIsolated", "softwareRenderer"]),
      wasm: wasmPool,
    }, ["deno", "tfjs", "tensorflow", "backend", "device", "cpu", "threads", "gpu", "gitCommit"]),
    config: obj({
      models: { type: "array", items: str, minItems: 1 },
      epochs: int,
      batchSize: int,
      trainSize: int,
      validationSize: int,
      testSize: int,
      backend: str,
      seed: { type: "integer" },
      learningRate: num,
      data: str,
      dataSource: {
        ...obj({
          kind: { enum: ["fixtures", "cache", "system", "download", "dir", "subset"] },
          dir: str,
          sha256: obj({ trainImages: sha, trainLabels: sha, testImages: sha, testLabels: sha }),
          subset: obj({
            of: obj({ trainImages: sha, trainLabels: sha, testImages: sha, testLabels: sha }),
            seed: { type: "integer" },
            perClass: obj({ train: int, test: int }),
            counts: obj({ train: int, test: int }),
          }),
        }, ["kind", "sha256"]),
        if: { properties: { kind: { enum: ["dir", "subset"] } } },
        then: { properties: { dir: str }, required: ["dir"] },
      },
      inferenceBatchSize: { type: "integer", minimum: 1 },
      moreInferenceBatchSizes: { type: "array", items: { type: "integer", minimum: 1 } },
      inferenceRuns: { type: "integer", minimum: 1 },
      inferenceWarmup: { type: "integer", minimum: 1 },
      targetAccuracies: {
        type: "array",
        items: { type: "number", exclusiveMinimum: 0, maximum: 1 },
      },
      nativeGradients: { type: "array", items: str },
      nativeKernels: { type: "array", items: str },
      kernelLibrary: obj({ library: { enum: ["onednn", "generic"] }, reason: str }),
      trainStep: { enum: ["fit", "native"] },
      inferencePath: { enum: ["layers", "native"] },
      engine: str,
    }, [
      "models",
      "epochs",
      "batchSize",
      "trainSize",
      "validationSize",
      "testSize",
      "backend",
      "seed",
      "learningRate",
      "data",
    ]),
    runs: {
      type: "array",
      items: obj({
        model: str,
        backend: str,
        engine: str,
        params: int,
        flopsPerImage: int,
        notTrained: str,
        epochs: {
          type: "array",
          items: objBut(["wallSeconds", "joules", "gpu"], {
            epoch: { type: "integer", minimum: 1 },
            trainSeconds: num,
            imagesPerSecond: num,
            loss: num,
            accuracy: num,
            valLoss: nullableNum,
            valAccuracy: nullableNum,
            numTensors: int,
            wallSeconds: num,
            joules: num,
            gpu: obj({ utilisationPercent: num, smClockMHz: nullableNum }),
          }),
        },
        test: {
          oneOf: [
            { type: "null" },
            obj({
              accuracy: num,
              loss: num,
              count: int,
              confusion: { type: "array", items: { type: "array", items: int } },
            }),
          ],
        },
        inference: {
          oneOf: [
            { type: "null" },
            obj({
              batch1: inferenceBatch1,
              batched: inferenceBatched,
              path: { enum: ["layers", "native"] },
              layers: obj({ batch1: inferenceBatch1, batched: inferenceBatched }),
              kernels: obj({
                batch1: { type: "array", items: str },
                batched: { type: "array", items: str },
              }),
              moreBatches: { type: "array", items: inferenceBatched },
            }, ["batch1", "batched"]),
          ],
        },
        measures,
        profile: modelProfiles,
      }, ["model", "backend", "params", "flopsPerImage", "epochs", "test", "inference"]),
    },
  }),
  // From schema 2 every run names its engine; a schema-1 file gets it derived when read.
  if: { type: "object", properties: { schemaVersion: { const: 1 } } },
  else: {
    type: "object",
    properties: {
      config: obj({ engine: str }),
      runs: { type: "array", items: obj({ engine: str }) },
    },
  },
} as const;
