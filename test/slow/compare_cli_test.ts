/**
 * `deno task compare` and `deno task merge` as a user runs them: refusals,
 * merging recorded results, and a tiny end-to-end comparison of the
 * `tensorflow` and `cpu` backends on the fixture split.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DOMParser } from "@xmldom/xmldom";
import { parseComparison } from "../../src/compare/comparison_files.ts";
import { runCli } from "../_cli.ts";
import { tableTopLevel, writtenTopLevel } from "../_output_files.ts";

const FIXTURE_RESULTS = new URL("../../fixtures/results/", import.meta.url).pathname;

/** The last stderr line: what the user reads (libtensorflow may print start-up lines before it). */
const lastLine = (s: string) => s.trim().split("\n").at(-1);

const refusals: [string, string[], string][] = [
  [
    "compare",
    ["--models", "model9", "--help"],
    'error: --models: unknown model "model9": expected one of model1, model2, model3',
  ],
  [
    "compare",
    ["--backends", "tensorflow,tpu"],
    'error: --backends: unknown backend "tpu": expected one of tensorflow-gpu, tensorflow, webgpu, wasm, cpu, browser-wasm, browser-webgl, browser-webgpu, browser-cpu',
  ],
  ["compare", ["--epochs=-3"], 'error: --epochs: expected a positive integer, got "-3"'],
  [
    "compare",
    ["--engines", "tfjs,x"],
    'error: --engines: expected one of tfjs, native, tfjs-patched, got "x"; ' +
    "see `deno task compare --help`",
  ],
  [
    "compare",
    ["--engine", "x"],
    'error: --engine: expected one of tfjs, native, tfjs-patched, got "x"; ' +
    "see `deno task compare --help`",
  ],
  [
    "compare",
    ["--engines", "native", "--backends", "cpu,webgpu"],
    "error: --engines native runs on tensorflow-gpu, tensorflow, not cpu, webgpu; " +
    "add one of those to --backends, or drop native",
  ],
  [
    "compare",
    ["--engines", "native", "--backends", "tensorflow,cpu"],
    "error: --backends cpu: none of --engines native runs there; " +
    "add tfjs to --engines, or drop cpu from --backends",
  ],
  [
    "compare",
    ["--engines", "tfjs", "--engine", "native"],
    "error: --engines and --engine both name the engines; keep one",
  ],
  ["compare", ["--backends", ","], 'error: --backends: expected a comma-separated list, got ""'],
  [
    "compare",
    ["--resume"],
    "error: --resume: expected --out DIR naming the comparison to continue",
  ],
  [
    "merge",
    [],
    "error: expected one or more results.json, compare.json or folders holding them; see `deno task merge --help`",
  ],
];

for (const [cli, args, message] of refusals) {
  Deno.test(`${cli} refuses ${args.join(" ") || "no arguments"} with one line and exit code 2`, async () => {
    const { code, stderr } = await runCli(cli, ...args);
    assert.equal(code, 2);
    assert.equal(stderr, `${message}\n`);
  });
}

Deno.test("merge names a missing input and exits 1", async () => {
  const { code, stderr } = await runCli("merge", "--out", "/tmp/unused", "no/such/results.json");
  assert.equal(code, 1);
  assert.equal(
    stderr,
    "error: no/such/results.json: no such file or folder; expected a results.json, a compare.json or a folder holding them\n",
  );
});

Deno.test("merge refuses a damaged results file, naming it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const bad = join(dir, "results.json");
    await Deno.writeTextFile(bad, JSON.stringify({ schemaVersion: 1, runs: [] }));
    const { code, stderr } = await runCli("merge", "--out", join(dir, "out"), bad);
    assert.equal(code, 1);
    assert.match(
      stderr,
      new RegExp(
        `^error: ${bad}: not a valid fmnist-bench results file \\(schema version 1, 2, 3 or 4\\): `,
      ),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("merge merges results from three machines into one comparison", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { code, stdout } = await runCli("merge", "--out", dir, FIXTURE_RESULTS);
    assert.equal(code, 0);
    assert.match(stdout, /^merge: 9 rows from 4 machines \(6 results files, 0 earlier rows\)\n/);
    const c = parseComparison(JSON.parse(await Deno.readTextFile(join(dir, "compare.json"))));
    assert.deepEqual(
      c.rows.map((r) =>
        `${r.machine} ${r.model} ${r.backend} ${r.engine} ${r.speedup === null ? "-" : "x"}`
      ),
      [
        "epyc model1 tensorflow tfjs x",
        "gpu-box model1 tensorflow-gpu tfjs -",
        "h100-webgpu model1 webgpu tfjs -",
        "h100-webgpu model2 webgpu tfjs -",
        "h100-webgpu model3 webgpu tfjs -",
        "vm model1 tensorflow tfjs x",
        "vm model1 webgpu tfjs x",
        "vm model1 cpu tfjs x",
        "vm model2 tensorflow tfjs x",
      ],
    );
    // The committed fixtures but epyc's are schema-1 files: each row says its engine was derived.
    assert.ok(
      c.rows.every((r) => r.machine === "epyc" || r.note?.includes("derived from a schema-1 file")),
    );
    const md = await Deno.readTextFile(join(dir, "compare.md"));
    assert.match(md, /!\[seconds per epoch and accuracy per epoch\]\(compare\.svg\)/);
    assert.match(md, /GPU package ran on the CPU: no speed-up claimed/);
    assert.match(
      md,
      /^\| vm \| model1 \| `tensorflow` \| `tfjs` \| .* engine tfjs derived from a schema-1 file \|$/m,
    );
    // Merging the merged comparison with nothing new gives the same rows.
    const again = await Deno.makeTempDir();
    try {
      const second = await runCli("merge", "--out", again, dir);
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

Deno.test("compare runs tfjs and native on tensorflow, tfjs on cpu, on the fixture split", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { code, stdout, stderr } = await runCli(
      "compare",
      "--fixtures",
      "--backends",
      "tensorflow,cpu",
      "--epochs",
      "1",
      // The pure-JS cpu backend trains model1 at seconds an image: 2 images, a batch of 2.
      "--short-train-size",
      "2",
      // Small test and inference sets on tensorflow (a short run sets its own).
      "--test-size",
      "100",
      "--inference-batch",
      "64",
      "--inference-runs",
      "50",
      "--machine",
      "test-machine",
      "--out",
      dir,
    );
    assert.equal(code, 0, stderr);
    // The folder holds what compare's --help says it writes.
    assert.deepEqual(await writtenTopLevel(dir), tableTopLevel("compare"));
    assert.match(stderr, /compare: cpu: .*slow here: short run of 2 images × 1 epochs/);
    assert.match(stdout, /model1 +tensorflow +tfjs +[0-9.]+ s +[0-9]+ +1\.00× +– /);
    assert.match(stdout, /model1 +tensorflow +native +[0-9.]+ s +[0-9]+ +1\.00× +[0-9.]+×/);
    const c = parseComparison(JSON.parse(await Deno.readTextFile(join(dir, "compare.json"))));
    assert.equal(c.version, 3);
    assert.deepEqual(
      c.rows.map((r) => [r.machine, r.backend, r.engine, r.status, r.trainSize, r.epochs]),
      [
        ["test-machine", "tensorflow", "tfjs", "measured", 1800, 1],
        ["test-machine", "tensorflow", "native", "measured", 1800, 1],
        ["test-machine", "cpu", "tfjs", "measured", 2, 1],
      ],
    );
    const [tf, native, cpu] = c.rows;
    assert.deepEqual([tf.inferencePath, native.inferencePath, cpu.inferencePath], [
      "layers",
      "native",
      "layers",
    ]);
    // Speed-ups within an engine only: cpu's is over tensorflow's tfjs row, never native's.
    assert.equal(tf.speedup, 1);
    assert.equal(native.speedup, 1);
    assert.equal(cpu.speedup, cpu.imagesPerSecond! / tf.imagesPerSecond!);
    assert.ok(cpu.speedup! > 0, `cpu speed-up ${cpu.speedup}`);
    // And the one figure across engines: native over tfjs on the same backend.
    assert.equal(native.engineSpeedup, native.imagesPerSecond! / tf.imagesPerSecond!);
    assert.equal(tf.engineSpeedup, null);
    assert.equal(cpu.engineSpeedup, null);
    const md = await Deno.readTextFile(join(dir, "compare.md"));
    assert.match(md, /^\| test-machine \| model1 \| `tensorflow` \| `native` \| /m);
    assert.match(md, /^\| test-machine \| model1 \| `cpu` \| `tfjs` \| /m);
    assert.equal(cpu.note, "short run: slow backend here");
    assert.equal(tf.test?.count, 100);
    assert.ok(tf.test!.accuracy > 0.4, `one epoch on 1,800 images: ${tf.test!.accuracy}`);
    assert.equal(tf.batched?.batchSize, 64);
    assert.equal(cpu.batched?.batchSize, 2);
    assert.match(
      c.command!,
      /^deno task compare --models model1 --backends tensorflow,cpu --engines tfjs,native /,
    );
    const svg = await Deno.readTextFile(join(dir, "compare.svg"));
    const errors: string[] = [];
    new DOMParser({ onError: (_level, msg) => errors.push(msg) }).parseFromString(
      svg,
      "image/svg+xml",
    );
    assert.deepEqual(errors, []);
    for (const label of ["tensorflow · tfjs", "tensorflow · native", "cpu · tfjs"]) {
      assert.ok(svg.includes(`>${label}</text>`), `the chart's legend has no ${label}`);
    }
    assert.match(svg, /left out: cpu · tfjs model1 \(2 test images\)/);
    for (
      const [backend, engine] of [["tensorflow", "tfjs"], ["tensorflow", "native"], ["cpu", "tfjs"]]
    ) {
      const results = JSON.parse(
        await Deno.readTextFile(join(dir, "runs", backend, engine, "model1", "results.json")),
      );
      assert.equal(results.status, "complete");
      assert.equal(results.env.machine, "test-machine");
      assert.equal(results.config.engine, engine);
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
