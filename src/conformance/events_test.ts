import assert from "node:assert/strict";
import type { SpecResult } from "./verdict.ts";
import { type ChildEvent, type ChildExit, collectRun } from "./events.ts";

const CLEAN: ChildExit = { code: 0, signal: null, timedOut: false, timeoutSeconds: 600 };

function passed(name: string): SpecResult {
  return {
    kind: "spec",
    name,
    status: "passed",
    failures: [],
    ignoreListed: false,
    filteredOut: false,
    durationMs: 2,
  };
}

function log(events: ChildEvent[]): string {
  return events.map((e) => JSON.stringify(e) + "\n").join("");
}

const STARTED: ChildEvent = { type: "started", totalSpecsDefined: 3, tensorflowVersion: "2.21.0" };

Deno.test("collectRun reads a finished run's results and versions", () => {
  const record = collectRun(
    log([
      STARTED,
      { type: "specStarted", id: "spec0", name: "abs basic" },
      { type: "result", id: "spec0", result: passed("abs basic") },
      { type: "done", overallStatus: "passed", incompleteReason: null },
    ]),
    CLEAN,
  );
  assert.deepEqual(record, {
    tensorflowVersion: "2.21.0",
    specsDefined: 3,
    results: [passed("abs basic")],
    complete: true,
  });
});

Deno.test("collectRun blames a crash on the spec that was running", () => {
  const text = log([
    STARTED,
    { type: "specStarted", id: "spec0", name: "abs basic" },
    { type: "result", id: "spec0", result: passed("abs basic") },
    { type: "specStarted", id: "spec1", name: "conv2d crashes" },
  ]) + '{"type":"res'; // a line cut short by the crash
  const record = collectRun(text, { ...CLEAN, code: null, signal: "SIGSEGV" });
  assert.equal(record.complete, false);
  assert.deepEqual(
    record.results.map((r) => [r.kind, r.name, r.status, r.failures]),
    [
      ["spec", "abs basic", "passed", []],
      ["spec", "conv2d crashes", "failed", [
        "the test process was killed by SIGSEGV while this spec was running",
      ]],
      ["run", "(the test run)", "failed", [
        "the test process was killed by SIGSEGV after 1 of 3 specs had finished; " +
        "its last report line was cut short",
      ]],
    ],
  );
});

Deno.test("collectRun reports a time-out and a run that died before any spec", () => {
  const timedOut = collectRun("", {
    code: null,
    signal: "SIGKILL",
    timedOut: true,
    timeoutSeconds: 5,
  });
  assert.deepEqual(timedOut.results.map((r) => r.failures), [[
    "the test process ran past the 5 s time limit and was killed before any spec ran",
  ]]);
  const failedToLoad = collectRun("", { ...CLEAN, code: 1 });
  assert.deepEqual(failedToLoad.results.map((r) => r.failures), [[
    "the test process exited with code 1 before any spec ran",
  ]]);
  assert.equal(failedToLoad.complete, false);
});

Deno.test("collectRun turns jasmine's incomplete verdict into a run failure", () => {
  const record = collectRun(
    log([STARTED, {
      type: "done",
      overallStatus: "incomplete",
      incompleteReason: "No specs found",
    }]),
    CLEAN,
  );
  assert.equal(record.complete, true);
  assert.deepEqual(record.results.map((r) => [r.kind, r.failures]), [
    ["run", ["jasmine reports the run incomplete: No specs found"]],
  ]);
});

Deno.test("collectRun names the line of a malformed event", () => {
  assert.throws(
    () => collectRun(log([STARTED]) + "not json\n", CLEAN),
    /event log, line 2: expected JSON, got "not json"/,
  );
  assert.throws(
    () => collectRun('{"type":"weird"}\n', CLEAN),
    /line 1: expected an event with type started\/specStarted\/result\/done, got type "weird"/,
  );
});
