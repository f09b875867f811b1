/**
 * The training loop on the real tensorflow backend and a small stratified
 * subset of the fixture split: one record per epoch with its figures, the
 * callbacks, the order, resuming after completed epochs, the abort signal
 * and the native step.
 */
import assert from "node:assert/strict";
import type { LayersModel } from "@tensorflow/tfjs";
import { loadBackend } from "../backends/registry.ts";
import { prepareEngine } from "../tf_ops/install.ts";
import { getEngineSpec } from "../engines/registry.ts";
import { loadFixtureData } from "../data/load.ts";
import { permutation, stratifiedSubset } from "../data/split.ts";
import { toTensors } from "../data/tensors.ts";
import { buildModel } from "../models/factory.ts";
import { referenceSpec } from "../models/spec.ts";
import type { EpochRecord } from "../results/schema.ts";
import { restoreCheckpoint, saveCheckpoint } from "./checkpoint.ts";
import { type TensorSplit, trainEpochs, type TrainEpochsOptions } from "./trainer.ts";

/** `epoch:batch/batches` for every batch of `epochs` epochs, as the tests record them. */
function batchLabels(epochs: number, batches: number): string[] {
  return Array.from(
    { length: epochs * batches },
    (_, i) => `${Math.floor(i / batches) + 1}:${i % batches}/${batches}`,
  );
}

const loaded = await loadBackend("tensorflow");
prepareEngine(loaded, getEngineSpec("native"));
const { tf } = loaded;
const data = await loadFixtureData();
// 100 training images: 4 batches of 32, the last one of 4.
const trainSplit = stratifiedSubset(data.train, { size: 100, seed: 1 });
const validationSplit = stratifiedSubset(data.test, { size: 50, seed: 2 }); // any labelled split
const spec = referenceSpec("tiny", 4);
const order = (epoch: number, n: number) => permutation(n, 1000 + epoch);

/** Runs `fn` with a fresh tiny model and the subsets as tensors, disposing all of them after. */
async function withModel<T>(
  fn: (model: LayersModel, train: TensorSplit, validation: TensorSplit) => T,
): Promise<Awaited<T>> {
  const model = buildModel(spec, { seed: 42 });
  const train = toTensors(trainSplit);
  const validation = toTensors(validationSplit);
  try {
    return await fn(model, train, validation);
  } finally {
    model.optimizer.dispose();
    model.dispose();
    tf.dispose([train.xs, train.ys, validation.xs, validation.ys]);
  }
}

function assertFiniteRecord(r: EpochRecord, epoch: number, n: number, validated: boolean) {
  assert.equal(r.epoch, epoch);
  assert.ok(Number.isFinite(r.loss) && r.loss > 0, `epoch ${epoch} loss ${r.loss}`);
  assert.ok(r.accuracy >= 0 && r.accuracy <= 1, `epoch ${epoch} accuracy ${r.accuracy}`);
  assert.ok(Number.isFinite(r.trainSeconds) && r.trainSeconds > 0, `${r.trainSeconds} s`);
  assert.ok(Math.abs(r.imagesPerSecond - n / r.trainSeconds) < 1e-9 * r.imagesPerSecond);
  if (validated) {
    assert.ok(Number.isFinite(r.valLoss) && r.valLoss! > 0, `val loss ${r.valLoss}`);
    assert.ok(r.valAccuracy! >= 0 && r.valAccuracy! <= 1, `val accuracy ${r.valAccuracy}`);
  } else {
    assert.equal(r.valLoss, null);
    assert.equal(r.valAccuracy, null);
  }
  assert.ok(Number.isInteger(r.numTensors) && r.numTensors > 0);
}

Deno.test("trainEpochs returns one record per epoch with finite figures and no growth in tensors", async () => {
  const before = tf.memory().numTensors;
  const records = await withModel((model, train, validation) =>
    trainEpochs({ model, train, validation, epochs: 3, batchSize: 32, order })
  );
  assert.equal(records.length, 3);
  records.forEach((r, i) => assertFiniteRecord(r, i + 1, 100, true));
  const counts = records.map((r) => r.numTensors);
  assert.deepEqual(counts, [counts[0], counts[0], counts[0]], `numTensors by epoch: ${counts}`);
  assert.equal(tf.memory().numTensors, before, "nothing is left once the model is disposed");
});

Deno.test("trainEpochs without a validation split records null validation figures", async () => {
  const records = await withModel((model, train) =>
    trainEpochs({ model, train, epochs: 1, batchSize: 50, order })
  );
  assert.equal(records.length, 1);
  assertFiniteRecord(records[0], 1, 100, false);
});

Deno.test("trainEpochs asks for each epoch's order and reports every batch, then every epoch, awaited", async () => {
  const orders: [number, number][] = [];
  const batches: string[] = [];
  const epochs: number[][] = [];
  let epochDone = false;
  const records = await withModel((model, train) =>
    trainEpochs({
      model,
      train,
      epochs: 2,
      batchSize: 32,
      order: (epoch, n) => {
        orders.push([epoch, n]);
        return order(epoch, n);
      },
      onBatch: (epoch, batch, count) => {
        if (batch === 0 && epoch > 1) assert.ok(epochDone, "the previous onEpoch was awaited");
        batches.push(`${epoch}:${batch}/${count}`);
      },
      onEpoch: async (record, all) => {
        epochDone = false;
        epochs.push(all.map((r) => r.epoch));
        assert.equal(all.at(-1), record);
        await new Promise((resolve) => setTimeout(resolve, 20));
        epochDone = true;
      },
    })
  );
  assert.deepEqual(orders, [[1, 100], [2, 100]]);
  assert.deepEqual(batches, batchLabels(2, 4));
  assert.deepEqual(epochs, [[1], [1, 2]]);
  assert.equal(records.length, 2);
});

Deno.test("trainEpochs continues after the completed epochs, which come first in its records", async () => {
  const done: EpochRecord = {
    epoch: 1,
    trainSeconds: 2,
    imagesPerSecond: 50,
    loss: 2.5,
    accuracy: 0.1,
    valLoss: null,
    valAccuracy: null,
    numTensors: 7,
  };
  const asked: number[] = [];
  const records = await withModel((model, train) =>
    trainEpochs({
      model,
      train,
      epochs: 2,
      completed: [done],
      batchSize: 32,
      order: (epoch, n) => (asked.push(epoch), order(epoch, n)),
    })
  );
  assert.deepEqual(asked, [2], "only epoch 2 is trained");
  assert.equal(records.length, 2);
  assert.deepEqual(records[0], done);
  assertFiniteRecord(records[1], 2, 100, false);
  // Nothing is left to train: the completed records come back as they are.
  const none = await withModel((model, train) =>
    trainEpochs({
      model,
      train,
      epochs: 1,
      completed: [done],
      order: () => assert.fail("no epoch is trained"),
    })
  );
  assert.deepEqual(none, [done]);
});

Deno.test("trainEpochs resumed from a checkpoint trains the epoch an uninterrupted run trains", async () => {
  const options = { epochs: 2, batchSize: 32, order } as const;
  const straight = await withModel((model, train) => trainEpochs({ model, train, ...options }));
  const dir = await Deno.makeTempDir();
  try {
    const first = await withModel(async (model, train) => {
      const records = await trainEpochs({ model, train, ...options, epochs: 1 });
      await saveCheckpoint(dir, model, { model: spec.name, epochs: records });
      return records;
    });
    // A fresh model (same seed, as train-all builds it), restored: weights and Adam state;
    // trainEpochs puts its dropout masks at the step after the completed epoch.
    const resumed = await withModel(async (model, train) => {
      const state = await restoreCheckpoint(dir, model, spec.name);
      return await trainEpochs({ model, train, ...options, completed: state!.epochs });
    });
    assert.deepEqual(resumed.map((r) => r.epoch), [1, 2]);
    assert.deepEqual(resumed[0], first[0]);
    assert.ok(
      Math.abs(resumed[1].loss - straight[1].loss) < 1e-5,
      `epoch 2 loss ${resumed[1].loss} resumed vs ${straight[1].loss} uninterrupted`,
    );
    assert.ok(Math.abs(resumed[1].accuracy - straight[1].accuracy) <= 0.01, "at most one image");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("trainEpochs stops after the epoch in flight when aborted, keeping its record", async () => {
  const controller = new AbortController();
  const batches: string[] = [];
  const records = await withModel((model, train) =>
    trainEpochs({
      model,
      train,
      epochs: 3,
      batchSize: 50,
      order,
      signal: controller.signal,
      onBatch: (epoch, batch, count) => {
        batches.push(`${epoch}:${batch}/${count}`);
        if (epoch === 1 && batch === 0) controller.abort(); // mid-epoch: the epoch still ends
      },
    })
  );
  assert.deepEqual(batches, ["1:0/2", "1:1/2"]);
  assert.equal(records.length, 1);
  assertFiniteRecord(records[0], 1, 100, false);
  // Already aborted: nothing is trained.
  const none = await withModel((model, train) =>
    trainEpochs({
      model,
      train,
      epochs: 3,
      order: () => assert.fail("no epoch is trained"),
      signal: AbortSignal.abort(),
    })
  );
  assert.deepEqual(none, []);
});

Deno.test("trainEpochs with the native step records the same figures and batches", async () => {
  const batches: string[] = [];
  const trainWith = (step: TrainEpochsOptions["step"]) =>
    withModel((model, train, validation) =>
      trainEpochs({
        model,
        train,
        validation,
        epochs: 2,
        batchSize: 32,
        step,
        order,
        onBatch: step === "native" ? (e, b, n) => batches.push(`${e}:${b}/${n}`) : undefined,
      })
    );
  const native = await trainWith("native");
  const fit = await trainWith("fit");
  assert.deepEqual(batches, batchLabels(2, 4));
  assert.equal(native.length, 2);
  native.forEach((r, i) => assertFiniteRecord(r, i + 1, 100, true));
  assert.equal(native[0].numTensors, native[1].numTensors);
  for (const i of [0, 1]) {
    assert.ok(
      Math.abs(native[i].loss - fit[i].loss) < 2e-3,
      `epoch ${i + 1}: native loss ${native[i].loss} vs fit ${fit[i].loss}`,
    );
  }
});
