import assert from "node:assert/strict";
import { describePlan, parseBudget, planBudget, type SideRate, updateRates } from "./budget.ts";

const sides = [
  {
    side: "webgpu",
    imagesPerSecond: { model1: 1000, model2: 500, model3: 250 },
    overheadSeconds: 20,
  },
  {
    side: "keras",
    imagesPerSecond: { model1: 2000, model2: 1000, model3: 500 },
    overheadSeconds: 20,
  },
];

Deno.test("planBudget gives model1 the most data that fits, and the later models what is left", () => {
  const plan = planBudget({
    budgetSeconds: 480,
    models: ["model1", "model2", "model3"],
    sides,
    epochs: 3,
    maxTrainSize: 54_000,
    minTrainSize: 1_000,
  });
  // 0.8 × 480 = 384 s; model1: 40 s overhead + 3n(1/1000 + 1/2000) ≤ 384 → n = 76,444, capped at the data
  // would not fit: 3 × 54,000 × 0.0015 = 243 s + 40 = 283 s, so the whole data set.
  assert.deepEqual(plan.runs.filter((r) => r.model === "model1").map((r) => r.trainSize), [
    54_000,
    54_000,
  ]);
  // 384 − 283 = 101 s left: model2 gets 3n(1/500 + 1/1000) ≤ 61 s → n = 6,777 → 6,000
  assert.deepEqual(plan.runs.filter((r) => r.model === "model2").map((r) => r.trainSize), [
    6_000,
    6_000,
  ]);
  assert.equal(plan.leftOut.length, 1);
  assert.match(
    plan.leftOut[0],
    /^model3: \d+ s of the budget left, and its smallest run \(1000 images × 3 epochs on 2 sides\) needs \d+ s$/,
  );
  assert.ok(plan.seconds <= 480 * 0.8, `${plan.seconds} s`);
  for (const r of plan.runs) assert.equal(r.epochs, 3);
});

Deno.test("planBudget shrinks model1 to the budget and keeps every side on the same data", () => {
  const plan = planBudget({
    budgetSeconds: 100,
    models: ["model1"],
    sides,
    epochs: 3,
    maxTrainSize: 54_000,
    minTrainSize: 500,
  });
  // 80 − 40 = 40 s for 3n × 0.0015 → n = 8,888 → 8,000
  assert.deepEqual(plan.runs.map((r) => [r.side, r.trainSize]), [["webgpu", 8_000], [
    "keras",
    8_000,
  ]]);
  assert.deepEqual(describePlan(plan, 100), [
    "model1 on webgpu: 8,000 training images × 3 epochs, about 44 s",
    "model1 on keras: 8,000 training images × 3 epochs, about 32 s",
    "about 76 s in all, of a budget of 100 s",
  ]);
});

Deno.test("planBudget refuses a plan it cannot make, naming what is wrong", () => {
  const base = { models: ["model1"], sides, epochs: 3, maxTrainSize: 1_000, minTrainSize: 100 };
  assert.throws(() => planBudget({ ...base, budgetSeconds: 0 }), {
    message: "budget: expected a positive number of seconds, got 0",
  });
  assert.throws(() => planBudget({ ...base, budgetSeconds: 60, epochs: 1 }), {
    message: "epochs: expected at least 2 (the first is left out of the median), got 1",
  });
  assert.throws(() => planBudget({ ...base, budgetSeconds: 60, models: ["model9"] }), {
    message: "webgpu: expected images/s for model9, got undefined",
  });
});

Deno.test("parseBudget reads seconds, minutes and hours", () => {
  assert.equal(parseBudget("480s"), 480);
  assert.equal(parseBudget("480"), 480);
  assert.equal(parseBudget("8m"), 480);
  assert.equal(parseBudget("1h30m"), 5400);
  assert.equal(parseBudget("1.5m"), 90);
  for (const bad of ["", "8x", "m", "0m", "-5"]) {
    assert.throws(() => parseBudget(bad), {
      message: `--budget: expected a duration such as 480s, 8m, 1h or 1h30m, got ${
        JSON.stringify(bad)
      }`,
    });
  }
});

Deno.test("planBudget counts an inference-only side by its overhead alone", () => {
  const plan = planBudget({
    budgetSeconds: 100,
    models: ["model1"],
    sides: [sides[0], {
      side: "wasm",
      trains: false,
      imagesPerSecond: {},
      overheadSeconds: { model1: 10 },
    }],
    epochs: 3,
    maxTrainSize: 54_000,
    minTrainSize: 500,
  });
  // 80 − 20 − 10 = 50 s for 3n / 1000 → n = 16,666 → 16,000
  assert.deepEqual(plan.runs.map((r) => [r.side, r.trainSize, r.epochs, r.seconds]), [
    ["webgpu", 16_000, 3, 68],
    ["wasm", 16_000, 0, 10],
  ]);
  assert.deepEqual(describePlan(plan, 100).slice(0, 2), [
    "model1 on webgpu: 16,000 training images × 3 epochs, about 68 s",
    "model1 on wasm: inference only, about 10 s",
  ]);
});

Deno.test("updateRates scales every model's rate and overhead by the last measured model", () => {
  const rates: SideRate[] = [
    { side: "a", imagesPerSecond: { model1: 1000, model2: 500 }, overheadSeconds: 20 },
    {
      side: "b",
      trains: false,
      imagesPerSecond: {},
      overheadSeconds: { model1: 10, model2: 40 },
    },
    { side: "c", imagesPerSecond: { model1: 100, model2: 50 }, overheadSeconds: 5 },
  ];
  const next = updateRates(rates, [
    { side: "a", model: "model1", imagesPerSecond: 2000, overheadSeconds: 12 },
    { side: "b", model: "model1", overheadSeconds: 5 },
  ]);
  assert.deepEqual(next, [
    { side: "a", imagesPerSecond: { model1: 2000, model2: 1000 }, overheadSeconds: 12 },
    {
      side: "b",
      trains: false,
      imagesPerSecond: {},
      overheadSeconds: { model1: 5, model2: 20 },
    },
    rates[2],
  ]);
});

/** A framework's pair: a fast GPU side and a CPU side at `cpuIps` images/s. */
function pair(name: string, cpuIps: number, overheadSeconds = 10): SideRate[] {
  return [
    { side: `${name} GPU`, pair: name, imagesPerSecond: { model1: 1000 }, overheadSeconds },
    { side: `${name} CPU`, pair: name, imagesPerSecond: { model1: cpuIps }, overheadSeconds },
  ];
}

Deno.test("planBudget shrinks both sides of a slow pair together, and only that pair", () => {
  const plan = planBudget({
    budgetSeconds: 500,
    models: ["model1"],
    sides: [...pair("slow", 25), ...pair("fast", 500)],
    epochs: 3,
    maxTrainSize: 10_000,
    minTrainSize: 1_000,
  });
  // 400 s: the fast pair needs 20 + 3 × 10,000 × (1/1000 + 1/500) = 110 s for all the data, less
  // than its half; the slow pair gets the other 290 s: 20 + 3n(1/1000 + 1/25) ≤ 290 → n = 2,195.
  assert.deepEqual(plan.runs.map((r) => [r.side, r.trainSize, r.epochs]), [
    ["slow GPU", 2_000, 3],
    ["slow CPU", 2_000, 3],
    ["fast GPU", 10_000, 3],
    ["fast CPU", 10_000, 3],
  ]);
  assert.deepEqual(plan.leftOut, []);
  assert.deepEqual(describePlan(plan, 500).slice(4), [
    "model1, slow pair: 2,000 training images on both sides (like for like), the most its share " +
    "of the budget fits: slow CPU is expected at 25 images/s",
    "model1, fast pair: 10,000 training images on both sides (like for like), all the data",
    "about 376 s in all, of a budget of 500 s",
  ]);
});

Deno.test("planBudget leaves a pair its smallest run before it gives the other its share", () => {
  const plan = planBudget({
    budgetSeconds: 300,
    models: ["model1"],
    sides: [...pair("slow", 25), ...pair("fast", 100)],
    epochs: 3,
    maxTrainSize: 10_000,
    minTrainSize: 1_000,
  });
  // 240 s: the slow pair's smallest run is 20 + 3,000 × 0.041 = 143 s, more than half; the fast
  // pair gets the 97 s left over it: 20 + 3n(1/1000 + 1/100) ≤ 97 → n = 2,333.
  assert.deepEqual(plan.runs.map((r) => [r.side, r.trainSize]), [
    ["slow GPU", 1_000],
    ["slow CPU", 1_000],
    ["fast GPU", 2_000],
    ["fast CPU", 2_000],
  ]);
});

Deno.test("planBudget leaves out a pair whose smallest run does not fit, and runs the other", () => {
  const plan = planBudget({
    budgetSeconds: 200,
    models: ["model1"],
    sides: [...pair("slow", 10), ...pair("fast", 500)],
    epochs: 3,
    maxTrainSize: 10_000,
    minTrainSize: 1_000,
  });
  assert.deepEqual(plan.runs.map((r) => [r.side, r.trainSize]), [
    ["fast GPU", 10_000],
    ["fast CPU", 10_000],
  ]);
  assert.deepEqual(plan.leftOut, [
    "model1, slow pair: 160 s of the budget left, and its smallest run (1000 images × 3 epochs " +
    "on 2 sides) needs 323 s",
  ]);
  assert.deepEqual(plan.pairs?.map((p) => [p.pair, p.trainSize, p.limit]), [
    ["fast", 10_000, "data"],
  ]);
});
