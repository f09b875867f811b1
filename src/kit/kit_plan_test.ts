import assert from "node:assert/strict";
import { type BudgetPlan, describePlan, parseBudget, planBudget } from "./budget.ts";
import {
  expectedRates,
  KIT_DEFAULT_BUDGET,
  KIT_MIN_TRAIN_SIZE,
  KIT_SIDE_KINDS,
} from "./kit_plan.ts";

function kitPlan(budgetSeconds: number): BudgetPlan {
  return planBudget({
    budgetSeconds,
    models: ["model1", "model2", "model3"],
    sides: expectedRates(KIT_SIDE_KINDS.map((kind) => ({ name: kind, kind }))),
    epochs: 3,
    maxTrainSize: 25_000,
    minTrainSize: KIT_MIN_TRAIN_SIZE,
  });
}

/** `[side, trainSize, epochs]` of `model`'s runs. */
const runsOf = (plan: BudgetPlan, model: string) =>
  plan.runs.filter((r) => r.model === model).map((r) => [r.side, r.trainSize, r.epochs]);

Deno.test("the default budget's plan on an H100 or H200 trains model1's two pairs and fits", () => {
  const budget = parseBudget(KIT_DEFAULT_BUDGET);
  assert.equal(budget, 480);
  const plan = kitPlan(budget);
  assert.ok(plan.seconds <= budget * 0.8, `${plan.seconds} s`);
  // wasm trains too slowly for the whole data in 8 minutes: both TF.js sides shrink to the size
  // it can train, while Keras keeps all the data on both of its sides.
  assert.deepEqual(runsOf(plan, "model1"), [
    ["tfjs-gpu", 1_000, 3],
    ["tfjs-cpu", 1_000, 3],
    ["keras-gpu", 25_000, 3],
    ["keras-cpu", 25_000, 3],
  ]);
  assert.deepEqual(plan.pairs, [
    {
      model: "model1",
      pair: "TF.js",
      trainSize: 1_000,
      limit: "budget",
      slowest: { side: "tfjs-cpu", imagesPerSecond: 30 },
    },
    {
      model: "model1",
      pair: "Keras",
      trainSize: 25_000,
      limit: "data",
      slowest: { side: "keras-cpu", imagesPerSecond: 800 },
    },
  ]);
  assert.deepEqual(plan.runs.filter((r) => r.model !== "model1"), []);
  assert.equal(plan.leftOut.length, 2);
  for (const [i, model] of ["model2", "model3"].entries()) {
    assert.match(
      plan.leftOut[i],
      new RegExp(
        `^${model}: \\d+ s of the budget left, and its smallest run \\(1000 images × 3 epochs on 4 sides\\) needs \\d+ s$`,
      ),
    );
  }
  const lines = describePlan(plan, budget);
  assert.deepEqual(lines.slice(4, 6), [
    "model1, TF.js pair: 1,000 training images on both sides (like for like), the most its share " +
    "of the budget fits: tfjs-cpu is expected at 30 images/s",
    "model1, Keras pair: 25,000 training images on both sides (like for like), all the data",
  ]);
  assert.match(lines[6], /^about \d+ s in all, of a budget of 480 s$/);
});

Deno.test("a bigger budget gives model1's TF.js pair more data first, both sides alike", () => {
  const plan = kitPlan(parseBudget("20m"));
  assert.ok(plan.seconds <= 1200 * 0.8, `${plan.seconds} s`);
  const [gpu, cpu] = runsOf(plan, "model1");
  assert.equal(gpu[1], cpu[1]);
  assert.ok((gpu[1] as number) > 1_000 && (gpu[1] as number) < 25_000, `${gpu[1]}`);
  assert.deepEqual(runsOf(plan, "model1").slice(2).map((r) => r[1]), [25_000, 25_000]);
});

Deno.test("a 2-hour budget plans both pairs of all three models, each pair on one size", () => {
  const plan = kitPlan(parseBudget("2h"));
  assert.deepEqual(plan.leftOut, []);
  assert.ok(plan.seconds <= 7200 * 0.8);
  for (const model of ["model1", "model2", "model3"]) {
    const runs = runsOf(plan, model);
    assert.deepEqual(runs.map((r) => r[0]), KIT_SIDE_KINDS);
    assert.equal(runs[0][1], runs[1][1], `${model}: TF.js pair`);
    assert.equal(runs[2][1], runs[3][1], `${model}: Keras pair`);
    for (const r of runs) assert.equal(r[2], 3);
  }
});
