/**
 * The history store across processes: writers at once lose no run, a writer
 * killed mid-write leaves a store that opens with every run it finished, and
 * a `train-all` run lands in the store that `FMNIST_BENCH_STORE` names.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { withTempDir } from "../src/_util/testing.ts";
import { openStore } from "../src/store/store.ts";
import { runCli } from "./_cli.ts";

const WRITER = new URL("./scripts/store_writer.ts", import.meta.url).pathname;
const ROOT = new URL("..", import.meta.url).pathname;

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
