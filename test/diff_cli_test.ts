import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "./_cli.ts";

const FIXTURE = new URL("../fixtures/results/epyc-tensorflow-intervals/", import.meta.url).pathname;

Deno.test("diff of a run against itself: no difference, exit 0, diff.json and diff.md written", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { code, stdout, stderr } = await runCli(
      "diff",
      FIXTURE,
      FIXTURE,
      "--fail-on-regression",
      "10",
      "--out",
      dir,
    );
    assert.equal(code, 0, stderr);
    assert.match(
      stdout,
      /1 pair compared, 3 figures: 0 slower, 0 faster, 1 no difference; 0 significant slowdowns beyond 10%\./,
    );
    assert.match(
      stdout,
      /\| s\/epoch \| .* \| 1\.00× \[[0-9.]+–[0-9.]+\] \| \*\*no difference\*\* \| 3 \/ 3 steady epochs \|/,
    );
    const d = JSON.parse(await Deno.readTextFile(join(dir, "diff.json")));
    assert.equal(d.kind, "fmnist-bench-diff");
    assert.equal(d.pairs[0].status, "compared");
    assert.equal(await Deno.readTextFile(join(dir, "diff.md")), stdout.replace(/\n$/, ""));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("diff refuses bad flags and unreadable inputs with one line and exit 2", async () => {
  const cases: [string[], string][] = [
    [[FIXTURE], "error: expected two inputs, BASE and NEW, got 1; see `deno task diff --help`"],
    [
      [FIXTURE, FIXTURE, "--fail-on-regression", "ten"],
      'error: --fail-on-regression: expected a percentage above 0 and below 100 (e.g. 10 or 10%), got "ten"',
    ],
    [
      [FIXTURE, FIXTURE, "--metrics", "epoch,speed"],
      'error: --metrics: expected some of epoch, batch1, batched, got "speed"',
    ],
    [
      [FIXTURE, "/nonexistent/results"],
      "error: /nonexistent/results: no such file or folder; expected a results.json, a compare.json or a folder holding them",
    ],
  ];
  for (const [args, line] of cases) {
    const { code, stdout, stderr } = await runCli("diff", ...args);
    assert.equal(code, 2, stderr);
    assert.equal(stdout, "");
    assert.equal(stderr.trim(), line);
  }
});
