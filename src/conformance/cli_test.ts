import assert from "node:assert/strict";

const CLI = new URL("../cli/conformance.ts", import.meta.url).pathname;

async function conformance(...args: string[]): Promise<{ code: number; stdout: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stdout: new TextDecoder().decode(out.stdout) };
}

Deno.test("conformance runs tfjs-core's round specs on libtensorflow and knows the int32 failure", async () => {
  const { code, stdout } = await conformance("--filter", "^round ", "--json");
  assert.equal(code, 0, stdout);
  const summary = JSON.parse(stdout);
  assert.equal(summary.ok, true);
  assert.equal(summary.complete, true);
  assert.equal(summary.versions.tensorflow, "2.21.0");
  assert.deepEqual(
    [summary.counts.passed, summary.counts.failed, summary.counts.filteredOut],
    [9, 1, summary.specsDefined - 10],
  );
  assert.deepEqual(
    summary.knownFailures.map((k: { spec: string; outcome: string }) => [k.spec, k.outcome]),
    [["round test-tensorflow {} int32", "still failing"]],
  );
  assert.match(summary.knownFailures[0].messages[0], /actual\[0\] = 0, expected\[0\] = -12345678/);
  assert.deepEqual(summary.unexpectedFailures, []);
});

Deno.test("conformance refuses a filter that is not a regular expression", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, "--filter", "("],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 2);
  assert.equal(
    new TextDecoder().decode(out.stderr),
    'error: --filter: expected a JavaScript regular expression, got "(" ' +
      "(Invalid regular expression: /(/: Unterminated group)\n",
  );
});
