/**
 * `deno task compare` and `deno task report` as a user runs them: refusals,
 * merging recorded results, and a tiny end-to-end comparison of the
 * `tensorflow` and `cpu` backends on the fixture split.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DOMParser } from "@xmldom/xmldom";
import { parseComparison } from "../src/results/compare.ts";
import { runCli } from "./_cli.ts";

const FIXTURE_RESULTS = new URL("../fixtures/results/", import.meta.url).pathname;

/** The last stderr line: what the user reads (libtensorflow may print start-up lines before it). */
const lastLine = (s: string) => s.trim().split("\n").at(-1);

const refusals: [string, string[], string][] = [
  [
    "compare",
    ["--model", "model9"],
    'error: --model: unknown model "model9": expected one of model1, model2, model3',
  ],
  [
    "compare",
    ["--backends", "tensorflow,tpu"],
    'error: --backends: unknown backend "tpu": expected one of tensorflow-gpu, tensorflow, webgpu, cpu',
  ],
  ["compare", ["--epochs=-3"], 'error: --epochs: expected a positive integer, got "-3"'],
  ["compare", ["--backends", ","], 'error: --backends: expected a comma-separated list, got ""'],
  [
    "compare",
    ["--resume"],
    "error: --resume: expected --out DIR naming the comparison to continue",
  ],
  [
    "report",
    [],
    "error: expected one or more results.json, compare.json or folders holding them; see `deno task report --help`",
  ],
];

for (const [cli, args, message] of refusals) {
  Deno.test(`${cli} refuses ${args.join(" ") || "no arguments"} with one line and exit code 2`, async () => {
    const { code, stderr } = await runCli(cli, ...args);
    assert.equal(code, 2);
    assert.equal(stderr, `${message}\n`);
  });
}

Deno.test("report names a missing input and exits 1", async () => {
  const { code, stderr } = await runCli("report", "--out", "/tmp/unused", "no/such/results.json");
  assert.equal(code, 1);
  assert.equal(
    stderr,
    "error: no/such/results.json: no such file or folder; expected a results.json, a compare.json or a folder holding them\n",
  );
});

Deno.test("report refuses a damaged results file, naming it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const bad = join(dir, "results.json");
    await Deno.writeTextFile(bad, JSON.stringify({ schemaVersion: 1, runs: [] }));
    const { code, stderr } = await runCli("report", "--out", join(dir, "out"), bad);
    assert.equal(code, 1);
    assert.match(
      stderr,
      new RegExp(`^error: ${bad}: not a valid fmnist-bench results file \\(schema version 1\\): `),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("report merges results from three machines into one comparison", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { code, stdout } = await runCli("report", "--out", dir, FIXTURE_RESULTS);
    assert.equal(code, 0);
    assert.match(stdout, /^report: 8 rows from 3 machines \(5 results files, 0 earlier rows\)\n/);
    const c = parseComparison(JSON.parse(await Deno.readTextFile(join(dir, "compare.json"))));
    assert.deepEqual(
      c.rows.map((r) => `${r.machine} ${r.model} ${r.backend} ${r.speedup === null ? "-" : "x"}`),
      [
        "gpu-box model1 tensorflow-gpu -",
        "h100-webgpu model1 webgpu -",
        "h100-webgpu model2 webgpu -",
        "h100-webgpu model3 webgpu -",
        "vm model1 tensorflow x",
        "vm model1 webgpu x",
        "vm model1 cpu x",
        "vm model2 tensorflow x",
      ],
    );
    const md = await Deno.readTextFile(join(dir, "compare.md"));
    assert.match(md, /!\[seconds per epoch and accuracy per epoch\]\(compare\.svg\)/);
    assert.match(md, /GPU package ran on the CPU: no speed-up claimed/);
    // Merging the merged comparison with nothing new gives the same rows.
    const again = await Deno.makeTempDir();
    try {
      const second = await runCli("report", "--out", again, dir);
      assert.equal(second.code, 0);
      const c2 = parseComparison(JSON.parse(await Deno.readTextFile(join(again, "compare.json"))));
      assert.deepEqual(c2.rows, c.rows);
    } finally {
      await Deno.remove(again, { recursive: true });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("compare runs tensorflow and cpu end to end on the fixture split", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { code, stdout, stderr } = await runCli(
      "compare",
      "--fixtures",
      "--backends",
      "tensorflow,cpu",
      "--epochs",
      "1",
      "--short-train-size",
      "8",
      "--machine",
      "test-machine",
      "--out",
      dir,
    );
    assert.equal(code, 0, stderr);
    assert.match(stderr, /compare: cpu: .*slow here: short run of 8 images × 1 epochs/);
    assert.match(stdout, /model1 +tensorflow +[0-9.]+ s +[0-9]+ +1\.00×/);
    const c = parseComparison(JSON.parse(await Deno.readTextFile(join(dir, "compare.json"))));
    assert.deepEqual(c.rows.map((r) => [r.machine, r.backend, r.status, r.trainSize, r.epochs]), [
      ["test-machine", "tensorflow", "measured", 1800, 1],
      ["test-machine", "cpu", "measured", 8, 1],
    ]);
    const [tf, cpu] = c.rows;
    assert.equal(tf.speedup, 1);
    assert.ok(cpu.speedup! > 0 && cpu.speedup! < 1, `cpu speed-up ${cpu.speedup}`);
    assert.equal(cpu.note, "short run: slow backend here");
    assert.equal(tf.test?.count, 500);
    assert.ok(tf.test!.accuracy > 0.4, `one epoch on 1,800 images: ${tf.test!.accuracy}`);
    assert.equal(cpu.batched?.batchSize, 8);
    assert.match(c.command!, /^deno task compare --model model1 --backends tensorflow,cpu /);
    const svg = await Deno.readTextFile(join(dir, "compare.svg"));
    const errors: string[] = [];
    new DOMParser({ onError: (_level, msg) => errors.push(msg) }).parseFromString(
      svg,
      "image/svg+xml",
    );
    assert.deepEqual(errors, []);
    for (const backend of ["tensorflow", "cpu"]) {
      const results = JSON.parse(
        await Deno.readTextFile(join(dir, "runs", backend, "model1", "results.json")),
      );
      assert.equal(results.status, "complete");
      assert.equal(results.env.machine, "test-machine");
    }
    // A second run in the same folder is refused without --resume, and reuses the runs with it.
    const refused = await runCli("compare", "--fixtures", "--out", dir);
    assert.equal(refused.code, 2);
    assert.equal(
      lastLine(refused.stderr),
      `error: --out ${dir}: it already holds a comparison; add --resume to continue it, or pick another folder`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
