import assert from "node:assert/strict";
import { join } from "node:path";
import { buildComparison } from "../compare/comparison.ts";
import { validateResults } from "../results/schema.ts";
import type { KerasVersions } from "./keras.ts";
import { createResultsWriter } from "../results/writer.ts";
import { describeKerasDevice, kerasBackendName, kerasRecord } from "./keras_results.ts";

const FIXTURES = new URL("../../fixtures/", import.meta.url).pathname;

async function readFixture(path: string) {
  const file = join(FIXTURES, path);
  return validateResults(JSON.parse(await Deno.readTextFile(file)), file);
}

/** A GPU machine's Keras on JAX, as keras_peer.py reports it (the run record is a recorded one). */
const JAX: KerasVersions = {
  keras: "3.15.1",
  backend: "jax",
  backendVersion: "0.11.0",
  device: "gpu:0 NVIDIA H100 80GB HBM3",
  gpu: true,
  python: "3.12.3",
};

async function kitKerasResults() {
  const recorded = await readFixture("peer/model1-keras-1/results.json");
  const backend = kerasBackendName("jax");
  const writer = await createResultsWriter({
    outDir: await Deno.makeTempDir(),
    ...kerasRecord({
      versions: JAX,
      env: { ...recorded.env, machine: "h100" },
      config: { ...recorded.config, backend },
    }),
  });
  for (const r of recorded.runs) await writer.putRun({ ...r, backend });
  await Deno.remove(join(writer.path, ".."), { recursive: true });
  return writer.results;
}

Deno.test("a Keras run on JAX is labelled: backend keras-jax, engine keras, env.keras, a GPU device", async () => {
  const results = await kitKerasResults();
  assert.equal(results.config.backend, "keras-jax");
  assert.equal(results.config.engine, "keras");
  assert.equal(results.env.backend, "keras-jax");
  assert.deepEqual(results.env.deviceInfo, { kind: "gpu" });
  assert.equal(
    results.env.device,
    "Keras 3.15.1 on JAX 0.11.0 (gpu:0 NVIDIA H100 80GB HBM3), Python 3.12.3",
  );
  assert.deepEqual(results.env.keras, {
    version: "3.15.1",
    backend: "jax",
    backendVersion: "0.11.0",
    device: "gpu:0 NVIDIA H100 80GB HBM3",
    python: "3.12.3",
  });
  assert.equal(results.runs[0].backend, "keras-jax");
  // What is written is read back as it is.
  assert.deepEqual(validateResults(JSON.parse(JSON.stringify(results))), results);
});

Deno.test("the peer's Keras device line on TensorFlow is as before", () => {
  assert.equal(
    describeKerasDevice({
      keras: "3.15.1",
      backend: "tensorflow",
      backendVersion: "2.21.0",
      device: "CPU",
      gpu: false,
      python: "3.11.7",
    }),
    "Keras 3.15.1 on TensorFlow 2.21.0 (CPU), Python 3.11.7",
  );
});

Deno.test("merge puts a kit's Keras rows beside TF.js's WebGPU rows, never in their place", async () => {
  const keras = await kitKerasResults();
  const webgpu = await readFixture("results/h100-webgpu/results.json");
  const h100 = { ...webgpu, env: { ...webgpu.env, machine: "h100" } };
  const c = buildComparison({
    results: [{ results: keras, source: "keras" }, { results: h100, source: "webgpu" }],
  });
  const model1 = c.rows.filter((r) => r.model === "model1");
  assert.deepEqual(
    model1.map((r) => [r.backend, r.engine, r.deviceKind]),
    [["keras-jax", "keras", "gpu"], ["webgpu", "tfjs", "gpu"]],
  );
  const row = model1[0];
  assert.match(row.device!, /^Keras 3\.15\.1 on JAX/);
  assert.equal(row.speedup, null);
  assert.equal(row.engineSpeedup, null);
  assert.equal(c.notes.length, 0);
  // The machine is summed up from its TF.js run, whichever file came first.
  const [machine] = c.machines;
  assert.equal(machine.software, `Deno ${webgpu.env.deno}, TF.js ${webgpu.env.tfjs}`);
  const reversed = buildComparison({
    results: [{ results: h100, source: "webgpu" }, { results: keras, source: "keras" }],
  });
  assert.equal(reversed.machines[0].software, machine.software);
  const kerasOnly = buildComparison({ results: [{ results: keras, source: "keras" }] });
  assert.equal(
    kerasOnly.machines[0].software,
    `Deno ${keras.env.deno}, Keras 3.15.1 on jax 0.11.0, Python 3.12.3`,
  );
});

Deno.test("env.keras names a Keras backend the peer runs on", async () => {
  const results = structuredClone(await kitKerasResults());
  (results.env.keras as { backend: string }).backend = "mxnet";
  assert.throws(() => validateResults(results), /\/env\/keras\/backend must be equal to one of/);
});
