import assert from "node:assert/strict";
import {
  DEFAULT_BAND,
  formatRatio,
  isSignificantSlowdown,
  speedupVerdict,
  verdictOf,
} from "./verdict.ts";

Deno.test("verdictOf reads the interval against the band, not the point", () => {
  assert.equal(DEFAULT_BAND, 0.05);
  assert.equal(verdictOf({ low: 1.06, high: 1.2 }), "slower");
  assert.equal(verdictOf({ low: 1.04, high: 1.2 }), "no difference");
  assert.equal(verdictOf({ low: 0.8, high: 0.95 }), "faster");
  assert.equal(verdictOf({ low: 0.8, high: 0.96 }), "no difference");
  assert.equal(verdictOf({ low: 0.9, high: 1.1 }), "no difference");
  assert.equal(verdictOf({ low: 1.04, high: 1.2 }, 0), "slower");
  assert.equal(verdictOf({ low: 1.06, high: 1.2 }, 0.1), "no difference");
  assert.throws(() => verdictOf({ low: 1, high: 1 }, -1), {
    message: "verdictOf: expected a band ≥ 0, got -1",
  });
});

Deno.test("speedupVerdict inverts a rate ratio", () => {
  assert.equal(speedupVerdict({ low: 2, high: 3 }), "faster");
  assert.equal(speedupVerdict({ low: 0.5, high: 0.9 }), "slower");
  assert.equal(speedupVerdict({ low: 0.98, high: 1.03 }), "no difference");
});

Deno.test("isSignificantSlowdown needs the whole interval past the threshold", () => {
  assert.equal(isSignificantSlowdown({ low: 1.11, high: 1.3 }, 0.1), true);
  assert.equal(isSignificantSlowdown({ low: 1.09, high: 1.3 }, 0.1), false);
});

Deno.test("formatRatio writes the ratio with its interval", () => {
  assert.equal(formatRatio(1.234, { low: 1.2, high: 1.26 }), "1.23× [1.20–1.26]");
  assert.equal(formatRatio(12.34, null), "12.3×");
});
