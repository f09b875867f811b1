import assert from "node:assert/strict";
import type { ProbeResult } from "../backends/types.ts";
import { getEngineSpec } from "../engines/registry.ts";
import { planRuns, selectBackends } from "./compare_plan.ts";

const tfjs = getEngineSpec("tfjs");
const native = getEngineSpec("native");

Deno.test("selectBackends runs each engine where it can and leaves out defaulted idle backends", () => {
  assert.deepEqual(selectBackends(undefined, undefined).backends, [
    "tensorflow-gpu",
    "tensorflow",
    "webgpu",
    "wasm",
    "cpu",
  ]);
  const nativeOnly = selectBackends(undefined, { flag: "--engines", list: [native] });
  assert.deepEqual(nativeOnly.backends, ["tensorflow-gpu", "tensorflow"]);
  assert.deepEqual(nativeOnly.leftOut, ["webgpu", "wasm", "cpu"]);
  assert.deepEqual(selectBackends("cpu,tensorflow,cpu", undefined).backends, ["cpu", "tensorflow"]);
});

Deno.test("selectBackends refuses backends and engines that do not fit, in one line", () => {
  assert.throws(() => selectBackends("cpu,webgpu", { flag: "--engines", list: [native] }), {
    name: "UsageError",
    message: "--engines native runs on tensorflow-gpu, tensorflow, not cpu, webgpu; " +
      "add one of those to --backends, or drop native",
  });
  assert.throws(() => selectBackends("tensorflow,cpu", { flag: "--engine", list: [native] }), {
    message: "--backends cpu: none of --engine native runs there; " +
      "add tfjs to --engine, or drop cpu from --backends",
  });
  assert.throws(() => selectBackends(" , ", undefined), {
    message: '--backends: expected a comma-separated list, got ""',
  });
  assert.throws(() => selectBackends("tpu", undefined), {
    message: /^--backends: unknown backend "tpu"/,
  });
});

Deno.test("planRuns plans every engine and model per backend, short runs on slow ones, rows for the rest", () => {
  const probes = new Map<string, ProbeResult>([
    ["tensorflow-gpu", {
      name: "tensorflow-gpu",
      available: false,
      reason: "no NVIDIA driver",
    }],
    ["tensorflow", {
      name: "tensorflow",
      available: true,
      reason: "ok",
      device: { kind: "cpu", description: "libtensorflow 2.21.0 (CPU)" },
    }],
    ["cpu", {
      name: "cpu",
      available: true,
      reason: "ok",
      device: { kind: "cpu", description: "TensorFlow.js pure-JS CPU kernels" },
    }],
  ]);
  const { plan, skipped, lines } = planRuns({
    backends: ["tensorflow-gpu", "tensorflow", "cpu"],
    engines: [tfjs, native],
    models: ["model1", "model2"],
    probes,
    epochs: 3,
    trainSize: undefined,
    shortTrainSize: 64,
    machine: "m",
  });
  assert.deepEqual(plan.map((p) => `${p.backend} ${p.engine} ${p.model}`), [
    "tensorflow tfjs model1",
    "tensorflow tfjs model2",
    "tensorflow native model1",
    "tensorflow native model2",
    "cpu tfjs model1",
    "cpu tfjs model2",
  ]);
  assert.deepEqual(plan.at(-1)!.short, { trainSize: 64, epochs: 2 });
  assert.equal(plan[0].short, null);
  assert.deepEqual(skipped.map((s) => [s.backend, s.engine, s.model, s.status, s.reason]), [
    ["tensorflow-gpu", "tfjs", "model1", "unavailable", "no NVIDIA driver"],
    ["tensorflow-gpu", "native", "model1", "unavailable", "no NVIDIA driver"],
    ["tensorflow-gpu", "tfjs", "model2", "unavailable", "no NVIDIA driver"],
    ["tensorflow-gpu", "native", "model2", "unavailable", "no NVIDIA driver"],
  ]);
  assert.deepEqual(lines, [
    "tensorflow-gpu: not available: no NVIDIA driver",
    "tensorflow: libtensorflow 2.21.0 (CPU); engines tfjs, native",
    "cpu: TensorFlow.js pure-JS CPU kernels (slow here: short run of 64 images × 2 epochs); engines tfjs",
  ]);
  const full = planRuns({
    backends: ["cpu"],
    engines: [tfjs],
    models: ["model1"],
    probes,
    epochs: 3,
    trainSize: 500,
    shortTrainSize: 64,
    machine: "m",
  });
  assert.equal(full.plan[0].short, null);
});
