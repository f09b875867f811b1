import assert from "node:assert/strict";
import { BACKEND_NAMES } from "../backends/registry.ts";
import {
  assertEngineRunsOn,
  COMPARED_ENGINES,
  DEFAULT_ENGINE,
  ENGINE_NAMES,
  engineOfLegacyConfig,
  ENGINES,
  getEngineSpec,
  onlyEngineOn,
} from "./registry.ts";

Deno.test("the engine registry: tfjs first and the default, every backend known", () => {
  assert.deepEqual(ENGINE_NAMES, ["tfjs", "native", "tfjs-patched"]);
  assert.equal(DEFAULT_ENGINE, "tfjs");
  assert.deepEqual(COMPARED_ENGINES, ["tfjs", "native"]);
  for (const e of ENGINES) {
    for (const b of e.backends) assert.ok(BACKEND_NAMES.includes(b), `${e.name}: ${b}`);
  }
  const tfjs = getEngineSpec("tfjs");
  assert.deepEqual(tfjs.backends, BACKEND_NAMES, "stock TF.js runs everywhere");
  assert.deepEqual(
    [tfjs.trainStep, tfjs.inferencePath, tfjs.patchesTfjs],
    ["fit", "layers", false],
  );
  const native = getEngineSpec("native");
  assert.deepEqual(
    [native.trainStep, native.inferencePath, native.patchesTfjs],
    ["native", "native", true],
  );
  const patched = getEngineSpec("tfjs-patched");
  assert.deepEqual(
    [patched.trainStep, patched.inferencePath, patched.patchesTfjs],
    ["fit", "layers", true],
  );
});

Deno.test("getEngineSpec names what it expected and what it got", () => {
  assert.throws(
    () => getEngineSpec("fast"),
    new RangeError('expected one of tfjs, native, tfjs-patched, got "fast"'),
  );
});

Deno.test("assertEngineRunsOn refuses native on cpu, naming both and the fix", () => {
  assertEngineRunsOn(getEngineSpec("native"), "tensorflow");
  assertEngineRunsOn(getEngineSpec("native"), "tensorflow-gpu");
  assert.throws(
    () => assertEngineRunsOn(getEngineSpec("native"), "cpu"),
    new RangeError(
      "--engine native runs on tensorflow-gpu, tensorflow, not cpu; " +
        "use --engine tfjs on cpu, or a backend it runs on",
    ),
  );
  assert.equal(onlyEngineOn("webgpu"), "tfjs");
  assert.equal(onlyEngineOn("tensorflow"), undefined);
});

Deno.test("engineOfLegacyConfig derives a schema-1 run's engine", () => {
  assert.equal(engineOfLegacyConfig({}), "tfjs");
  assert.equal(engineOfLegacyConfig({ trainStep: "fit", nativeGradients: [] }), "tfjs");
  assert.equal(engineOfLegacyConfig({ nativeGradients: ["Relu", "MaxPool"] }), "tfjs-patched");
  assert.equal(engineOfLegacyConfig({ trainStep: "native", nativeGradients: ["Relu"] }), "native");
});
