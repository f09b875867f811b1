import assert from "node:assert/strict";
import { getEngineSpec } from "../engines/registry.ts";
import { parseBenchConfig } from "./model_bench.ts";

Deno.test("parseBenchConfig defaults to a full epoch of stock TF.js on the given backend", () => {
  assert.deepEqual(parseBenchConfig({}, "tensorflow"), {
    backends: ["tensorflow"],
    engine: getEngineSpec("tfjs"),
    trainSize: 60000,
    epochRuns: 3,
    batchSize: 128,
    inferenceBatch: 1024,
    fixtures: false,
    profile: false,
  });
});

Deno.test("parseBenchConfig reads a backend list, an epoch size and the fixture switch", () => {
  const config = parseBenchConfig(
    { backends: "tensorflow, webgpu,cpu", trainSize: "4096", epochRuns: "2", fixtures: "1" },
    "tensorflow",
  );
  assert.deepEqual(config.backends, ["tensorflow", "webgpu", "cpu"]);
  assert.equal(config.trainSize, 4096);
  assert.equal(config.epochRuns, 2);
  assert.equal(config.fixtures, true);
  assert.equal(parseBenchConfig({ fixtures: "1" }, "cpu").trainSize, 2000);
  assert.equal(parseBenchConfig({ profile: "1" }, "cpu").profile, true);
  assert.equal(parseBenchConfig({ profile: "0" }, "cpu").profile, false);
});

Deno.test("parseBenchConfig names a bad variable and what it expected", () => {
  assert.throws(() => parseBenchConfig({ trainSize: "lots" }, "tensorflow"), {
    name: "RangeError",
    message: 'FMNIST_BENCH_TRAIN_SIZE: expected a positive integer, got "lots"',
  });
  assert.throws(() => parseBenchConfig({ backends: "tensorflow,tpu" }, "tensorflow"), {
    message:
      'FMNIST_BENCH_BACKENDS: unknown backend "tpu": expected one of tensorflow-gpu, tensorflow, webgpu, wasm, cpu, browser-wasm, browser-webgl, browser-webgpu, browser-cpu',
  });
});

Deno.test("parseBenchConfig refuses two libtensorflow backends in one process", () => {
  assert.throws(() => parseBenchConfig({ backends: "tensorflow-gpu,tensorflow" }, "tensorflow"), {
    message: "FMNIST_BENCH_BACKENDS: tensorflow-gpu and tensorflow cannot share a process; " +
      "bench them in separate runs",
  });
});

Deno.test("parseBenchConfig reads FMNIST_BENCH_ENGINE and refuses one a backend cannot run", () => {
  assert.equal(parseBenchConfig({ engine: "native" }, "tensorflow").engine.name, "native");
  assert.throws(() => parseBenchConfig({ engine: "turbo" }, "tensorflow"), {
    name: "RangeError",
    message: 'FMNIST_BENCH_ENGINE: expected one of tfjs, native, tfjs-patched, got "turbo"',
  });
  assert.throws(() => parseBenchConfig({ engine: "native", backends: "tensorflow,cpu" }, "cpu"), {
    name: "RangeError",
    message: "FMNIST_BENCH_ENGINE native runs on tensorflow-gpu, tensorflow, not cpu; " +
      "use FMNIST_BENCH_ENGINE tfjs on cpu, or a backend it runs on",
  });
});
