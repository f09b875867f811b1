/**
 * The history store end to end, as a user meets it: two idle `train-all`
 * runs and one `compare` run land in the default store by themselves (as
 * `deno task` starts them, with `$XDG_DATA_HOME` pointed at a temporary
 * folder); importing `fixtures/results/` adds the machines recorded there;
 * `history --model model1` shows the series and `--board` ranks the
 * machines; the idle runs raise no alarm; a run made while busy loops load
 * every core is marked slower and `--fail-on-regression 10` fails on it.
 */
import assert from "node:assert/strict";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { withTempDir } from "../../src/_util/testing.ts";
import { runCli } from "../_cli.ts";

const CLI = new URL("../../src/cli/", import.meta.url).pathname;
const ROOT = new URL("../..", import.meta.url).pathname;
const SMALL = ["--fixtures", "--epochs", "2", "--models", "model1", "--inference-runs", "50"];

/**
 * Runs a task's file the way its `deno task` command does (deno.json sets
 * FMNIST_BENCH_SETUP_FIRST=1; no store named), with the default store's
 * folder `$XDG_DATA_HOME` in `data`.
 */
async function task(data: string, file: string, args: string[]): Promise<void> {
  const run = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(CLI, file), ...args],
    cwd: ROOT,
    env: { FMNIST_BENCH_SETUP_FIRST: "1", FMNIST_BENCH_STORE: "", XDG_DATA_HOME: data },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(run.stderr);
  assert.equal(run.code, 0, stderr);
  assert.doesNotMatch(stderr, /warning: the run is not recorded/);
}

/** Runs `body` while one busy loop per core spins, killed after. */
async function underLoad<T>(body: () => Promise<T>): Promise<T> {
  const loops = Array.from(
    { length: availableParallelism() },
    () =>
      new Deno.Command(Deno.execPath(), {
        args: ["eval", "for (;;) {}"],
        stdout: "null",
        stderr: "null",
      }).spawn(),
  );
  try {
    return await body();
  } finally {
    for (const loop of loops) loop.kill("SIGKILL");
    await Promise.all(loops.map((loop) => loop.status));
  }
}

Deno.test("runs land in the default store by themselves; history shows, ranks and flags them", async () => {
  const started = new Date().toISOString();
  await withTempDir(async (dir) => {
    const data = join(dir, "data");
    const store = join(data, "fmnist-bench", "history.sqlite");
    const history = (...args: string[]) => runCli("history", "--store", store, ...args);
    const trainAll = (out: string) =>
      task(data, "train_all.ts", [...SMALL, "--out", join(dir, out)]);
    await trainAll("idle-1");
    await trainAll("idle-2");
    await task(data, "compare.ts", [
      ...SMALL,
      ...["--backends", "tensorflow", "--engines", "tfjs", "--out", join(dir, "compare")],
    ]);
    const openStoreRuns = await history("--figure", "epoch_seconds", "--json");
    const points = JSON.parse(openStoreRuns.stdout) as { runId: string; machine: string }[];
    assert.equal(new Set(points.map((p) => p.runId)).size, 3, openStoreRuns.stdout);

    const idle = await history("--fail-on-regression", "10");
    assert.equal(idle.code, 0, idle.stdout + idle.stderr);
    assert.equal(idle.stderr.trim(), "history: no regression beyond 10%");

    const here = points[0].machine;
    const imported = await history("import", join(ROOT, "fixtures", "results"));
    assert.equal(imported.code, 0, imported.stderr);
    const board = await history("--board", "--model", "model1", "--backend", "tensorflow");
    assert.equal(board.code, 0, board.stderr);
    const machines = [here, "epyc"].filter((m) => board.stdout.includes(m));
    assert.deepEqual(machines, [here, "epyc"], board.stdout);

    await underLoad(() => trainAll("loaded"));

    // This run's points only: the fixtures may hold a machine of the same name.
    const mine = ["--model", "model1", "--machine", here, "--since", started];
    const marked = JSON.parse((await history(...mine, "--json")).stdout) as {
      runId: string;
      createdAt: string;
      figure: string;
      mark: string | null;
      baseline: { runs: number } | null;
    }[];
    assert.equal(new Set(marked.map((p) => p.runId)).size, 4);
    const newest = marked.reduce((a, b) => (a.createdAt > b.createdAt ? a : b)).createdAt;
    const slower = marked.filter((p) => p.createdAt === newest && p.mark === "slower");
    assert.ok(slower.length > 0, JSON.stringify(marked, null, 1));
    assert.ok(slower.every((p) => p.baseline?.runs === 3));
    assert.ok(
      marked.every((p) => p.createdAt === newest || p.mark === null),
      JSON.stringify(
        marked.map((p) => [p.createdAt, p.figure, p.mark, (p as { changePct?: number }).changePct]),
      ),
    );
    const table = await history(...mine);
    assert.match(table.stdout, / slower [+-]\d+\.\d% \(baseline: 3 runs\)/, table.stdout);

    const loaded = await history("--fail-on-regression", "10");
    assert.equal(loaded.code, 1, loaded.stdout + loaded.stderr);
    const found = loaded.stderr.trim().split("\n");
    for (const line of found) assert.match(line, /^history: regression beyond 10%: model1 /);
    const figures = slower.map((p) => p.figure).join("|");
    assert.ok(
      found.some((line) => new RegExp(`: model1 \\S+ \\S+ on .+, (${figures}) `).test(line)),
      loaded.stderr,
    );
  });
});
