import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { type RunChildOptions, runConformanceChild } from "./runner.ts";

/**
 * A stand-in for the bundled harness, without TensorFlow: like tfjs-node's
 * `run_tests.js` it makes a jasmine runner, excludes specs with a spec
 * filter of its own (its "IGNORE_LIST"), defines specs and starts the run.
 */
const FAKE_HARNESS = `
const Jasmine = require("jasmine");
const runner = new Jasmine();
runner.loadConfig({ spec_files: [], random: false, jsLoader: "require" });
jasmine.getEnv().configure({ specFilter: (spec) => !spec.getFullName().includes("ignored") });
describe("fake", () => {
  it("passes", () => expect(1).toBe(1));
  it("fails", () => expect(1).toBe(2));
  it("is ignored", () => expect(1).toBe(3));
  it("is pending", () => pending("not today"));
  it(process.env.FAKE_LAST_SPEC, () => {
    if (process.env.FAKE_LAST_SPEC === "aborts") process.abort();
    if (process.env.FAKE_LAST_SPEC === "hangs") for (;;);
  });
  it("comes last", () => expect(true).toBe(true));
});
runner.execute();
`;

/**
 * Writes the fake harness into a temporary folder whose `node_modules/jasmine`
 * links to the real package, so the child and the harness share one jasmine.
 */
async function withFakeHarness(
  lastSpec: string,
  options: Partial<RunChildOptions>,
): Promise<Awaited<ReturnType<typeof runConformanceChild>>> {
  const dir = await Deno.makeTempDir({ prefix: "fmnist-conformance-test-" });
  // "jasmine" resolves to <package>/lib/jasmine.js (the package exports no package.json).
  const jasmineDir = dirname(dirname(createRequire(import.meta.url).resolve("jasmine")));
  await Deno.mkdir(join(dir, "node_modules"));
  await Deno.symlink(jasmineDir, join(dir, "node_modules", "jasmine"));
  const bundle = join(dir, "fake_harness.js");
  await Deno.writeTextFile(bundle, FAKE_HARNESS);
  const previous = Deno.env.get("FAKE_LAST_SPEC");
  Deno.env.set("FAKE_LAST_SPEC", lastSpec);
  try {
    return await runConformanceChild({
      bundle,
      filter: null,
      includeIgnored: false,
      timeoutSeconds: 60,
      ...options,
    });
  } finally {
    if (previous === undefined) Deno.env.delete("FAKE_LAST_SPEC");
    else Deno.env.set("FAKE_LAST_SPEC", previous);
    await Deno.remove(dir, { recursive: true });
  }
}

function outline(results: { name: string; status: string; failures: string[] }[]) {
  return results.map((r) => [r.name, r.status, r.failures]);
}

Deno.test("runConformanceChild reports every spec, marking the harness's exclusions", async () => {
  const run = await withFakeHarness("also passes", {});
  assert.deepEqual(run.exit, { code: 0, signal: null, timedOut: false, timeoutSeconds: 60 });
  assert.equal(run.record.complete, true);
  assert.equal(run.record.specsDefined, 6);
  assert.deepEqual(outline(run.record.results), [
    ["fake passes", "passed", []],
    ["fake fails", "failed", ["Expected 1 to be 2."]],
    ["fake is ignored", "excluded", []],
    ["fake is pending", "pending", []],
    ["fake also passes", "passed", []],
    ["fake comes last", "passed", []],
  ]);
  assert.deepEqual(
    run.record.results.filter((r) => r.ignoreListed).map((r) => r.name),
    ["fake is ignored"],
  );
});

Deno.test("runConformanceChild applies the filter and can run the excluded specs", async () => {
  const run = await withFakeHarness("also passes", {
    filter: "ignored|fails",
    includeIgnored: true,
  });
  assert.deepEqual(
    run.record.results.map((r) => [r.name, r.status, r.ignoreListed, r.filteredOut]),
    [
      ["fake passes", "excluded", false, true],
      ["fake fails", "failed", false, false],
      ["fake is ignored", "failed", true, false],
      ["fake is pending", "excluded", false, true],
      ["fake also passes", "excluded", false, true],
      ["fake comes last", "excluded", false, true],
    ],
  );
});

Deno.test("runConformanceChild blames a native crash on the spec that was running", async () => {
  const run = await withFakeHarness("aborts", {});
  assert.equal(run.exit.signal, "SIGABRT");
  assert.equal(run.record.complete, false);
  assert.deepEqual(outline(run.record.results).slice(4), [
    ["fake aborts", "failed", [
      "the test process was killed by SIGABRT while this spec was running",
    ]],
    ["(the test run)", "failed", [
      "the test process was killed by SIGABRT after 4 of 6 specs had finished",
    ]],
  ]);
});

Deno.test("runConformanceChild kills a hung run at its time limit", async () => {
  const run = await withFakeHarness("hangs", { timeoutSeconds: 3 });
  assert.equal(run.exit.timedOut, true);
  assert.deepEqual(outline(run.record.results).slice(4), [
    ["fake hangs", "failed", [
      "the test process ran past the 3 s time limit and was killed while this spec was running",
    ]],
    ["(the test run)", "failed", [
      "the test process ran past the 3 s time limit and was killed after 4 of 6 specs had finished",
    ]],
  ]);
});
