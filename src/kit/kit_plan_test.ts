import assert from "node:assert/strict";
import { describePlan, parseBudget, planBudget } from "./budget.ts";
import {
  expectedRates,
  KIT_DEFAULT_BUDGET,
  KIT_MIN_TRAIN_SIZE,
  KIT_SIDE_KINDS,
} from "./kit_plan.ts";

Deno.test("the default budget's plan on an H100 or H200 gives model1 the whole pair and fits", () => {
  const budget = parseBudget(KIT_DEFAULT_BUDGET);
  assert.equal(budget, 480);
  const plan = planBudget({
    budgetSeconds: budget,
    models: ["model1", "model2", "model3"],
    sides: expectedRates(KIT_SIDE_KINDS.map((kind) => ({ name: kind, kind }))),
    epochs: 3,
    maxTrainSize: 25_000,
    minTrainSize: KIT_MIN_TRAIN_SIZE,
  });
  assert.ok(plan.seconds <= budget, `${plan.seconds} s`);
  assert.deepEqual(
    plan.runs.filter((r) => r.model === "model1").map((r) => [r.side, r.trainSize, r.epochs]),
    [
      ["tfjs-gpu", 25_000, 3],
      ["tfjs-cpu", 25_000, 0],
      ["keras-gpu", 25_000, 3],
      ["keras-cpu", 25_000, 3],
    ],
  );
  // Every later model is either planned on all four sides or left out with its reason.
  for (const model of ["model2", "model3"]) {
    const runs = plan.runs.filter((r) => r.model === model);
    const out = plan.leftOut.filter((l) => l.startsWith(`${model}: `));
    assert.equal(runs.length === 4 ? 0 : 1, out.length, model);
    assert.ok(runs.length === 4 || runs.length === 0, model);
  }
  assert.match(
    describePlan(plan, budget).at(-1 - plan.leftOut.length)!,
    /^about \d+ s in all, of a budget of 480 s$/,
  );
});

Deno.test("a 20-minute budget plans all three models", () => {
  const plan = planBudget({
    budgetSeconds: parseBudget("20m"),
    models: ["model1", "model2", "model3"],
    sides: expectedRates(KIT_SIDE_KINDS.map((kind) => ({ name: kind, kind }))),
    epochs: 3,
    maxTrainSize: 25_000,
    minTrainSize: KIT_MIN_TRAIN_SIZE,
  });
  assert.deepEqual(plan.leftOut, []);
  assert.deepEqual([...new Set(plan.runs.map((r) => r.model))], ["model1", "model2", "model3"]);
  assert.ok(plan.seconds <= 1200 * 0.8);
});
