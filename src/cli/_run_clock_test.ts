import assert from "node:assert/strict";
import { formatDuration, RunClock } from "./_run_clock.ts";

Deno.test("RunClock estimates the run's time left from measured epochs, scaled by FLOPs", () => {
  const clock = new RunClock();
  clock.plan([
    { model: "a", epochsLeft: 2, flopsPerImage: 1, complete: false },
    { model: "b", epochsLeft: 2, flopsPerImage: 4, complete: false },
    { model: "c", epochsLeft: 0, flopsPerImage: 9, complete: true },
  ]);
  assert.equal(clock.secondsLeft(), undefined);
  clock.epoch("a", 10);
  // a: its own epoch of 10 s, and its test (a third of an epoch); b: 2 × 40 s + 40/3 s.
  assert.ok(Math.abs(clock.secondsLeft()! - (10 + 10 / 3 + 80 + 40 / 3)) < 1e-9);
  clock.epoch("a", 14);
  clock.postStart(1_000);
  clock.postStart(1_500); // only the first phase starts the clock
  clock.done("a", 7_000); // 6 s after training: b's will take 4 × 6 s
  // b's epochs at a's mean rate, 12 s per FLOP.
  assert.ok(Math.abs(clock.secondsLeft()! - (2 * 48 + 24)) < 1e-9);
  clock.epoch("b", 50); // b's own epoch time from now on
  assert.ok(Math.abs(clock.secondsLeft()! - (50 + 24)) < 1e-9);
  clock.epoch("b", 30);
  clock.done("b", 9_000);
  assert.equal(clock.secondsLeft(), 0);
});

Deno.test("formatDuration writes seconds, minutes and hours", () => {
  assert.equal(formatDuration(42.4), "42 s");
  assert.equal(formatDuration(185), "3 min 05 s");
  assert.equal(formatDuration(3720), "1 h 02 min");
});
