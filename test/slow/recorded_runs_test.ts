/**
 * The runs of fixtures/recorded/ made again: train-all on `tensorflow`, the
 * browser executor on `browser-wasm` and the Keras side of `peer` write the
 * same fields, configuration and run description as the files recorded
 * before the run's code was reorganised, and train-all the same losses and
 * accuracies (to within float rounding across CPU classes).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { ResultsFile } from "../../src/results/schema.ts";
import { browserIgnore } from "../_browser.ts";
import { runCli } from "../_cli.ts";
import { probeTestKeras } from "../_keras.ts";

const RECORDED = new URL("../../fixtures/recorded/", import.meta.url).pathname;
const FLAGS = [
  ...["--fixtures", "--models", "model1", "--epochs", "2", "--train-size", "256"],
  ...["--validation-size", "64", "--test-size", "100", "--inference-batch", "64"],
  ...["--inference-runs", "50", "--seed", "7"],
];

const readJson = async (path: string) => JSON.parse(await Deno.readTextFile(path));

/** Every key path of `value` (array items as `[]`), sorted: the fields a file has. */
function keyPaths(value: unknown, prefix = ""): string[] {
  if (Array.isArray(value)) {
    return [...new Set(value.flatMap((v) => keyPaths(v, `${prefix}[]`)))].sort();
  }
  if (value === null || typeof value !== "object") return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keyPaths(v, `${prefix}.${k}`)).sort();
}

/**
 * The fields a run records, without those that depend on the machine: its
 * environment, and the meters a machine may or may not have (energy, GPU).
 */
function recordedFields(results: ResultsFile): string[] {
  const runs = results.runs.map(({ measures, ...run }) => ({
    ...run,
    measures: Object.keys(measures ?? {}),
  }));
  return keyPaths({ ...results, env: Object.keys(results.env).sort(), runs });
}

/**
 * `recorded`'s fields, but those of a trained run where it records an untrained one: the
 * recorded browser-wasm run could not train (`runs[].notTrained`, `test` null, no epochs); with
 * the suite's `Conv2DBackpropFilter` it trains, and records what the trained run `trained` does.
 */
function asTrained(recorded: ResultsFile, trained: ResultsFile): string[] {
  const training = /^\.runs\[\]\.(notTrained|test|epochs)\b/;
  return [
    ...recordedFields(recorded).filter((f) => !training.test(f)),
    ...recordedFields(trained).filter((f) => training.test(f)),
  ].sort();
}

function assertSameRecord(got: ResultsFile, recorded: ResultsFile, trained = recorded): void {
  assert.deepEqual(recordedFields(got), asTrained(recorded, trained));
  assert.deepEqual(got.config, recorded.config);
  assert.equal(got.status, recorded.status);
  assert.deepEqual(
    got.runs.map((r) => [r.model, r.backend, r.engine, r.params, r.notTrained]),
    recorded.runs.map((r) => [r.model, r.backend, r.engine, r.params, undefined]),
  );
}

Deno.test("train-all on tensorflow writes the recorded fields, losses and accuracies", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = join(dir, "run");
    const args = [...FLAGS, "--backend", "tensorflow", "--onednn", "off", "--json"];
    const { code, stderr } = await runCli("train_all", ...args, "--out", out);
    assert.equal(code, 0, stderr);
    const got: ResultsFile = await readJson(join(out, "results.json"));
    const recorded: ResultsFile = await readJson(join(RECORDED, "deno/results.json"));
    assertSameRecord(got, recorded);
    assert.deepEqual(
      await readJson(join(out, "run.json")),
      await readJson(join(RECORDED, "deno/run.json")),
    );
    const close = (a: number, b: number, what: string) =>
      assert.ok(Math.abs(a - b) <= 2e-3 * Math.max(1, Math.abs(b)), `${what}: ${a} against ${b}`);
    const [run] = got.runs;
    const [was] = recorded.runs;
    for (const [i, epoch] of run.epochs.entries()) {
      close(epoch.loss, was.epochs[i].loss, `epoch ${i + 1} loss`);
      close(epoch.valAccuracy ?? 0, was.epochs[i].valAccuracy ?? 0, `epoch ${i + 1} accuracy`);
    }
    close(run.test!.loss, was.test!.loss, "test loss");
    close(run.test!.accuracy, was.test!.accuracy, "test accuracy");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "the browser executor on browser-wasm writes the recorded fields",
  ignore: browserIgnore(),
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      const out = join(dir, "run");
      const args = [...FLAGS, "--backend", "browser-wasm", "--json", "--out", out];
      const { code, stderr } = await runCli("browser", ...args);
      assert.equal(code, 0, stderr);
      const got: ResultsFile = await readJson(join(out, "results.json"));
      assertSameRecord(
        got,
        await readJson(join(RECORDED, "browser/results.json")),
        await readJson(join(RECORDED, "deno/results.json")),
      );
      assert.deepEqual(
        await readJson(join(out, "run.json")),
        await readJson(join(RECORDED, "browser/run.json")),
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

const keras = await probeTestKeras();

Deno.test({
  name: `the Keras side of peer writes the recorded fields${
    keras.available ? "" : ` (skipped: ${keras.reason})`
  }`,
  ignore: !keras.available,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      const args = [...FLAGS, "--repeats", "1", "--engines", "tfjs", "--out", dir];
      const { code, stderr } = await runCli("peer", ...args);
      assert.equal(code, 0, stderr);
      const got: ResultsFile = await readJson(join(dir, "runs/model1/keras-1/results.json"));
      assertSameRecord(got, await readJson(join(RECORDED, "keras/results.json")));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
