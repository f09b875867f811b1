import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { withTempDir } from "../_util/testing.ts";
import { sampleResults } from "../results/_testing.ts";
import { createResultsWriter } from "../results/writer.ts";
import { storedRun } from "./figures.ts";
import { importResults } from "./import.ts";
import { openStore } from "./store.ts";

const FIXTURES = new URL("../../fixtures/results/", import.meta.url).pathname;
const EXPECTED = "expected an fmnist-bench history store (schema 1), got";

Deno.test("a new store is made with schema 1 in WAL mode, and reopens with what it holds", async () => {
  await withTempDir((dir) => {
    const path = join(dir, "deep", "history.sqlite");
    const store = openStore(path);
    assert.equal(store.record(sampleResults()), "new");
    store.close();
    const db = new DatabaseSync(path);
    assert.equal(db.prepare("PRAGMA user_version").get()?.user_version, 1);
    assert.equal(db.prepare("PRAGMA journal_mode").get()?.journal_mode, "wal");
    db.close();
    const again = openStore(path);
    assert.equal(again.runCount(), 1);
    const figures = again.series({ model: "model1" }).map((p) => p.figure).sort();
    assert.deepEqual(figures, ["batch1_ms", "batched_img_s", "epoch_seconds", "test_accuracy"]);
    again.close();
    return Promise.resolve();
  });
});

Deno.test("a run's identity is stable, and a grown run replaces its figures", async () => {
  await withTempDir((dir) => {
    const store = openStore(join(dir, "h.sqlite"));
    const results = sampleResults();
    const first = structuredClone(results);
    first.status = "partial";
    first.updatedAt = "2026-11-24T22:05:00.000Z";
    first.runs = first.runs.slice(0, 1);
    first.runs[0].epochs = first.runs[0].epochs.slice(0, 1);
    first.runs[0].test = null;
    first.runs[0].inference = null;
    assert.equal(storedRun(first).id, storedRun(results).id);
    assert.equal(store.record(first), "new");
    assert.equal(store.series().length, 1, "one epoch: epoch_seconds only");
    assert.equal(store.record(results), "updated");
    assert.equal(store.record(results), "unchanged");
    assert.equal(store.runCount(), 1);
    const epochs = store.series({ figure: "epoch_seconds" });
    assert.equal(epochs.length, results.runs.length);
    const run = storedRun(results);
    const figure = run.figures.find((f) => f.name === "batch1_ms")!;
    assert.deepEqual(store.samples(run.id, figure.model, "batch1_ms"), figure.samples);
    store.close();
    return Promise.resolve();
  });
});

Deno.test("importing fixtures/results twice adds nothing the second time", async () => {
  await withTempDir(async (dir) => {
    const store = openStore(join(dir, "h.sqlite"));
    const first = await importResults(store, [FIXTURES]);
    assert.ok(first.new >= 6, JSON.stringify(first));
    const rows = store.series().length;
    const second = await importResults(store, [FIXTURES]);
    assert.deepEqual(second, { new: 0, updated: 0, unchanged: first.new });
    assert.equal(store.series().length, rows);
    store.close();
  });
});

Deno.test("import finds a comparison's per-run results below its compare.json", async () => {
  await withTempDir(async (dir) => {
    const runs = join(dir, "compare-x", "runs", "model1");
    for (const side of ["tensorflow-tfjs", "cpu-tfjs"]) {
      await Deno.mkdir(join(runs, side), { recursive: true });
      const results = sampleResults();
      results.config.backend = side.split("-")[0];
      await Deno.writeTextFile(join(runs, side, "results.json"), JSON.stringify(results));
    }
    await Deno.writeTextFile(join(dir, "compare-x", "compare.json"), "{}");
    const store = openStore(join(dir, "h.sqlite"));
    assert.deepEqual(await importResults(store, [dir]), { new: 2, updated: 0, unchanged: 0 });
    store.close();
  });
});

/** The bytes of a file, to show it was left as it was. */
const bytes = (path: string) => Deno.readFileSync(path);

Deno.test("a file that is not a store is refused with one line and left unchanged", async (t) => {
  await withTempDir(async (dir) => {
    const refused = (path: string, got: RegExp) => {
      const before = bytes(path);
      assert.throws(() => openStore(path), (err: Error) => {
        assert.equal(err.message.split("\n").length, 1, err.message);
        assert.ok(err.message.startsWith(`${path}: ${EXPECTED} `), err.message);
        assert.match(err.message, got);
        assert.match(err.message, /; (move it away|update fmnist-bench)/);
        return true;
      });
      assert.deepEqual(bytes(path), before);
    };
    await t.step("not SQLite", () => {
      const path = join(dir, "text.sqlite");
      Deno.writeTextFileSync(path, "not a database at all, but long enough to be read as one\n");
      refused(path, /not a sound SQLite database \(file is not a database\)/);
    });
    await t.step("another program's SQLite file", () => {
      const path = join(dir, "other.sqlite");
      const db = new DatabaseSync(path);
      db.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine')");
      db.close();
      refused(path, /a SQLite database of another program \(application_id 0, tables: notes\)/);
    });
    await t.step("a newer schema", () => {
      const path = join(dir, "newer.sqlite");
      openStore(path).close();
      const db = new DatabaseSync(path);
      db.exec("PRAGMA user_version = 2");
      db.close();
      refused(path, /got schema 2, written by a newer fmnist-bench; update fmnist-bench/);
    });
    await t.step("a damaged store", () => {
      const path = join(dir, "damaged.sqlite");
      const store = openStore(path);
      for (let i = 0; i < 20; i++) {
        const r = sampleResults();
        r.createdAt = new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString();
        store.record(r);
      }
      store.close();
      const data = bytes(path);
      // Keep the header (the application id, the version), overwrite the pages after it.
      data.fill(0x5a, 4096, data.length);
      Deno.writeFileSync(path, data);
      refused(path, /got a (damaged store|file that is not a sound SQLite database)/);
    });
  });
});

Deno.test("a failing store never costs results.json: one warning, the file written", async () => {
  await withTempDir(async (dir) => {
    const results = sampleResults();
    const warnings: string[] = [];
    let calls = 0;
    const writer = await createResultsWriter({
      outDir: dir,
      env: results.env,
      config: results.config,
      record: () => {
        calls++;
        throw new Error("disk I/O error");
      },
      onRecordError: (message) => warnings.push(message),
    });
    for (const run of results.runs) await writer.putRun(run);
    await writer.write("complete");
    const written = JSON.parse(await Deno.readTextFile(join(dir, "results.json")));
    assert.equal(written.status, "complete");
    assert.equal(written.runs.length, results.runs.length);
    assert.deepEqual(warnings, ["disk I/O error"]);
    assert.equal(calls, 1, "recording stops after its first failure");
  });
});
