/**
 * `deno task history --board` over a store of the recorded results files:
 * the terminal table, Markdown, ranking by batch-1 latency, and the flags it
 * refuses.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { withTempDir } from "../src/_util/testing.ts";
import { runCli } from "./_cli.ts";

const FIXTURES = new URL("../fixtures/results/", import.meta.url).pathname;

Deno.test("history --board prints the board as a table or Markdown; --rank-by picks the figure", async () => {
  await withTempDir(async (dir) => {
    const store = join(dir, "history.sqlite");
    const imported = await runCli("history", "--store", store, "import", FIXTURES);
    assert.equal(imported.code, 0, imported.stderr);

    const text = await runCli("history", "--store", store, "--board", "--model", "model1");
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^Board of machines: seconds per epoch\n/);
    assert.match(text.stdout, /model1 · tensorflow · tfjs \(setup 2 of 2\)\n/);
    assert.match(text.stdout, /not ranked against them/);
    assert.match(text.stdout, /\n1 +epyc +2 \[1\.92–2\.03\] s +3 /);
    assert.doesNotMatch(text.stdout, /model2/);

    const md = await runCli("history", "--store", store, "--board", "--markdown");
    assert.equal(md.code, 0, md.stderr);
    assert.match(md.stdout, /^## Board of machines: seconds per epoch\n/);
    assert.match(md.stdout, /\n### model3 · webgpu · tfjs\n/);
    assert.match(md.stdout, /\n\| 1 \| h100-webgpu \| 1\.13 \[1\.13–1\.14\] s \| 2 \|/);

    const latency = await runCli("history", "--store", store, "--board", "--rank-by", "batch1_ms");
    assert.equal(latency.code, 0, latency.stderr);
    assert.match(latency.stdout, /^Board of machines: batch-1 latency\n/);
    assert.match(latency.stdout, / ms +\d+ /);
  });
});

Deno.test("history refuses --markdown without --board and an unknown --rank-by", async () => {
  const md = await runCli("history", "--markdown");
  assert.equal(md.code, 2);
  assert.match(md.stderr, /--markdown: expected with --board/);
  const rank = await runCli("history", "--board", "--rank-by", "test_accuracy");
  assert.equal(rank.code, 2);
  assert.match(
    rank.stderr,
    /--rank-by: expected one of epoch_seconds, batch1_ms, got test_accuracy/,
  );
});
