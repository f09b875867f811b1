/**
 * The history store flags a change over time end to end: two idle
 * `train-all` runs and one while busy loops load every core, recorded in a
 * temporary store; `history` marks the loaded run's batch-1 latency slower
 * and `--fail-on-regression 10` fails on it, but not on the idle runs alone.
 */
import assert from "node:assert/strict";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { withTempDir } from "../../src/_util/testing.ts";
import { runCli } from "../_cli.ts";

const TRAIN_ALL = new URL("../../src/cli/train_all.ts", import.meta.url).pathname;

/** `deno task train-all --fixtures --epochs 2 --models model1`, recorded into `store`. */
async function trainAll(store: string, out: string): Promise<void> {
  const run = await new Deno.Command(Deno.execPath(), {
    args: [
      ...["run", "-A", TRAIN_ALL, "--fixtures", "--epochs", "2", "--models", "model1"],
      ...["--inference-runs", "50", "--out", out],
    ],
    env: { FMNIST_BENCH_STORE: store },
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

Deno.test("history marks a run made under busy loops slower, and --fail-on-regression 10 fails on it", async () => {
  await withTempDir(async (dir) => {
    const store = join(dir, "history.sqlite");
    const history = (...args: string[]) => runCli("history", "--store", store, ...args);
    await trainAll(store, join(dir, "idle-1"));
    await trainAll(store, join(dir, "idle-2"));

    const idle = await history("--fail-on-regression", "10");
    assert.equal(idle.code, 0, idle.stdout + idle.stderr);
    assert.equal(idle.stderr.trim(), "history: no regression beyond 10%");

    await underLoad(() => trainAll(store, join(dir, "loaded")));

    const table = await history("--model", "model1", "--figure", "batch1_ms");
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trim().split("\n").slice(2);
    assert.equal(lines.length, 3, table.stdout);
    assert.match(lines[2], / slower \+\d+\.\d% \(baseline: 2 runs\)$/, table.stdout);

    const loaded = await history("--fail-on-regression", "10");
    assert.equal(loaded.code, 1, loaded.stdout + loaded.stderr);
    const found = loaded.stderr.trim().split("\n");
    for (const line of found) assert.match(line, /^history: regression beyond 10%: model1 /);
    assert.ok(
      found.some((line) =>
        /^history: regression beyond 10%: model1 \S+ \S+ on .+, batch1_ms /.test(line)
      ),
      loaded.stderr,
    );
  });
});
