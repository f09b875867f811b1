import assert from "node:assert/strict";
import { join } from "node:path";
import { availableParallelism } from "node:os";
import { runCli } from "../_cli.ts";

const TRAIN = ["--fixtures", "--models", "model1", "--epochs", "3", "--machine", "ci"];

/** Runs `body` while 2 × cores busy loops load the machine. */
async function underLoad<T>(body: () => Promise<T>): Promise<T> {
  const hogs = Array.from(
    { length: 2 * availableParallelism() },
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
    for (const h of hogs) h.kill("SIGKILL");
    await Promise.all(hogs.map((h) => h.status));
  }
}

Deno.test("diff: two idle runs are no difference; a run under load is slower and fails at 10%", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const name of ["a", "b"]) {
      const run = await runCli("train_all", ...TRAIN, "--out", join(dir, name));
      assert.equal(run.code, 0, run.stderr);
    }
    const loaded = await underLoad(() => runCli("train_all", ...TRAIN, "--out", join(dir, "load")));
    assert.equal(loaded.code, 0, loaded.stderr);

    const idle = await runCli(
      "diff",
      join(dir, "a"),
      join(dir, "b"),
      "--fail-on-regression",
      "10",
      "--out",
      join(dir, "d1"),
    );
    assert.equal(idle.code, 0, idle.stdout + idle.stderr);
    const d1 = JSON.parse(await Deno.readTextFile(join(dir, "d1", "diff.json")));
    assert.equal(d1.pairs.length, 1);
    assert.deepEqual(
      d1.pairs[0].changes.filter((c: { verdict: string | null }) => c.verdict !== null)
        .map((c: { metric: string; verdict: string }) => `${c.metric} ${c.verdict}`),
      ["epoch no difference"],
      idle.stdout,
    );

    const slow = await runCli(
      "diff",
      join(dir, "a"),
      join(dir, "load"),
      "--fail-on-regression",
      "10",
      "--out",
      join(dir, "d2"),
    );
    assert.equal(slow.code, 1, slow.stdout + slow.stderr);
    assert.match(
      slow.stdout,
      /\| s\/epoch \| .* \| [0-9.]+× \[[0-9.]+–[0-9.]+\] \| \*\*slower\*\* \(regression\) \|/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
