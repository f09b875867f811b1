import assert from "node:assert/strict";
import { ownTimes } from "./op_timers.ts";

Deno.test("ownTimes: a kernel's time less its direct children's, in the order kernels end", () => {
  // Ended in this order: Identity (inside Conv2D), Conv2D, FusedConv2D (inside a
  // fused op, itself running a BatchMatMul), the fused op, then Relu at the top.
  const times = [0.5, 4, 1, 3, 5, 2];
  const depths = [1, 0, 2, 1, 0, 0];
  assert.deepEqual(ownTimes(times, depths), [0.5, 3.5, 1, 2, 2, 2]);
  assert.equal(ownTimes(times, depths).reduce((a, b) => a + b), 4 + 5 + 2); // the top level's sum
});
