/**
 * The history store across processes: writers at once lose no run, a writer
 * killed mid-write leaves a store that opens with every run it finished, a
 * `train-all` run lands in the store that `FMNIST_BENCH_STORE` names, and
 * every results file the suite writes (each schema version, each layout)
 * imports.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { withTempDir } from "../src/_util/testing.ts";
import { findResultsFiles, importResults } from "../src/store/import.ts";
import { openStore } from "../src/store/store.ts";
import { runCli } from "./_cli.ts";

const WRITER = new URL("./scripts/store_writer.ts", import.meta.url).pathname;
const ROOT = new URL("..", import.meta.url).pathname;
const FIXTURES = join(ROOT, "fixtures");

function writer(path: string, label: string, count: number) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", WRITER, path, label, String(count)],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

Deno.test("four processes writing one store at once lose no run", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "history.sqlite");
    const children = ["a", "b", "c", "d"].map((label) => writer(path, label, 15));
    const outs = await Promise.all(children.map((c) => c.output()));
    for (const out of outs) assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const store = openStore(path);
    assert.equal(store.runCount(), 60);
    const machines = new Set(store.series({ figure: "epoch_seconds" }).map((p) => p.machine));
    assert.deepEqual([...machines].sort(), ["a", "b", "c", "d"]);
    store.close();
  });
});

Deno.test("a writer killed with SIGKILL mid-write leaves a store with every run it finished", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "history.sqlite");
    const child = writer(path, "killed", 0);
    let finished = -1;
    let text = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      text += chunk;
      const done = text.match(/recorded (\d+)\n(?![\s\S]*recorded \d+\n)/);
      if (done) finished = Number(done[1]);
      if (finished >= 40) break;
    }
    child.kill("SIGKILL");
    await child.status;
    await child.stderr.cancel();
    const store = openStore(path);
    assert.ok(store.runCount() >= finished + 1, `${store.runCount()} runs, ${finished + 1} done`);
    store.close();
  });
});

Deno.test("a train-all run is recorded in the store FMNIST_BENCH_STORE names, and history prints it", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "history.sqlite");
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        ...[
          "run",
          "-A",
          join(ROOT, "src/cli/train_all.ts"),
          "--fixtures",
          "--backend",
          "tensorflow",
        ],
        ...["--models", "model1", "--epochs", "2", "--train-size", "128", "--batch-size", "64"],
        ...["--test-size", "100", "--inference-batch", "64", "--inference-runs", "50"],
        ...["--out", join(dir, "run")],
      ],
      env: { FMNIST_BENCH_STORE: path },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    assert.doesNotMatch(stderr, /warning/);
    const store = openStore(path);
    assert.equal(store.runCount(), 1);
    const figures = store.series({ model: "model1" }).map((p) => p.figure).sort();
    assert.deepEqual(figures, ["batch1_ms", "batched_img_s", "epoch_seconds", "test_accuracy"]);
    store.close();
    const history = await runCli("history", "--store", path, "--figure", "epoch_seconds");
    assert.equal(history.code, 0, history.stderr);
    assert.match(history.stdout, /model1 +tensorflow +tfjs +epoch_seconds/);
    const again = await runCli("history", "--store", path, "import", join(dir, "run"));
    assert.equal(again.stdout.trim(), `history: 0 new, 0 updated, 1 already stored (${path})`);
  });
});

Deno.test("every results file the suite writes imports: fixtures/ whole, schema 2, a GPU kit's folder", async () => {
  await withTempDir(async (dir) => {
    const read = async (path: string) => JSON.parse(await Deno.readTextFile(join(FIXTURES, path)));
    const store = openStore(join(dir, "h.sqlite"));
    // results/ (train-all, compare), peer/ (both sides), recorded/ (train-all, browser, Keras).
    const files = await findResultsFiles([FIXTURES]);
    const layouts = new Set(files.map((f) => f.split("/").at(-3)));
    assert.deepEqual([...layouts].sort(), ["peer", "recorded", "results"]);
    const versions = new Set(
      await Promise.all(
        files.map(async (f) => (await read(f.split("fixtures/")[1])).schemaVersion),
      ),
    );
    assert.deepEqual([...versions].sort(), [1, 3]);
    assert.deepEqual(await importResults(store, [FIXTURES]), {
      new: files.length,
      updated: 0,
      unchanged: 0,
    });

    // Schema 2: version 1 with the engine named, as compare's and peer's native runs were written.
    const v2 = await read("results/vm-tensorflow/results.json");
    v2.schemaVersion = 2;
    v2.createdAt = "2026-11-27T09:00:00.000Z";
    v2.config.engine = "tfjs";
    for (const run of v2.runs) run.engine = "tfjs";
    await Deno.mkdir(join(dir, "v2"));
    await Deno.writeTextFile(join(dir, "v2", "results.json"), JSON.stringify(v2));
    // A GPU kit's results folder as run.sh leaves it: <side>/<model>/results.json, plan.json.
    const kit = join(dir, "kit-results", "h100-2026-12-01T00-00-00");
    for (
      const [side, fixture] of [["webgpu", "results/h100-webgpu"], ["keras-jax", "recorded/keras"]]
    ) {
      const results = await read(`${fixture}/results.json`);
      results.env.machine = "h100";
      results.config.backend = side;
      for (const run of results.runs) run.backend = side;
      await Deno.mkdir(join(kit, side, "model1"), { recursive: true });
      await Deno.writeTextFile(join(kit, side, "model1", "results.json"), JSON.stringify(results));
    }
    await Deno.writeTextFile(join(kit, "plan.json"), "{}");
    assert.deepEqual(await importResults(store, [join(dir, "v2"), join(dir, "kit-results")]), {
      new: 3,
      updated: 0,
      unchanged: 0,
    });
    assert.equal(store.runCount(), files.length + 3);
    const h100 = new Set(store.series({ machine: "h100" }).map((p) => p.backend));
    assert.deepEqual([...h100].sort(), ["keras-jax", "webgpu"]);
    store.close();
  });
});

Deno.test("history export writes one file that history import merges once; export needs a store and one file", async () => {
  await withTempDir(async (dir) => {
    const store = join(dir, "home.sqlite");
    const file = join(dir, "out", "laptop.sqlite");
    await runCli("history", "--store", store, "import", join(FIXTURES, "results"));
    const exported = await runCli("history", "--store", store, "export", file);
    assert.equal(exported.stdout, `history: exported 6 runs to ${file} (from ${store})\n`);
    const gathered = join(dir, "gathered.sqlite");
    const first = await runCli("history", "--store", gathered, "import", file);
    assert.equal(first.stdout, `history: 6 new, 0 updated, 0 already stored (${gathered})\n`);
    const again = await runCli("history", "--store", gathered, "import", file);
    assert.equal(again.stdout, `history: 0 new, 0 updated, 6 already stored (${gathered})\n`);

    const none = await runCli("history", "--store", join(dir, "none.sqlite"), "export", file);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no store at .*none\.sqlite; nothing to export/);
    const two = await runCli("history", "--store", store, "export", file, file);
    assert.equal(two.code, 2);
    assert.match(two.stderr, /^error: export: expected one file to write, got 2/);
  });
});
