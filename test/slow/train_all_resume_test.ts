/**
 * `deno task train-all --resume` as a user runs it: an interrupted run that
 * resumes on the same data, checked by its checksums, and ends as if never
 * stopped. Its refusals of bad input are in `test/train_all_cli_test.ts`, what
 * it records of the machine and the engine in `train_all_records_test.ts`.
 */
import assert from "node:assert/strict";
import { type CliRun, runCli } from "../_cli.ts";
import { join } from "node:path";
import { FIXTURE_CHECKSUMS, FULL_CHECKSUMS } from "../../src/data/checksums.ts";
import { FIXTURE_DIR, SYSTEM_DIR } from "../../src/data/sources.ts";
import { type ResultsFile, validateResults } from "../../src/results/schema.ts";
import { sha256File } from "../../src/_util/hash.ts";

const CLI = new URL("../../src/cli/train_all.ts", import.meta.url).pathname;

const trainAll = (...args: string[]) => runCli("train_all", ...args);

/** The last stderr line: what the user reads (libtensorflow may print start-up lines before it). */
const lastLine = (s: string) => s.trim().split("\n").at(-1);

/**
 * Runs train-all in a child process. With `interrupt` (and `--json` among the
 * arguments), presses Ctrl-C once, when the first epoch is reported; a second
 * Ctrl-C would quit at once.
 */
async function spawnTrainAll(
  args: string[],
  options: { interrupt?: boolean; env?: Record<string, string> } = {},
): Promise<CliRun> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    env: options.env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  let stdout = "";
  let interrupted = false;
  for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
    stdout += chunk;
    if (options.interrupt && !interrupted && stdout.includes('"type":"epoch"')) {
      child.kill("SIGINT");
      interrupted = true;
    }
  }
  return { code: (await child.status).code, stdout, stderr: await stderr };
}

/** The sizes of a small run: seconds, not minutes (--train-size comes with it). */
const SMALL_SIZES = [
  "--validation-size",
  "64",
  "--test-size",
  "100",
  "--inference-runs",
  "50",
  "--inference-batch",
  "64",
];

/**
 * A small run of model1, 3 epochs of two batches: a resume is checked across
 * a cut, and the dropout masks of the steps after it.
 */
const SMALL = ["--models", "model1", "--epochs", "3", "--train-size", "256", ...SMALL_SIZES];

Deno.test("train-all resumes an interrupted run and keeps its earlier epochs", async () => {
  const out = join(await Deno.makeTempDir(), "run");
  try {
    // Start a 3-epoch run and press Ctrl-C once the first epoch is reported: 512 training
    // images, enough to learn from in 3 epochs (the accuracy below), and small other sets.
    const args = ["--fixtures", "--models", "model1", "--epochs", "3", "--train-size", "512"];
    const { code, stderr } = await spawnTrainAll(
      [...args, ...SMALL_SIZES, "--json", "--out", out],
      { interrupt: true },
    );
    assert.equal(code, 130, stderr);
    assert.match(
      stderr,
      new RegExp(`continue with:\\n  deno task train-all --resume --out ${out}\\n$`),
    );
    const partial = validateResults(JSON.parse(await Deno.readTextFile(join(out, "results.json"))));
    assert.equal(partial.status, "partial");
    // The signal lands during epoch 2 at the latest: training stops after the epoch in flight.
    const kept = partial.runs[0].epochs.length;
    assert.ok(kept >= 1 && kept <= 2, `${kept} epochs before the interruption`);
    assert.equal(partial.runs[0].test, null);

    // A flag that contradicts the run being resumed is refused, and nothing changes.
    const contradicted = await trainAll("--resume", "--out", out, "--engine", "native");
    assert.equal(contradicted.code, 2);
    assert.equal(
      contradicted.stderr.trim().split("\n").at(-1),
      "error: --resume: --engine native differs from the run being resumed (tfjs); drop the flag",
    );

    const resumed = await trainAll("--resume", "--out", out, "--json");
    assert.equal(resumed.code, 0, resumed.stderr);
    const done = validateResults(JSON.parse(await Deno.readTextFile(join(out, "results.json"))));
    assert.equal(done.status, "complete");
    assert.deepEqual(done.runs[0].epochs.map((e) => e.epoch), [1, 2, 3]);
    assert.deepEqual(done.runs[0].epochs.slice(0, kept), partial.runs[0].epochs); // kept as measured
    assert.ok(done.runs[0].test!.accuracy > 0.5, `test accuracy ${done.runs[0].test!.accuracy}`);
    assert.equal(done.runs[0].test!.count, 100, "--test-size 100 holds in the resumed run");
    const events = resumed.stdout.trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(events[0], {
      type: "run-start",
      models: [{
        model: "model1",
        epochsLeft: 3 - kept,
        flopsPerImage: 31_412_736,
        complete: false,
      }],
    });
    assert.deepEqual(events[1], {
      type: "model-start",
      model: "model1",
      fromEpoch: kept + 1,
      epochs: 3,
    });
    const files = [];
    for await (const e of Deno.readDir(out)) files.push(e.name);
    assert.deepEqual(files.sort(), [
      "models",
      "report.html",
      "report.md",
      "results.json",
      "run.json",
    ]);
    const report = await Deno.readTextFile(join(out, "report.md"));
    // report.html is drawn again at the end of the resumed run: it says Complete too.
    assert.match(await Deno.readTextFile(join(out, "report.html")), /<p>Complete run of model1 /);
    assert.match(
      report,
      /^Complete run of model1 on the `tensorflow` backend with the `tfjs` engine, 3 epochs/m,
    );
  } finally {
    await Deno.remove(join(out, ".."), { recursive: true });
  }
});

const readRun = async (out: string): Promise<ResultsFile> =>
  validateResults(JSON.parse(await Deno.readTextFile(join(out, "results.json"))));

/** Every file under `dir` (relative path), with its size, SHA-256 and modification time. */
async function snapshot(
  dir: string,
): Promise<Map<string, { size: number; sha256: string; mtime?: number }>> {
  const files = new Map<string, { size: number; sha256: string; mtime?: number }>();
  const walk = async (sub: string) => {
    for await (const e of Deno.readDir(join(dir, sub))) {
      const path = join(sub, e.name);
      if (e.isDirectory) await walk(path);
      else {
        const stat = await Deno.stat(join(dir, path));
        files.set(path, {
          size: stat.size,
          sha256: await sha256File(join(dir, path)),
          mtime: stat.mtime?.getTime(),
        });
      }
    }
  };
  await walk("");
  return files;
}

/**
 * Runs `args` straight through and, in `resumed`, interrupted after its
 * first epoch and continued with `--resume --out resumed` plus `resumeArgs`;
 * `beforeResume` may try refusals on the partial run first. Checks the
 * resumed run's epochs against the straight one's, and that its data
 * settings survived; returns the finished run.
 */
async function checkResume(
  args: string[],
  dirs: { straight: string; resumed: string },
  options: {
    env?: Record<string, string>;
    resumeArgs?: string[];
    beforeResume?: (partial: ResultsFile) => Promise<void>;
  } = {},
): Promise<ResultsFile> {
  const { env, resumeArgs = [] } = options;
  const straight = await spawnTrainAll([...args, "--out", dirs.straight], { env });
  assert.equal(straight.code, 0, straight.stderr);
  const cut = await spawnTrainAll([...args, "--json", "--out", dirs.resumed], {
    env,
    interrupt: true,
  });
  assert.equal(cut.code, 130, cut.stderr);
  const partial = await readRun(dirs.resumed);
  assert.equal(partial.status, "partial");
  assert.ok(partial.runs[0].epochs.length < 3, `${partial.runs[0].epochs.length} epochs`);
  await options.beforeResume?.(partial);

  const resumed = await spawnTrainAll(["--resume", "--out", dirs.resumed, ...resumeArgs], { env });
  assert.equal(resumed.code, 0, resumed.stderr);
  const [a, b] = [await readRun(dirs.straight), await readRun(dirs.resumed)];
  assert.equal(b.status, "complete");
  const close = (x: number | null, y: number | null, what: string) =>
    assert.ok(Math.abs(x! - y!) <= 1e-6 * Math.abs(x!), `${what}: ${x} straight, ${y} resumed`);
  assert.equal(b.runs[0].epochs.length, 3);
  for (const [i, e] of a.runs[0].epochs.entries()) {
    const r = b.runs[0].epochs[i];
    close(e.loss, r.loss, `epoch ${i + 1} loss`);
    close(e.valLoss, r.valLoss, `epoch ${i + 1} validation loss`);
  }
  close(a.runs[0].test!.loss, b.runs[0].test!.loss, "test loss");
  assert.deepEqual(b.config.dataSource, partial.config.dataSource);
  assert.deepEqual(b.config.data, partial.config.data);
  assert.deepEqual(b.config.dataSource, a.config.dataSource);
  return b;
}

Deno.test("train-all --resume continues a --fixtures run on the fixtures, as if never stopped", async () => {
  const tmp = await Deno.makeTempDir();
  const [straight, resumed] = [join(tmp, "straight"), join(tmp, "resumed")];
  const legacy = join(tmp, "legacy");
  try {
    const done = await checkResume(["--fixtures", ...SMALL], { straight, resumed }, {
      resumeArgs: ["--fixtures"], // the same flag again is fine
      beforeResume: async (partial) => {
        assert.deepEqual(partial.config.dataSource, {
          kind: "fixtures",
          sha256: FIXTURE_CHECKSUMS,
        });
        assert.equal(partial.config.data, "fixtures: fixtures/fashion-mnist");
        const path = join(resumed, "results.json");
        const before = await Deno.readTextFile(path);
        const refused = await trainAll("--resume", "--out", resumed, "--data-dir", FIXTURE_DIR);
        assert.equal(refused.code, 2);
        assert.equal(
          refused.stderr,
          `error: --resume: --data-dir ${FIXTURE_DIR} differs from the run being resumed ` +
            "(--fixtures); drop the flag\n",
        );
        assert.equal(await Deno.readTextFile(path), before);

        // A run started on other fixtures (their checksums differ) is refused; nothing changes.
        // --resume reads the saved run description, run.json, not the results' config.
        const runPath = join(resumed, "run.json");
        const savedRun = await Deno.readTextFile(runPath);
        const other = JSON.parse(savedRun);
        assert.deepEqual(other.dataSource, partial.config.dataSource);
        other.dataSource.sha256.trainLabels = "0".repeat(64);
        await Deno.writeTextFile(runPath, JSON.stringify(other, null, 2));
        const changed = await snapshot(resumed);
        const mismatch = await trainAll("--resume", "--out", resumed);
        assert.equal(mismatch.code, 1);
        assert.equal(
          lastLine(mismatch.stderr),
          `error: --resume: train-labels-idx1-ubyte (trainLabels): expected SHA-256 ${
            "0".repeat(64)
          } (the data the run started on), got ${FIXTURE_CHECKSUMS.trainLabels}; the data ` +
            "changed since: put back the files the run used, or start a new run in another " +
            "--out folder",
        );
        assert.deepEqual(await snapshot(resumed), changed);

        // A damaged run.json is refused in one line, and nothing is written.
        await Deno.writeTextFile(runPath, '{"models": ["model1"]');
        const damaged = await snapshot(resumed);
        const broken = await trainAll("--resume", "--out", resumed);
        assert.equal(broken.code, 2);
        assert.match(
          lastLine(broken.stderr)!,
          new RegExp(`^error: --resume: ${runPath}: not valid JSON \\(.*\\); start a new run$`),
        );
        assert.deepEqual(await snapshot(resumed), damaged);
        await Deno.writeTextFile(runPath, savedRun);

        // A run from before run.json and dataSource were recorded resumes on what its
        // config.data names.
        await new Deno.Command("cp", { args: ["-a", resumed, legacy] }).output();
        await Deno.remove(join(legacy, "run.json"));
        const old = structuredClone(partial);
        delete old.config.dataSource;
        old.config.data = "dir: /elsewhere/fmnist-bench/fixtures/fashion-mnist";
        await Deno.writeTextFile(join(legacy, "results.json"), JSON.stringify(old, null, 2));
      },
    });
    const report = await Deno.readTextFile(join(resumed, "report.md"));
    assert.match(report, /^deno task train-all --fixtures --models model1 --epochs 3 /m);

    const upgraded = await spawnTrainAll(["--resume", "--out", legacy]);
    assert.equal(upgraded.code, 0, upgraded.stderr);
    const fromLegacy = await readRun(legacy);
    assert.deepEqual(fromLegacy.config.dataSource, done.config.dataSource);
    assert.equal(fromLegacy.config.data, done.config.data);
    assert.deepEqual(
      fromLegacy.runs[0].epochs.map((e) => e.loss),
      done.runs[0].epochs.map((e) => e.loss),
    );

    // Resuming a complete run changes nothing and says so.
    const before = await snapshot(straight);
    for (const extra of [[], ["--fixtures"]]) {
      const again = await trainAll("--resume", "--out", straight, ...extra);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(again.stderr, `train-all: the run in ${straight} is complete; nothing to do\n`);
      assert.equal(again.stdout, "");
    }
    assert.deepEqual(await snapshot(straight), before);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

/** Deno's cache folder, as this Deno reports it. */
async function denoDir(): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json"],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  assert.equal(out.code, 0, "deno info --json");
  return JSON.parse(new TextDecoder().decode(out.stdout)).denoDir;
}

const fullDataInstalled = await Deno.stat(join(SYSTEM_DIR, "train-images-idx3-ubyte.gz")).then(
  () => true,
  () => false,
);

Deno.test({
  name: "train-all --resume continues a --data-dir run from that folder, and checks its files" +
    (fullDataInstalled ? "" : ` (ignored: the full dataset is not in ${SYSTEM_DIR})`),
  // --data-dir takes the full dataset only (the fixtures fail its checksums): a copy of Debian's.
  ignore: !fullDataInstalled,
  fn: async () => {
    const tmp = await Deno.makeTempDir();
    const data = join(tmp, "data");
    const [straight, resumed] = [join(tmp, "straight"), join(tmp, "resumed")];
    // A cache of its own, so the run does not write the user's; Deno's own cache stays where it
    // is (XDG_CACHE_HOME would move it too, and every run would fetch and compile anew).
    const env = { XDG_CACHE_HOME: join(tmp, "cache"), DENO_DIR: await denoDir() };
    try {
      await Deno.mkdir(data);
      for await (const e of Deno.readDir(SYSTEM_DIR)) {
        if (e.name.endsWith(".gz")) {
          await Deno.copyFile(join(SYSTEM_DIR, e.name), join(data, e.name));
        }
      }
      const done = await checkResume(["--data-dir", data, ...SMALL], { straight, resumed }, {
        env,
        beforeResume: async () => {
          const before = await snapshot(resumed);
          const refusals: [string[], string][] = [
            [["--fixtures"], `--fixtures differs from the run being resumed (--data-dir ${data})`],
            [
              ["--data-dir", tmp],
              `--data-dir ${tmp} differs from the run being resumed (--data-dir ${data})`,
            ],
          ];
          for (const [flags, message] of refusals) {
            const refused = await spawnTrainAll(["--resume", "--out", resumed, ...flags], { env });
            assert.equal(refused.code, 2);
            assert.equal(refused.stderr, `error: --resume: ${message}; drop the flag\n`);
          }

          // One label changed in the folder since the run started: refused, nothing written.
          const labels = join(data, "train-labels-idx1-ubyte");
          const gz = await Deno.readFile(`${labels}.gz`);
          const bytes = new Uint8Array(
            await new Response(
              new Blob([gz]).stream().pipeThrough(new DecompressionStream("gzip")),
            ).arrayBuffer(),
          );
          bytes[8] = (bytes[8] + 1) % 10;
          await Deno.writeFile(labels, bytes); // read before the .gz
          const changed = await spawnTrainAll(["--resume", "--out", resumed], { env });
          assert.equal(changed.code, 1);
          assert.match(
            lastLine(changed.stderr)!,
            new RegExp(
              `^error: ${labels}: expected SHA-256 ${FULL_CHECKSUMS.trainLabels}, got [0-9a-f]{64}; ` +
                "replace it with a good copy$",
            ),
          );
          assert.deepEqual(await snapshot(resumed), before);
          await Deno.remove(labels);
        },
      });
      assert.deepEqual(done.config.dataSource, { kind: "dir", dir: data, sha256: FULL_CHECKSUMS });
      assert.equal(done.config.data, `dir: ${data}`);
      const report = await Deno.readTextFile(join(resumed, "report.md"));
      assert.match(
        report,
        new RegExp(`^deno task train-all --data-dir ${data} --models model1 `, "m"),
      );
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
