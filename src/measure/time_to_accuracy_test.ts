import assert from "node:assert/strict";
import { describeTarget, summarizeTimeToAccuracy, timeToAccuracy } from "./time_to_accuracy.ts";
import { firstEpochExtra } from "./cold_start.ts";

const epochs = [
  { epoch: 1, trainSeconds: 10.5, wallSeconds: 12, valAccuracy: 0.7 },
  { epoch: 2, trainSeconds: 9.25, wallSeconds: 11, valAccuracy: 0.81 },
  { epoch: 3, trainSeconds: 9, wallSeconds: 10.5, valAccuracy: 0.79 },
];

Deno.test("timeToAccuracy: a target crossed at epoch 2 takes exactly epochs 1 and 2's seconds", () => {
  const t = timeToAccuracy(epochs, [0.7, 0.8, 0.9]);
  assert.deepEqual(t, {
    epochs: 3,
    targets: [
      { target: 0.7, epoch: 1, trainSeconds: 10.5, wallSeconds: 12 },
      { target: 0.8, epoch: 2, trainSeconds: 10.5 + 9.25, wallSeconds: 23 },
      { target: 0.9, epoch: null, trainSeconds: null, wallSeconds: null },
    ],
  });
  assert.equal(describeTarget(t.targets[1], 3), "epoch 2, 19.8 s training (23.0 s wall)");
  assert.equal(describeTarget(t.targets[2], 3), "not reached in 3 epochs");
});

Deno.test("timeToAccuracy: no wall seconds when an epoch lacks them; no validation, never reached", () => {
  const t = timeToAccuracy([{ ...epochs[0], wallSeconds: undefined }, epochs[1]], [0.8]);
  assert.deepEqual(t.targets[0], { target: 0.8, epoch: 2, trainSeconds: 19.75, wallSeconds: null });
  const none = timeToAccuracy([{ ...epochs[0], valAccuracy: null }], [0.1]);
  assert.equal(none.targets[0].epoch, null);
});

Deno.test("summarizeTimeToAccuracy: from five runs on, the fastest and slowest are left out", () => {
  const run = (s: number | null) => ({
    epochs: 3,
    targets: [{ target: 0.8, epoch: s === null ? null : 2, trainSeconds: s, wallSeconds: s }],
  });
  const [five] = summarizeTimeToAccuracy([run(5), run(1), run(4), run(100), run(3)], [0.8]);
  assert.deepEqual(five, {
    target: 0.8,
    runs: 5,
    reached: 5,
    counted: 3,
    trainSeconds: 4,
    trainSecondsRange: [3, 5],
    wallSeconds: 4,
  });
  const [few] = summarizeTimeToAccuracy([run(2), run(null), run(4)], [0.8]);
  assert.deepEqual(few, {
    target: 0.8,
    runs: 3,
    reached: 2,
    counted: 2,
    trainSeconds: 3,
    trainSecondsRange: [2, 4],
    wallSeconds: 3,
  });
});

Deno.test("firstEpochExtra: the first epoch over the median of the others", () => {
  assert.equal(firstEpochExtra(epochs), 10.5 - (9.25 + 9) / 2);
  assert.deepEqual(firstEpochExtra(epochs.slice(0, 1)), {
    notMeasured: "needs at least 2 epochs to compare the first with, got 1",
  });
});
