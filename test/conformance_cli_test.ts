import assert from "node:assert/strict";

const CLI = new URL("../src/cli/conformance.ts", import.meta.url).pathname;

async function conformance(...args: string[]): Promise<{ code: number; stdout: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stdout: new TextDecoder().decode(out.stdout) };
}

Deno.test("conformance runs tfjs-core's round specs on libtensorflow and knows the int32 failure", async () => {
  const { code, stdout } = await conformance("--filter", "^round ", "--onednn", "off", "--json");
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
    [["round test-tensorflow {} int32", "still failing"], [DILATIONS, "not run"]],
  );
  assert.match(summary.knownFailures[0].messages[0], /actual\[0\] = 0, expected\[0\] = -12345678/);
  assert.deepEqual(summary.unexpectedFailures, []);
});

const DILATIONS = "depthwiseConv2d gradients test-tensorflow {} throws error on dilations > 1";

Deno.test("conformance expects the dilations failure only where oneDNN is off", async () => {
  const filter = "^depthwiseConv2d gradients ";
  const off = await conformance("--filter", filter, "--onednn", "off", "--json");
  assert.equal(off.code, 0, off.stdout);
  const offSummary = JSON.parse(off.stdout);
  assert.equal(offSummary.onednn.reason, "off: TF_ENABLE_ONEDNN_OPTS=0");
  const dilations = offSummary.knownFailures.find((k: { spec: string }) => k.spec === DILATIONS);
  assert.equal(dilations.outcome, "still failing");
  assert.match(dilations.messages[0], /does not support dilations, received \[1 2 2 1\]/);

  const on = await conformance("--filter", filter, "--onednn", "on", "--json");
  assert.equal(on.code, 0, on.stdout);
  const onSummary = JSON.parse(on.stdout);
  assert.equal(onSummary.onednn.enabled, true);
  assert.equal(
    onSummary.knownFailures.find((k: { spec: string }) => k.spec === DILATIONS).outcome,
    "not applicable",
  );
  assert.deepEqual([onSummary.counts.failed, onSummary.unexpectedFailures], [0, []]);
});

const refusals: [string[], string][] = [
  [
    ["--onednn", "maybe"],
    'error: --onednn: expected one of on, off, default, got "maybe"; ' +
    "on and off pin TensorFlow's oneDNN kernels, default leaves them to the CPU",
  ],
  [
    ["--filter", "("],
    'error: --filter: expected a JavaScript regular expression, got "(" ' +
    "(Invalid regular expression: /(/: Unterminated group)",
  ],
];

for (const [args, message] of refusals) {
  Deno.test(`conformance refuses ${args.join(" ")} with one line and exit code 2`, async () => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", CLI, ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 2);
    assert.equal(new TextDecoder().decode(out.stderr), `${message}\n`);
  });
}
