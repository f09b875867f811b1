import assert from "node:assert/strict";
import { bootstrapInterval, bootstrapRatio, median, percentile } from "./stats.ts";

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

Deno.test("median is the 50th percentile", () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
});

Deno.test("bootstrapInterval holds the median, narrows with more samples and repeats with its seed", () => {
  const few = [10, 11, 9, 12, 10.5];
  const many = Array.from({ length: 200 }, (_, i) => few[i % few.length]);
  const a = bootstrapInterval(few);
  assert.ok(a.low <= median(few) && median(few) <= a.high);
  assert.ok(a.low >= 9 && a.high <= 12);
  const b = bootstrapInterval(many);
  assert.ok(b.high - b.low < a.high - a.low);
  assert.deepEqual(bootstrapInterval(few), a);
  assert.deepEqual(bootstrapInterval([7]), { low: 7, high: 7 });
});

Deno.test("bootstrapRatio brackets the ratio of medians and excludes 1 for a clear difference", () => {
  const slow = [12, 12.2, 11.9, 12.1, 12.3, 12.0];
  const fast = [10, 10.1, 9.9, 10.2, 10.0, 9.8];
  const r = bootstrapRatio(slow, fast);
  assert.ok(r.low <= median(slow) / median(fast) && median(slow) / median(fast) <= r.high);
  assert.ok(r.low > 1.1 && r.high < 1.3);
  const same = bootstrapRatio(fast, [...fast].reverse());
  assert.ok(same.low <= 1 && same.high >= 1);
});

Deno.test("bootstrap rejects empty samples and bad options", () => {
  assert.throws(() => bootstrapInterval([]), {
    message: "bootstrapInterval: expected at least one sample, got none",
  });
  assert.throws(() => bootstrapRatio([1], []), {
    message: "bootstrapRatio: expected samples on both sides, got 1 and 0",
  });
  assert.throws(() => bootstrapInterval([1], { confidence: 1 }), {
    message: "bootstrap: expected confidence in (0, 1), got 1",
  });
});
