import assert from "node:assert/strict";
import { compareWithKnown, countResults, type SpecResult } from "./verdict.ts";
import { KNOWN_FAILURES, type KnownFailure } from "./known_failures.ts";

function spec(name: string, status: SpecResult["status"], extra: Partial<SpecResult> = {}) {
  const result: SpecResult = {
    kind: "spec",
    name,
    status,
    failures: status === "failed" ? [`${name} went wrong`] : [],
    ignoreListed: false,
    filteredOut: false,
    durationMs: 1,
    ...extra,
  };
  return result;
}

const ROUND: KnownFailure = {
  spec: "round test-tensorflow {} int32",
  reason: "TF's Round kernel returns zeros for integers",
  affectsSuite: false,
  suiteImpact: "the models never round integers",
};

Deno.test("compareWithKnown accepts a run whose only failure is a known one", () => {
  const results = [
    spec("abs test-tensorflow {} basic", "passed"),
    spec(ROUND.spec, "failed"),
    spec("round test-tensorflow {} float32", "passed"),
  ];
  const c = compareWithKnown(results, [ROUND]);
  assert.equal(c.ok, true);
  assert.deepEqual(c.known, [{ known: ROUND, outcome: "still failing", results: [results[1]] }]);
  assert.deepEqual(c.unexpected, []);
});

Deno.test("compareWithKnown fails a run on a failure that is not on the list", () => {
  const conv = spec("conv2d test-tensorflow {} x=[2,2,1]", "failed");
  const c = compareWithKnown([spec(ROUND.spec, "failed"), conv], [ROUND]);
  assert.equal(c.ok, false);
  assert.deepEqual(c.unexpected, [conv]);
  assert.deepEqual(c.known.map((m) => m.outcome), ["still failing"]);
});

Deno.test("compareWithKnown matches spec names exactly, not as substrings", () => {
  const longer = spec(`${ROUND.spec} with a suffix`, "failed");
  const c = compareWithKnown([spec(ROUND.spec, "failed"), longer], [ROUND]);
  assert.deepEqual(c.unexpected, [longer]);
});

Deno.test("compareWithKnown fails a run when a known failure passes, naming it fixed", () => {
  const passing = spec(ROUND.spec, "passed");
  const c = compareWithKnown([passing], [ROUND]);
  assert.equal(c.ok, false);
  assert.deepEqual(c.known, [{ known: ROUND, outcome: "fixed", results: [passing] }]);
});

Deno.test("compareWithKnown fails a run when a known failure names no spec that ran", () => {
  const absent = compareWithKnown([spec("abs test-tensorflow {} basic", "passed")], [ROUND]);
  assert.equal(absent.ok, false);
  assert.deepEqual(absent.known, [{ known: ROUND, outcome: "missing", results: [] }]);
  const pending = compareWithKnown([spec(ROUND.spec, "pending")], [ROUND]);
  assert.equal(pending.ok, false);
  assert.deepEqual(pending.known.map((m) => [m.known, m.outcome]), [[ROUND, "missing"]]);
  const ignored = compareWithKnown(
    [spec(ROUND.spec, "excluded", { ignoreListed: true })],
    [ROUND],
  );
  assert.equal(ignored.ok, false);
  assert.deepEqual(ignored.known, [{ known: ROUND, outcome: "missing", results: [] }]);
});

Deno.test("compareWithKnown leaves a known failure the filter excluded unjudged", () => {
  const c = compareWithKnown(
    [spec(ROUND.spec, "excluded", { filteredOut: true }), spec("abs", "passed")],
    [ROUND],
  );
  assert.equal(c.ok, true);
  assert.deepEqual(c.known.map((m) => [m.known, m.outcome]), [[ROUND, "not run"]]);
});

Deno.test("compareWithKnown reports ignore-listed specs run anyway without judging them", () => {
  const bad = spec("scatterND test-tensorflow {} should work for 2d", "failed", {
    ignoreListed: true,
  });
  const good = spec("depthwiseConv2D test-tensorflow {} TensorLike", "passed", {
    ignoreListed: true,
  });
  const skipped = spec("sign test-tensorflow {} basic", "excluded", { ignoreListed: true });
  const c = compareWithKnown([spec(ROUND.spec, "failed"), bad, good, skipped], [ROUND]);
  assert.equal(c.ok, true);
  assert.deepEqual(c.ignoreListFailed, [bad]);
  assert.deepEqual(c.ignoreListPassed, [good]);
  assert.deepEqual(c.unexpected, []);
});

Deno.test("compareWithKnown counts a suite-level or run-level failure as unexpected", () => {
  const suite = spec("conv2d test-tensorflow {}", "failed", { kind: "suite" });
  const crash = spec("(the test run)", "failed", { kind: "run" });
  const c = compareWithKnown([spec(ROUND.spec, "failed"), suite, crash], [ROUND]);
  assert.equal(c.ok, false);
  assert.deepEqual(c.unexpected, [suite, crash]);
});

Deno.test("compareWithKnown expects a oneDNN-dependent failure only where its condition holds", () => {
  const offOnly: KnownFailure = { ...ROUND, spec: "conv dilations", when: { onednn: false } };
  const failed = [spec(ROUND.spec, "failed"), spec(offOnly.spec, "failed")];
  const off = compareWithKnown(failed, [ROUND, offOnly], { onednn: false });
  assert.equal(off.ok, true);
  assert.deepEqual(off.known.map((m) => [m.known.spec, m.outcome]), [
    [ROUND.spec, "still failing"],
    [offOnly.spec, "still failing"],
  ]);

  // Where oneDNN is on, the same failure is unexpected, and a pass is simply a pass.
  const on = compareWithKnown(failed, [ROUND, offOnly], { onednn: true });
  assert.equal(on.ok, false);
  assert.deepEqual(on.unexpected.map((r) => r.name), [offOnly.spec]);
  assert.deepEqual(on.known.map((m) => [m.known, m.outcome]), [
    [ROUND, "still failing"],
    [offOnly, "not applicable"],
  ]);
  const passing = [spec(ROUND.spec, "failed"), spec(offOnly.spec, "passed")];
  assert.equal(compareWithKnown(passing, [ROUND, offOnly], { onednn: true }).ok, true);

  assert.throws(
    () => compareWithKnown(failed, [ROUND, offOnly]),
    /"conv dilations" depends on oneDNN; expected the run's oneDNN state/,
  );
});

Deno.test("compareWithKnown lists the known failures grouped by outcome, in list order within", () => {
  const gone: KnownFailure = { ...ROUND, spec: "gone" };
  const fixed: KnownFailure = { ...ROUND, spec: "fixed" };
  const again: KnownFailure = { ...ROUND, spec: "again" };
  const c = compareWithKnown(
    [spec("fixed", "passed"), spec(ROUND.spec, "failed"), spec("again", "failed")],
    [gone, fixed, ROUND, again],
  );
  assert.deepEqual(c.known.map((m) => [m.known.spec, m.outcome]), [
    [ROUND.spec, "still failing"],
    ["again", "still failing"],
    ["fixed", "fixed"],
    ["gone", "missing"],
  ]);
});

Deno.test("compareWithKnown rejects a list that names one spec twice", () => {
  assert.throws(
    () => compareWithKnown([], [ROUND, { ...ROUND, reason: "again" }]),
    /spec "round test-tensorflow \{\} int32" is listed twice/,
  );
});

Deno.test("countResults splits specs by outcome and keeps excluded ones apart", () => {
  const counts = countResults([
    spec("a", "passed"),
    spec("b", "passed"),
    spec("c", "failed"),
    spec("d", "pending"),
    spec("e", "excluded", { ignoreListed: true }),
    spec("f", "passed", { ignoreListed: true }),
    spec("g", "excluded", { filteredOut: true }),
    spec("h", "excluded"),
    spec("(the test run)", "failed", { kind: "run" }),
  ]);
  assert.deepEqual(counts, {
    specs: 8,
    ran: 3,
    passed: 2,
    failed: 1,
    pending: 1,
    ignoreListed: 2,
    filteredOut: 1,
    excludedOther: 1,
    otherFailures: 1,
  });
});

Deno.test("KNOWN_FAILURES lists each spec once, each with a reason and its suite impact", () => {
  const names = KNOWN_FAILURES.map((k) => k.spec);
  assert.equal(new Set(names).size, names.length);
  for (const k of KNOWN_FAILURES) {
    assert.match(k.spec, / test-tensorflow /, `${k.spec}: expected a test-tensorflow spec name`);
    assert.ok(k.reason.length > 40, `${k.spec}: reason too short`);
    assert.ok(k.suiteImpact.length > 40, `${k.spec}: suiteImpact too short`);
  }
  assert.deepEqual(names, [
    "depthwiseConv2d gradients test-tensorflow {} throws error on dilations > 1",
    "round test-tensorflow {} int32",
  ]);
  assert.deepEqual(KNOWN_FAILURES.map((k) => k.when), [{ onednn: false }, undefined]);
});
