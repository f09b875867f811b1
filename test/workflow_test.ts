/**
 * The benchmark-history workflow (`.github/workflows/benchmark-history.yml`):
 * actionlint finds no fault in it, and its commands, run here as the runners
 * run them (the matrix job once per runner, then the gathering job on the
 * files they uploaded), leave one store with every runner's run and print
 * the board.
 *
 * actionlint is `FMNIST_ACTIONLINT` or `actionlint` on the PATH; `.ci/run`
 * installs it (`.ci/actionlint-requirements.txt`) and sets
 * `FMNIST_REQUIRE_ACTIONLINT=1`, which makes a missing actionlint a failure.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { copyFile, mkdir } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { withTempDir } from "../src/_util/testing.ts";
import { openStore } from "../src/store/store.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const WORKFLOW = join(ROOT, ".github/workflows/benchmark-history.yml");
const REQUIRED = Deno.env.get("FMNIST_REQUIRE_ACTIONLINT") === "1";

/** The actionlint to run, or undefined where there is none. */
function findActionlint(): string | undefined {
  const named = Deno.env.get("FMNIST_ACTIONLINT");
  if (named) return named;
  const dirs = (Deno.env.get("PATH") ?? "").split(delimiter).filter((d) => d !== "");
  return dirs.map((d) => join(d, "actionlint")).find((p) => existsSync(p));
}

const ACTIONLINT = findActionlint();
if (!ACTIONLINT && !REQUIRED) {
  console.warn(
    "actionlint test skipped: no FMNIST_ACTIONLINT and no actionlint on the PATH " +
      "(pip install --require-hashes -r .ci/actionlint-requirements.txt)",
  );
}

/**
 * Each job's `run:` commands, in order, read from the workflow's text. Only
 * one-line, unquoted `run:` values are read; a block (`run: |`) or a quoted
 * value is an error, so that what the test runs is what the runner runs.
 */
function runCommands(yaml: string): Map<string, string[]> {
  const jobs = new Map<string, string[]>();
  let inJobs = false;
  let job: string[] | undefined;
  for (const line of yaml.split("\n")) {
    if (/^\S/.test(line)) {
      inJobs = line.trimEnd() === "jobs:";
      job = undefined;
      continue;
    }
    const name = line.match(/^ {2}([A-Za-z0-9_-]+):\s*$/)?.[1];
    if (inJobs && name) jobs.set(name, job = []);
    const run = line.match(/^\s+(?:- )?run:\s*(.*)$/)?.[1];
    if (!job || run === undefined) continue;
    if (run === "" || /^[|>"']/.test(run)) {
      throw new Error(`expected a one-line, unquoted run: command, got ${JSON.stringify(line)}`);
    }
    job.push(run);
  }
  return jobs;
}

Deno.test({
  name: "actionlint finds no fault in the benchmark-history workflow",
  ignore: !ACTIONLINT && !REQUIRED,
  async fn() {
    assert.ok(ACTIONLINT, "FMNIST_REQUIRE_ACTIONLINT=1, but no actionlint was found");
    const out = await new Deno.Command(ACTIONLINT, {
      args: ["-no-color", WORKFLOW],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, text);
  },
});

Deno.test("runCommands reads each job's one-line run: commands and refuses a block", () => {
  const yaml = [
    "defaults:",
    "  run:",
    "    shell: bash",
    "jobs:",
    "  a:",
    "    steps:",
    "      - run: echo one",
    "      - name: two",
    '        run: echo "$TWO"',
    "  b:",
    "    steps:",
    "      - uses: x/y@0000000000000000000000000000000000000000",
    "      - run: echo three",
  ].join("\n");
  assert.deepEqual(
    Object.fromEntries(runCommands(yaml)),
    { a: ["echo one", 'echo "$TWO"'], b: ["echo three"] },
  );
  assert.throws(() => runCommands("jobs:\n  a:\n    steps:\n      - run: |\n"), /one-line/);
});

/** What a command printed and its exit code, run as a step runs it (`shell: bash`). */
async function step(command: string, env: Record<string, string>) {
  const out = await new Deno.Command("bash", {
    args: ["--noprofile", "--norc", "-eo", "pipefail", "-c", command],
    cwd: ROOT,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, `${command}\n${text}`);
}

Deno.test("the workflow's commands gather every runner's run into one store and print the board", async () => {
  const yaml = await Deno.readTextFile(WORKFLOW);
  const jobs = runCommands(yaml);
  const measure = jobs.get("measure")!;
  const gather = jobs.get("gather")!;
  assert.ok(measure.some((c) => c.startsWith("deno task train-all --fixtures ")), measure.join());
  assert.ok(gather.some((c) => c.startsWith("deno task history import ")), gather.join());
  const runners = yaml.match(/^ +runner: \[(.+)\]$/m)?.[1].split(",").map((r) => r.trim());
  assert.ok(runners && runners.length >= 2, "a matrix of runners");
  // What upload-artifact sends and download-artifact puts back, one folder per artifact.
  assert.match(
    yaml,
    /path: \$\{\{ runner\.temp \}\}\/export\/history-\$\{\{ matrix\.runner \}\}\.sqlite/,
  );
  assert.match(yaml, /pattern: history-\*\n\s+path: \$\{\{ runner\.temp \}\}\/artifacts\n/);

  await withTempDir(async (dir) => {
    const base = { ...Deno.env.toObject() };
    delete base.FMNIST_BENCH_SETUP_FIRST;
    // The inputs of a dispatch by hand: one model, one epoch.
    const inputs = { MODELS: "model1", EPOCHS: "1" };
    const gatherTemp = join(dir, "gather");
    for (const runner of runners!) {
      const temp = join(dir, runner);
      await mkdir(temp, { recursive: true });
      const env = { ...base, ...inputs, MACHINE: runner, RUNNER_TEMP: temp };
      for (const command of measure) await step(command, env);
      const artifact = join(gatherTemp, "artifacts", `history-${runner}`);
      await mkdir(artifact, { recursive: true });
      const file = `history-${runner}.sqlite`;
      await copyFile(join(temp, "export", file), join(artifact, file));
    }
    const summary = join(dir, "summary.md");
    const env = { ...base, ...inputs, RUNNER_TEMP: gatherTemp, GITHUB_STEP_SUMMARY: summary };
    for (const command of gather) await step(command, env);
    assert.ok(gather.some((c) => c.includes("--board --markdown")), gather.join());
    assert.ok(gather.some((c) => c.includes("--fail-on-regression")), gather.join());
    const store = openStore(join(gatherTemp, "store", "history.sqlite"));
    const machines = store.series({ figure: "epoch_seconds" }).map((p) => p.machine).sort();
    assert.deepEqual(machines, [...runners!].sort());
    assert.equal(store.runCount(), runners!.length);
    store.close();
    const board = await Deno.readTextFile(summary);
    assert.match(board, /model1/);
    assert.equal(await Deno.readTextFile(join(gatherTemp, "store", "board.md")), board);
  });
});
