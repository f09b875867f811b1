/**
 * The whole experiment on the real tensorflow backend, with two small models
 * on a stratified subset of the fixture split: what it writes, the events it
 * reports (a `written` one after each write, awaited), an interruption and the
 * resumed run, and a model skipped as done.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadBackend } from "../backends/registry.ts";
import { prepareEngine } from "../tf_ops/install.ts";
import { getEngineSpec } from "../engines/registry.ts";
import { loadFixtureData } from "../data/load.ts";
import { permutation, stratifiedSubset } from "../data/split.ts";
import { toTensors } from "../data/tensors.ts";
import { countParams, forwardFlopsPerImage } from "../models/cost.ts";
import { referenceSpec } from "../models/spec.ts";
import { collectEnvironment } from "../measure/environment.ts";
import {
  type ResultsFile,
  type RunConfig,
  SCHEMA_VERSION,
  validateResults,
} from "../results/schema.ts";
import {
  type ExperimentEvent,
  type ExperimentOptions,
  type ExperimentResult,
  readResults,
  runExperiment,
} from "./experiment.ts";
import { listTree } from "../_util/testing.ts";
import { describeRun } from "./run_description.ts";

const loaded = await loadBackend("tensorflow");
prepareEngine(loaded, getEngineSpec("native"));
const { tf, device } = loaded;
const data = await loadFixtureData();
const splits = {
  train: stratifiedSubset(data.train, { size: 96, seed: 1 }),
  validation: stratifiedSubset(data.train, { size: 40, seed: 2 }),
  test: stratifiedSubset(data.test, { size: 50, seed: 3 }),
};
const SPECS = [referenceSpec("tiny4", 4), referenceSpec("tiny8", 8)];
const env = await collectEnvironment({
  tfjsVersion: tf.version_core,
  tensorflowVersion: device.tensorflowVersion,
  backend: "tensorflow",
  device: device.description,
  deviceInfo: { kind: device.kind },
});

function config(epochs: number): RunConfig {
  return {
    models: SPECS.map((s) => s.name),
    epochs,
    batchSize: 32,
    trainSize: 96,
    validationSize: 40,
    testSize: 50,
    backend: "tensorflow",
    seed: 42,
    learningRate: 0.001,
    data: "fixtures: fixtures/fashion-mnist",
    inferenceBatchSize: 16,
    inferenceRuns: 5,
    trainStep: "fit",
    inferencePath: "layers",
    engine: "tfjs",
  };
}

/**
 * Runs the experiment into `outDir` on the subsets, with few inference runs,
 * collecting its events (`written` ones apart, as copies of the results they
 * carry); the tensors are made for it and disposed after. Each `written`
 * handler finds the results on disk and takes a while: no event may arrive
 * before it is done.
 */
async function run(
  outDir: string,
  options: Partial<ExperimentOptions> & { epochs: number },
): Promise<ExperimentResult & { events: ExperimentEvent[]; writes: ResultsFile[] }> {
  const events: ExperimentEvent[] = [];
  const writes: ResultsFile[] = [];
  let busy = false;
  const tensors = {
    train: toTensors(splits.train),
    validation: toTensors(splits.validation),
    test: toTensors(splits.test),
  };
  try {
    const engine = options.engine ?? getEngineSpec("tfjs");
    const result = await runExperiment({
      run: describeRun({
        models: SPECS.map((s) => s.name),
        epochs: options.epochs,
        batchSize: 32,
        seed: 42,
        engine: engine.name,
        data: { fixtures: true },
      }),
      models: SPECS,
      data: tensors,
      config: config(options.epochs),
      env,
      outDir,
      order: (epoch, n) => permutation(n, 42_000 + epoch),
      inference: { warmup: 1, runs: 5, batchSize: 16, batchedRuns: 2 },
      ...options,
      engine,
      onEvent: async (e) => {
        assert.equal(busy, false, `${e.type} arrived before the written handler was done`);
        await options.onEvent?.(e);
        if (e.type !== "written") return void events.push(e);
        busy = true;
        assert.equal(e.path, join(outDir, "results.json"));
        assert.deepEqual(await readResults(outDir), e.results, "the event follows the write");
        writes.push(structuredClone(e.results));
        await new Promise((resolve) => setTimeout(resolve, 5));
        busy = false;
      },
    });
    return { ...result, events, writes };
  } finally {
    for (const t of Object.values(tensors)) tf.dispose([t.xs, t.ys]);
  }
}

/** The events without their figures: type, model and the numbers that say where it was. */
function eventLine(e: ExperimentEvent): string {
  switch (e.type) {
    case "run-start":
      return `plan ${
        e.models.map((m) => `${m.model}:${m.complete ? "complete" : `${m.epochsLeft} left`}`).join(
          " ",
        )
      }`;
    case "phase":
      return `${e.phase} ${e.model}`;
    case "model-start":
      return `start ${e.model} from ${e.fromEpoch} of ${e.epochs}`;
    case "batch":
      return `batch ${e.model} ${e.epoch}:${e.batch}/${e.batches}`;
    case "epoch":
      return `epoch ${e.model} ${e.record.epoch} of ${e.epochs}`;
    case "model-done":
      return `done ${e.model}`;
    case "model-skip":
      return `skip ${e.model}: ${e.reason}`;
    case "interrupted":
      return `interrupted ${e.model} after ${e.epochs}`;
    case "written":
      return `written ${e.results.status}`;
  }
}

/** The events after a model's last epoch. */
const afterTraining = (model: string) =>
  ["evaluate", "inference", "save", "done"].map((step) => `${step} ${model}`);

const batches = (model: string, epoch: number) =>
  [0, 1, 2].map((b) => `batch ${model} ${epoch}:${b}/3`);

Deno.test("runExperiment trains, tests and times every model, writing results.json and the models", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const before = tf.memory().numTensors;
    const { results, interrupted, events, writes } = await run(dir, { epochs: 2 });
    assert.equal(tf.memory().numTensors, before, "every model and its optimizer disposed");
    assert.equal(interrupted, false);
    assert.equal(results.status, "complete");
    assert.equal(results.schemaVersion, SCHEMA_VERSION);
    assert.deepEqual(results.env, env);
    assert.deepEqual(results.config, config(2));
    assert.deepEqual(events.map(eventLine), [
      "plan tiny4:2 left tiny8:2 left",
      "start tiny4 from 1 of 2",
      ...batches("tiny4", 1),
      "epoch tiny4 1 of 2",
      ...batches("tiny4", 2),
      "epoch tiny4 2 of 2",
      ...afterTraining("tiny4"),
      "start tiny8 from 1 of 2",
      ...batches("tiny8", 1),
      "epoch tiny8 1 of 2",
      ...batches("tiny8", 2),
      "epoch tiny8 2 of 2",
      ...afterTraining("tiny8"),
    ]);
    for (const [i, spec] of SPECS.entries()) {
      const r = results.runs[i];
      assert.equal(r.model, spec.name);
      assert.equal(r.backend, "tensorflow");
      assert.equal(r.engine, "tfjs");
      assert.equal(r.params, countParams(spec));
      assert.equal(r.flopsPerImage, forwardFlopsPerImage(spec));
      assert.deepEqual(r.epochs.map((e) => e.epoch), [1, 2]);
      for (const e of r.epochs) {
        assert.ok(Number.isFinite(e.loss) && e.trainSeconds > 0 && e.valAccuracy !== null);
        assert.ok(Math.abs(e.imagesPerSecond - 96 / e.trainSeconds) < 1e-9 * e.imagesPerSecond);
      }
      assert.equal(r.test!.count, 50);
      assert.equal(r.test!.confusion.flat().reduce((a, b) => a + b, 0), 50);
      assert.equal(r.test!.confusion.reduce((a, row, c) => a + row[c], 0) / 50, r.test!.accuracy);
      assert.equal(r.inference!.batch1.runs, 5);
      assert.ok(r.inference!.batch1.p50Ms <= r.inference!.batch1.p95Ms);
      assert.deepEqual([r.inference!.batched.batchSize, r.inference!.batched.runs], [16, 2]);
      assert.ok(r.inference!.batched.imagesPerSecond > 0);
      assert.equal(r.inference!.path, "layers");
    }
    // Written at the start, after every epoch, after each model and at the end.
    assert.deepEqual(writes.map((w) => w.runs.map((r) => r.epochs.length).join("+")), [
      "0+0",
      "1+0",
      "2+0",
      "2+0",
      "2+1",
      "2+2",
      "2+2",
      "2+2",
    ]);
    assert.deepEqual(writes.map((w) => w.status), [...Array(7).fill("partial"), "complete"]);
    assert.deepEqual(writes.at(-1), results);
    // On disk: the results as returned, valid; the models; no checkpoint, no temporary file.
    assert.deepEqual(await readResults(dir), results);
    validateResults(JSON.parse(await Deno.readTextFile(join(dir, "results.json"))));
    assert.deepEqual(await listTree(dir), [
      "models",
      "models/tiny4",
      "models/tiny4/model.json",
      "models/tiny4/weights.bin",
      "models/tiny8",
      "models/tiny8/model.json",
      "models/tiny8/weights.bin",
      "results.json",
    ]);
    const saved = JSON.parse(await Deno.readTextFile(join(dir, "models/tiny8/model.json")));
    assert.equal(saved.modelTopology.config.name, "tiny8");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runExperiment stops after the epoch in flight when aborted, and a resumed run finishes it as if never stopped", async () => {
  const [stopped, straight] = [await Deno.makeTempDir(), await Deno.makeTempDir()];
  try {
    // Abort during tiny8's first epoch: tiny4 is complete, tiny8 has one epoch.
    const controller = new AbortController();
    const first = await run(stopped, {
      epochs: 2,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === "batch" && e.model === "tiny8" && e.epoch === 1) controller.abort();
      },
    });
    assert.equal(first.interrupted, true);
    assert.equal(first.results.status, "partial");
    assert.deepEqual(first.events.map(eventLine).slice(-2), [
      "epoch tiny8 1 of 2",
      "interrupted tiny8 after 1",
    ]);
    const [done, partial] = first.results.runs;
    assert.deepEqual(done.epochs.map((e) => e.epoch), [1, 2]);
    assert.ok(done.test && done.inference, "tiny4 finished before the abort");
    assert.deepEqual(partial.epochs.map((e) => e.epoch), [1]);
    assert.equal(partial.test, null);
    assert.equal(partial.inference, null);
    // Everything done so far is on disk, with tiny8's checkpoint.
    const onDisk = await readResults(stopped);
    assert.deepEqual(onDisk, first.results);
    assert.ok((await listTree(stopped)).includes("checkpoints/tiny8/latest.json"));
    assert.deepEqual(first.writes.at(-1), onDisk, "the last write is announced too");

    const resumed = await run(stopped, { epochs: 2, previous: onDisk });
    assert.equal(resumed.interrupted, false);
    assert.equal(resumed.results.status, "complete");
    assert.equal(resumed.results.createdAt, first.results.createdAt);
    assert.deepEqual(resumed.events.map(eventLine), [
      "plan tiny4:complete tiny8:1 left",
      "skip tiny4: already complete",
      "start tiny8 from 2 of 2",
      ...batches("tiny8", 2),
      "epoch tiny8 2 of 2",
      ...afterTraining("tiny8"),
    ]);
    assert.deepEqual(resumed.results.runs[0], done);
    assert.deepEqual(resumed.results.runs[1].epochs[0], partial.epochs[0]);
    assert.ok(!(await listTree(stopped)).some((p) => p.startsWith("checkpoints")));

    // The same run without a stop trains tiny8's second epoch to the same loss.
    const uninterrupted = await run(straight, { epochs: 2 });
    const [a, b] = [resumed.results.runs[1].epochs[1], uninterrupted.results.runs[1].epochs[1]];
    assert.ok(Math.abs(a.loss - b.loss) < 1e-5, `epoch 2 loss ${a.loss} resumed vs ${b.loss}`);
    assert.ok(Math.abs(a.valLoss! - b.valLoss!) < 1e-5, `val loss ${a.valLoss} vs ${b.valLoss}`);
  } finally {
    await Deno.remove(stopped, { recursive: true });
    await Deno.remove(straight, { recursive: true });
  }
});

Deno.test("runExperiment stopped while profiling resumes to take the profile, keeping what it measured", async () => {
  const dir = await Deno.makeTempDir();
  const profiling = { tf, ceiling: () => Promise.resolve(null) };
  try {
    // A crash as tiny8's profile starts: its epochs, test and inference are written, its profile not.
    await assert.rejects(
      run(dir, {
        epochs: 1,
        profiling,
        onEvent: (e) => {
          if (e.type === "phase" && e.phase === "profile" && e.model === "tiny8") {
            throw new Error("stopped while profiling");
          }
        },
      }),
      { message: "stopped while profiling" },
    );
    const onDisk = (await readResults(dir))!;
    const [done, unprofiled] = onDisk.runs;
    assert.ok(done.profile && done.inference, "tiny4 was profiled before the stop");
    assert.ok(unprofiled.inference && unprofiled.test, "tiny8 was measured before the stop");
    assert.equal(unprofiled.profile ?? null, null);
    assert.equal(onDisk.status, "partial");

    const resumed = await run(dir, { epochs: 1, profiling, previous: onDisk });
    assert.equal(resumed.results.status, "complete");
    assert.deepEqual(resumed.events.map(eventLine), [
      "plan tiny4:complete tiny8:0 left",
      "skip tiny4: already complete",
      "profile tiny8",
      "done tiny8",
    ]);
    const [first, second] = resumed.results.runs;
    assert.deepEqual(first, done);
    const { profile, ...measured } = second;
    const { profile: _none, ...before } = unprofiled;
    assert.deepEqual(measured, before, "nothing measured again");
    assert.ok(profile && "trainStep" in profile, "tiny8 now has its profile");
    assert.ok(!(await listTree(dir)).some((p) => p.startsWith("checkpoints")));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runExperiment aborted before it starts writes a partial file with no epoch", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { results, interrupted, events, writes } = await run(dir, {
      epochs: 1,
      signal: AbortSignal.abort(),
    });
    assert.equal(interrupted, true);
    assert.deepEqual(events.map(eventLine), [
      "plan tiny4:1 left tiny8:1 left",
      "start tiny4 from 1 of 1",
      "interrupted tiny4 after 0",
    ]);
    assert.deepEqual(results.runs.map((r) => r.epochs.length), [0, 0]);
    assert.deepEqual(await readResults(dir), results);
    assert.deepEqual(await listTree(dir), ["results.json"]);
    assert.deepEqual(writes.map((w) => w.status), ["partial", "partial"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readResults returns undefined without results.json and names the file it cannot read", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assert.equal(await readResults(dir), undefined);
    const path = join(dir, "results.json");
    await Deno.writeTextFile(path, "{ not json");
    await assert.rejects(readResults(dir), (err: Error) => {
      assert.equal(err.name, "TypeError");
      assert.ok(err.message.startsWith(`${path}: not valid JSON (`), err.message);
      return true;
    });
    await Deno.writeTextFile(path, JSON.stringify({ schemaVersion: 2 }));
    await assert.rejects(readResults(dir), {
      name: "TypeError",
      message: new RegExp(`^${path}: not a valid fmnist-bench results file`),
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
