import assert from "node:assert/strict";
import { percentile } from "./stats.ts";

Deno.test("percentile interpolates between ranks as NumPy does", () => {
  const xs = [4, 1, 3, 2];
  assert.equal(percentile(xs, 50), 2.5);
  assert.equal(percentile(xs, 0), 1);
  assert.equal(percentile(xs, 100), 4);
  assert.ok(Math.abs(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95) - 9.55) < 1e-12);
  assert.deepEqual(xs, [4, 1, 3, 2]); // the input is not reordered
});

Deno.test("percentile rejects no samples and p outside [0, 100]", () => {
  assert.throws(() => percentile([], 50), {
    name: "RangeError",
    message: "percentile: expected at least one sample, got none",
  });
  assert.throws(() => percentile([1], 101), {
    message: "percentile: expected p in [0, 100], got 101",
  });
});
