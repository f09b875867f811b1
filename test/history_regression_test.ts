/**
 * `deno task history`'s marks, as a user meets them, on a store built from
 * a recorded results file (`fixtures/results/epyc-tensorflow-intervals/`):
 * three like-for-like runs, one set up with another batch size before them,
 * and one whose batch-1 calls took 1.5 times as long after them.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { withTempDir } from "../src/_util/testing.ts";
import type { ResultsFile } from "../src/results/schema.ts";
import { runCli } from "./_cli.ts";

const FIXTURE =
  new URL("../fixtures/results/epyc-tensorflow-intervals/results.json", import.meta.url)
    .pathname;

/** The fixture's run, started on `day`, with its batch-1 calls `factor` times as long. */
function variant(fixture: ResultsFile, day: string, factor: number): ResultsFile {
  const results = structuredClone(fixture);
  results.createdAt = `${day}T06:00:00.000Z`;
  results.updatedAt = `${day}T06:05:00.000Z`;
  const batch1 = results.runs[0].inference!.batch1;
  batch1.samplesMs = batch1.samplesMs!.map((ms) => ms * factor);
  for (const k of ["p50Ms", "p90Ms", "p95Ms", "p99Ms", "minMs"] as const) {
    if (typeof batch1[k] === "number") batch1[k] = batch1[k]! * factor;
  }
  return results;
}

/** Writes the five runs under `dir/runs/` and imports them into `dir/history.sqlite`. */
async function storeOfFiveRuns(dir: string): Promise<string> {
  const fixture = JSON.parse(await Deno.readTextFile(FIXTURE)) as ResultsFile;
  const otherBatch = variant(fixture, "2026-11-30", 1);
  otherBatch.config.batchSize = 64;
  const runs = [
    otherBatch,
    variant(fixture, "2026-12-01", 1),
    variant(fixture, "2026-12-02", 0.98),
    variant(fixture, "2026-12-03", 1.02),
    variant(fixture, "2026-12-04", 1.5),
  ];
  for (const [i, results] of runs.entries()) {
    await Deno.mkdir(join(dir, "runs", String(i)), { recursive: true });
    await Deno.writeTextFile(join(dir, "runs", String(i), "results.json"), JSON.stringify(results));
  }
  const path = join(dir, "history.sqlite");
  const imported = await runCli("history", "--store", path, "import", join(dir, "runs"));
  assert.equal(imported.code, 0, imported.stderr);
  assert.equal(imported.stdout.trim(), `history: 5 new, 0 updated, 0 already stored (${path})`);
  return path;
}

Deno.test("history marks a slower run, filters by date, prints JSON and fails on a regression", async () => {
  await withTempDir(async (dir) => {
    const store = await storeOfFiveRuns(dir);
    const history = (...args: string[]) => runCli("history", "--store", store, ...args);

    const table = await history("--model", "model1", "--figure", "batch1_ms");
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trim().split("\n").slice(2);
    assert.equal(lines.length, 5);
    const diff = "not compared with 1 earlier run: batch size 64 → 128";
    assert.match(lines[0], /^2026-11-30 06:00 .* batch1_ms .* baseline: 0 earlier runs, 2 needed$/);
    assert.match(lines[1], new RegExp(` baseline: 0 earlier runs, 2 needed; ${diff}$`));
    assert.match(lines[3], new RegExp(`^2026-12-03 06:00 .* 100 +-; ${diff}$`));
    assert.match(
      lines[4],
      new RegExp(`^2026-12-04 06:00 .* slower \\+50\\.0% \\(baseline: 3 runs\\); ${diff}$`),
    );

    const failed = await history("--fail-on-regression", "10");
    assert.equal(failed.code, 1, failed.stderr);
    assert.equal(
      failed.stderr.trim(),
      "history: regression beyond 10%: model1 tensorflow tfjs on epyc, batch1_ms 2.23 [2.14, 2.32] ms " +
        "against 1.49 ms, band [1.34, 1.64] ms over 3 runs: +50.0% (run of 2026-12-04T06:00:00.000Z)",
    );
    const passed = await history("--fail-on-regression", "60%");
    assert.equal(passed.code, 0, passed.stderr);
    assert.equal(passed.stderr.trim(), "history: no regression beyond 60%");
    const before = await history("--fail-on-regression", "10", "--until", "2026-12-03");
    assert.equal(before.code, 0, before.stderr);
    assert.equal(before.stderr.trim(), "history: no regression beyond 10%");

    const window = await history(
      "--figure",
      "batch1_ms",
      "--since",
      "2026-12-02",
      "--until",
      "2026-12-03T23:00Z",
    );
    assert.equal(window.code, 0, window.stderr);
    const shown = window.stdout.trim().split("\n").slice(2).map((l) => l.slice(0, 16));
    assert.deepEqual(shown, ["2026-12-02 06:00", "2026-12-03 06:00"]);

    const json = await history("--figure", "batch1_ms", "--json");
    assert.equal(json.code, 0, json.stderr);
    const points = JSON.parse(json.stdout);
    assert.deepEqual(points.map((p: { mark: string | null }) => p.mark), [
      null,
      null,
      null,
      null,
      "slower",
    ]);
    const last = points[4];
    assert.equal(last.baseline.runs, 3);
    assert.ok(Math.abs(last.changePct - 50) < 1e-9, String(last.changePct));
    assert.deepEqual(last.differs, [diff]);
    assert.equal(last.setup.batchSize, 128);
    assert.equal(points[0].note, "baseline: 0 earlier runs, 2 needed");
  });
});

Deno.test("history refuses bad dates and percentages with one line naming the flag", async () => {
  const refusals: [string[], string][] = [
    [
      ["--since", "yesterday"],
      'error: --since: expected an ISO date or date-time (e.g. 2026-12-01 or 2026-12-01T08:00Z), got "yesterday"',
    ],
    [
      ["--until", "2026-02-30"],
      'error: --until: expected an ISO date or date-time (e.g. 2026-12-01 or 2026-12-01T08:00Z), got "2026-02-30"',
    ],
    [
      ["--since", "2026-12-05", "--until", "2026-12-01"],
      "error: --until: expected a time after --since 2026-12-05, got 2026-12-01",
    ],
    [
      ["--fail-on-regression", "ten"],
      'error: --fail-on-regression: expected a percentage above 0 (e.g. 10 or 10%), got "ten"',
    ],
    [
      ["--fail-on-regression=0"],
      'error: --fail-on-regression: expected a percentage above 0 (e.g. 10 or 10%), got "0"',
    ],
  ];
  const runs = await Promise.all(
    refusals.map(([args]) => runCli("history", "--store", "/nonexistent/history.sqlite", ...args)),
  );
  runs.forEach((run, i) => {
    assert.equal(run.code, 2, run.stderr);
    assert.equal(run.stderr.trim(), refusals[i][1]);
  });
});
