/**
 * `--help` and a mistake in a flag answer before any setup: in a copy of the
 * repository's tracked files, with no `node_modules` and the native backend
 * never set up, each task prints its usage (or one `error:` line) within
 * seconds, and nothing of setup (its `setup:` lines, libtensorflow's
 * download or the addon's build) runs.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { withTempDir } from "../src/_util/testing.ts";

const ROOT = new URL("..", import.meta.url).pathname;

/** Copies the repository's tracked files (as they are in the working tree) into `dir`. */
async function copyTracked(dir: string): Promise<void> {
  const out = await new Deno.Command("git", { args: ["ls-files", "-z"], cwd: ROOT }).output();
  assert.equal(out.code, 0, "git ls-files failed");
  const files = new TextDecoder().decode(out.stdout).split("\0").filter((f) => f !== "");
  for (const file of files) {
    const from = join(ROOT, file);
    // A file deleted in the working tree but not yet from the index.
    const info = await Deno.lstat(from).catch(() => undefined);
    if (!info?.isFile) continue;
    await Deno.mkdir(dirname(join(dir, file)), { recursive: true });
    await Deno.copyFile(from, join(dir, file));
  }
}

async function task(dir: string, ...args: string[]) {
  const env = { ...Deno.env.toObject() };
  delete env.FMNIST_BENCH_SETUP_FIRST;
  const started = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", ...args],
    cwd: dir,
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return {
    code: out.code,
    stdout: dec.decode(out.stdout),
    stderr: dec.decode(out.stderr),
    seconds: (performance.now() - started) / 1000,
  };
}

/** Each task's usage line; `ready: false` for the entry points that still set up before their flags. */
const HELPS: { task: string; usage: RegExp; ready: boolean }[] = [
  // train-all runs setup before its flags until train_all.ts calls setupFirst() and its task
  // drops `deno task setup &&`.
  { task: "train-all", usage: /^Usage: deno task train-all/, ready: true },
  { task: "compare", usage: /^Usage: deno task compare/, ready: true },
  { task: "peer", usage: /^Usage: deno task peer/, ready: true },
  { task: "gpu-kit", usage: /^Usage: deno task gpu-kit/, ready: true },
  { task: "diff", usage: /^Usage: deno task diff/, ready: true },
  { task: "merge", usage: /^Usage: deno task merge/, ready: true },
  { task: "history", usage: /^Usage: deno task history/, ready: true },
  { task: "browser", usage: /^Usage: deno task browser/, ready: true },
];

Deno.test("every task answers --help and a bad flag at once, without setup, in a fresh copy", async (t) => {
  await withTempDir(async (dir) => {
    await copyTracked(dir);
    for (const { task: name, usage, ready } of HELPS) {
      await t.step({
        name: `deno task ${name} --help`,
        ignore: !ready,
        fn: async () => {
          const { code, stdout, stderr, seconds } = await task(dir, name, "--help");
          assert.equal(code, 0, stderr);
          assert.match(stdout, usage);
          assert.doesNotMatch(stdout + stderr, /setup:|libtensorflow|Compiling/);
          assert.ok(seconds < 60, `${name} --help took ${seconds.toFixed(0)} s`);
        },
      });
    }
    await t.step("deno task compare --bogus", async () => {
      const { code, stdout, stderr } = await task(dir, "compare", "--bogus");
      assert.equal(code, 2);
      assert.equal(stdout, "");
      const lines = stderr.split("\n").filter((l) => l !== "" && !/Initialize|^\S*Task /.test(l));
      assert.deepEqual(lines, ["error: unknown option --bogus; see `deno task compare --help`"]);
    });
  });
});
