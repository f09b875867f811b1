import assert from "node:assert/strict";
import { ownTimes } from "./op_timers.ts";

Deno.test("ownTimes takes the kernels a kernel ran out of its time, at any depth", () => {
  // Identity (1) inside Conv2D (0); BatchMatMul (2) inside _FusedMatMul (1) inside fusedMatMul__op (0).
  const times = [0.5, 10, 3, 4, 5, 2];
  const depths = [1, 0, 2, 1, 0, 0];
  assert.deepEqual(ownTimes(times, depths), [0.5, 9.5, 3, 1, 1, 2]);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  assert.equal(sum(ownTimes(times, depths)), 10 + 5 + 2, "the top-level kernels' times, once");
  assert.deepEqual(ownTimes([1, 0.5], [1, 0]), [1, 0], "never below zero");
});
