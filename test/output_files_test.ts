/**
 * The table of output files (`src/results/output_files.ts`) against what
 * the tasks write: merge and diff run on fixture results into empty
 * folders, and each folder holds exactly the files the table gives them.
 * (compare, peer and the kit's run.sh are checked in their slow tests.)
 */
import assert from "node:assert/strict";
import { OUTPUT_FILES } from "../src/results/output_files.ts";
import { withTempDir } from "../src/_util/testing.ts";
import { runCli } from "./_cli.ts";
import { tableTopLevel, writtenTopLevel } from "./_output_files.ts";

const FIXTURES = new URL("../fixtures/results/", import.meta.url).pathname;

Deno.test("every output file is written by some task, and named once", () => {
  for (const f of OUTPUT_FILES) assert.ok(f.tasks.length > 0, f.name);
  const names = OUTPUT_FILES.map((f) => f.name);
  assert.deepEqual(names, [...new Set(names)]);
});

Deno.test("merge writes the files the table gives it", async () => {
  await withTempDir(async (dir) => {
    const run = await runCli("merge", `${FIXTURES}epyc-tensorflow-intervals`, "--out", dir);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(await writtenTopLevel(dir), tableTopLevel("merge"));
  });
});

Deno.test("diff writes the files the table gives it", async () => {
  await withTempDir(async (dir) => {
    const base = `${FIXTURES}epyc-tensorflow-intervals`;
    const run = await runCli("diff", base, base, "--out", dir);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(await writtenTopLevel(dir), tableTopLevel("diff"));
  });
});
