/**
 * `deno task peer` as a user runs it: a missing Keras environment is reported
 * with how to install it, and a short run on the fixture split compares both
 * sides on the same data. The run needs the environment `deno task
 * setup-keras` makes (CI makes it); without it the test is skipped, saying why.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { PeerSummary } from "../../src/peer/summary.ts";
import { runCli } from "../_cli.ts";
import { probeTestKeras } from "../_keras.ts";
import { tableTopLevel, writtenTopLevel } from "../_output_files.ts";

const lastLine = (s: string) => s.trim().split("\n").at(-1);

Deno.test("peer reports a missing Keras environment and how to make it", async () => {
  const { code, stderr } = await runCli("peer", "--fixtures", "--venv", "/nonexistent/venv");
  assert.equal(code, 1);
  assert.equal(
    lastLine(stderr),
    "error: the Keras peer is not available: no Keras virtual environment at /nonexistent/venv; " +
      "run `deno task setup-keras` to create it",
  );
});

Deno.test("peer refuses --inference-runs below 50", async () => {
  const { code, stderr } = await runCli("peer", "--inference-runs", "10");
  assert.equal(code, 2);
  assert.equal(
    stderr,
    "error: --inference-runs: expected at least 50 (a p95 needs them), got 10\n",
  );
});

const engineRefusals: [string[], string][] = [
  [
    ["--engines", "tfjs,turbo"],
    'error: --engines: expected one of tfjs, native, tfjs-patched, got "turbo"; ' +
    "see `deno task peer --help`",
  ],
  [["--engines", ","], 'error: --engines: expected a list like tfjs,native, got ","'],
  [
    ["--engines", "tfjs,turbo", "--help"],
    'error: --engines: expected one of tfjs, native, tfjs-patched, got "turbo"; ' +
    "see `deno task peer --help`",
  ],
  [
    ["--engines", "tfjs", "--engine", "native"],
    "error: --engines and --engine both name the engines; keep one",
  ],
];
for (const [args, message] of engineRefusals) {
  Deno.test(`peer refuses ${args.join(" ")} with one line and exit code 2`, async () => {
    const { code, stderr } = await runCli("peer", ...args);
    assert.equal(code, 2);
    assert.equal(stderr, `${message}\n`);
  });
}

const keras = await probeTestKeras();
if (!keras.available) console.error(`peer_cli_test: skipping the Keras run: ${keras.reason}`);

Deno.test({
  name: `peer compares both TF.js engines and Keras on the fixture split${
    keras.available ? "" : ` (skipped: ${keras.reason})`
  }`,
  ignore: !keras.available,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      const { code, stdout, stderr } = await runCli(
        "peer",
        "--fixtures",
        "--train-size",
        "512",
        "--epochs",
        "2",
        "--repeats",
        "1",
        "--inference-batch",
        "64",
        "--inference-runs",
        "50",
        "--out",
        dir,
      );
      assert.equal(code, 0, stderr);
      // The folder holds what peer's --help says it writes.
      assert.deepEqual(await writtenTopLevel(dir), tableTopLevel("peer"));
      assert.match(stdout, /\| model1 \| TF\.js `tfjs` \|/);
      assert.match(stdout, /\| model1 \| TF\.js `native` \|/);
      const s: PeerSummary = JSON.parse(await Deno.readTextFile(join(dir, "peer.json")));
      assert.equal(s.kind, "fmnist-bench-peer");
      assert.equal(s.config.trainSize, 512);
      assert.ok(s.ceilingGflops > 1, `ceiling ${s.ceilingGflops}`);
      const [m] = s.models;
      assert.equal(m.model, "model1");
      // Both engines by default, beside the same Keras runs.
      assert.deepEqual(m.engines.map((e) => e.engine), ["tfjs", "native"]);
      assert.deepEqual(s.config.engines.map((e) => e.inferencePath), ["layers", "native"]);
      for (const e of m.engines) {
        assert.ok(e.ratios.epochSeconds > 0);
        // Same data, same architecture: both sides learn, to within a few points on 500 images.
        assert.ok(e.tfjs.testAccuracy > 0.5, JSON.stringify(e));
        assert.ok(Math.abs(e.accuracyGapPoints) < 10, `${e.engine} gap ${e.accuracyGapPoints}`);
      }
      assert.ok(m.keras.testAccuracy > 0.5, JSON.stringify(m.keras));
      // The native engine times the native predictor, with predictOnBatch beside it.
      const [tfjsSide, nativeSide] = m.engines;
      assert.equal(tfjsSide.tfjs.layers, undefined);
      assert.ok(nativeSide.tfjs.layers !== undefined && nativeSide.tfjs.layers.batch1P50Ms > 0);
      assert.equal(m.keras.layers, undefined);
      assert.match(stdout, /timed in the same runs as the native predictor: model1 `native`/);
      const read = (name: string) =>
        Deno.readTextFile(join(dir, "runs", "model1", name, "results.json")).then(JSON.parse);
      const tfjs = await read("tfjs-1");
      assert.equal(tfjs.config.engine, "tfjs");
      assert.equal(tfjs.runs[0].inference.path, "layers");
      const native = await read("native-1");
      assert.equal(native.config.engine, "native");
      assert.equal(native.runs[0].inference.path, "native");
      assert.equal(native.runs[0].inference.kernels.batch1.length, 6);
      assert.equal(native.runs[0].inference.layers.batched.batchSize, 64);
      const keras = JSON.parse(
        await Deno.readTextFile(join(dir, "runs", "model1", "keras-1", "results.json")),
      );
      assert.equal(keras.config.backend, "keras");
      assert.equal(keras.config.engine, "keras");
      // Both sides record the same data: the fixtures, by their checksums.
      assert.equal(keras.config.dataSource.kind, "fixtures");
      assert.deepEqual(keras.config.dataSource, tfjs.config.dataSource);
      assert.equal(keras.config.data, tfjs.config.data);
      assert.equal(keras.runs[0].params, 878_730); // Keras counts the same parameters as countParams
      assert.deepEqual(
        await Array.fromAsync(Deno.readDir(join(dir, "runs", "model1", "keras-1")), (e) => e.name),
        ["results.json"],
      );
      // Both sides measure memory, cold start and time to accuracy the same way.
      for (const side of [tfjs, keras]) {
        const m = side.runs[0].measures;
        assert.equal(m.memory.host.method, "VmHWM");
        assert.ok(m.memory.host.trainingPeakBytes >= m.memory.host.baselineBytes);
        assert.ok(m.coldStart.backendLoadSeconds > 0 && m.coldStart.firstPredictionMs > 0);
        assert.deepEqual(m.timeToAccuracy.targets.map((t: { target: number }) => t.target), [
          0.6,
          0.7,
          0.75,
        ]);
        assert.equal(
          m.energy.notMeasured === undefined,
          side.runs[0].epochs[0].joules !== undefined,
        );
      }
      assert.deepEqual(keras.runs[0].measures.memory.tfjs, {
        notMeasured: "not TF.js: Keras has no tf.memory()",
      });
      assert.ok(tfjs.runs[0].measures.memory.tfjs.peakBytes > 878_730 * 4);
      assert.ok(m.keras.measures && m.keras.measures.trainingPeakBytes! > 0);
      assert.ok(m.engines[0].ratios.trainingPeakMemory! > 0);
      const md = await Deno.readTextFile(join(dir, "peer.md"));
      assert.match(md, /## Memory, cold start, time to accuracy and energy/);
      const html = await Deno.readTextFile(join(dir, "peer.html"));
      assert.match(html, /<h1>TF\.js in Deno against Keras, same machine, same run<\/h1>/);
      assert.match(html, /id="chart-memory"/);
      assert.match(md, /\| model\d \| Keras \| [\d,]+ MiB \(\+[\d,]+ MiB\) \|/);
      assert.match(md, /\| training peak memory \| time to accuracy \| energy per epoch \|/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
