import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { withTempDir } from "../_util/testing.ts";
import { sampleResults } from "../results/_testing.ts";
import type { ResultsFile } from "../results/schema.ts";
import { exportStore, importStoreFile } from "./exchange.ts";
import { storedRun } from "./figures.ts";
import { importResults } from "./import.ts";
import { openStore } from "./store.ts";

const FIXTURES = new URL("../../fixtures/results/", import.meta.url).pathname;

/** A sample run started `minute` minutes into 2026 on `machine`. */
function runAt(machine: string, minute: number): ResultsFile {
  const r = sampleResults();
  r.env.machine = machine;
  r.createdAt = new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();
  r.updatedAt = new Date(Date.UTC(2026, 0, 1, 1, minute)).toISOString();
  return r;
}

/** Everything a store holds, figure by figure with its samples, to compare two stores. */
function contents(path: string): unknown[] {
  const store = openStore(path);
  try {
    return store.series().map((p) => ({
      ...p,
      samples: store.samples(p.runId, p.model, p.figure),
    }));
  } finally {
    store.close();
  }
}

Deno.test("an export holds every run, figure and sample; importing it twice adds nothing the second time", async () => {
  await withTempDir(async (dir) => {
    const home = openStore(join(dir, "home.sqlite"));
    await importResults(home, [FIXTURES]);
    home.record(runAt("ci", 1));
    const exported = await exportStore(home, join(dir, "out", "ci.sqlite"));
    assert.equal(exported.runs, home.runCount());
    home.close();
    assert.deepEqual(
      [...Deno.readDirSync(join(dir, "out"))].map((e) => e.name),
      ["ci.sqlite"],
      "no temporary file is left",
    );
    const header = Deno.readFileSync(exported.path).slice(0, 20);
    assert.deepEqual([header[18], header[19]], [1, 1], "rollback journal: one file, no WAL");

    const gathered = openStore(join(dir, "gathered.sqlite"));
    const first = importStoreFile(gathered, exported.path);
    assert.deepEqual(first, { new: exported.runs, updated: 0, unchanged: 0 });
    assert.deepEqual(importStoreFile(gathered, exported.path), {
      new: 0,
      updated: 0,
      unchanged: exported.runs,
    });
    gathered.close();
    assert.deepEqual(contents(join(dir, "gathered.sqlite")), contents(join(dir, "home.sqlite")));
  });
});

Deno.test("a newer copy of a run replaces the stored one; an older copy changes nothing", async () => {
  await withTempDir(async (dir) => {
    const complete = runAt("gpu", 5);
    const partial = structuredClone(complete);
    partial.status = "partial";
    partial.updatedAt = new Date(Date.UTC(2026, 0, 1, 0, 30)).toISOString();
    partial.runs = partial.runs.slice(0, 1);
    const older = openStore(join(dir, "older.sqlite"));
    older.record(partial);
    older.record(runAt("gpu", 9));
    const newer = openStore(join(dir, "newer.sqlite"));
    newer.record(complete);
    await exportStore(older, join(dir, "older-export.sqlite"));
    await exportStore(newer, join(dir, "newer-export.sqlite"));

    assert.deepEqual(importStoreFile(older, join(dir, "newer-export.sqlite")), {
      new: 0,
      updated: 1,
      unchanged: 0,
    });
    const id = storedRun(complete).id;
    const models = older.series({ figure: "epoch_seconds" }).filter((p) => p.runId === id);
    assert.equal(models.length, complete.runs.length, "every model of the complete run");
    assert.ok(models.every((p) => p.status === "complete"));

    assert.deepEqual(importStoreFile(newer, join(dir, "older-export.sqlite")), {
      new: 1,
      updated: 0,
      unchanged: 1,
    });
    const runs = new Set(newer.series({ machine: "gpu" }).map((p) => p.runId));
    assert.equal(runs.size, 2);
    older.close();
    newer.close();
  });
});

Deno.test("a filtered export keeps each run with a matching figure whole", async () => {
  await withTempDir(async (dir) => {
    const store = openStore(join(dir, "h.sqlite"));
    await importResults(store, [FIXTURES]);
    const out = await exportStore(store, join(dir, "vm.sqlite"), {
      machine: "vm",
      model: "model2",
    });
    assert.equal(out.runs, 1);
    const all = store.series({ machine: "vm" });
    store.close();
    const exported = openStore(out.path);
    const points = exported.series();
    assert.ok(points.some((p) => p.model === "model1"), "the run's other model comes along");
    assert.deepEqual(points, all.filter((p) => p.runId === points[0].runId));
    exported.close();
  });
});

Deno.test("import of a folder merges the store files in it beside its results files", async () => {
  await withTempDir(async (dir) => {
    const runner = openStore(join(dir, "runner.sqlite"));
    runner.record(runAt("ubuntu-24.04", 2));
    await exportStore(runner, join(dir, "artifacts", "history-ubuntu-24.04", "history.sqlite"));
    runner.close();
    await Deno.mkdir(join(dir, "artifacts", "results"));
    await Deno.writeTextFile(
      join(dir, "artifacts", "results", "results.json"),
      JSON.stringify(runAt("laptop", 3)),
    );
    const store = openStore(join(dir, "h.sqlite"));
    assert.deepEqual(await importResults(store, [join(dir, "artifacts")]), {
      new: 2,
      updated: 0,
      unchanged: 0,
    });
    assert.throws(
      () => importStoreFile(store, join(dir, "h.sqlite")),
      /expected another store to import, got the store itself/,
    );
    store.close();
  });
});

/** The bytes of a file, to show it was left as it was. */
const bytes = (path: string) => Deno.readFileSync(path);

Deno.test("a file that is not a store of this schema is refused with one line, nothing written", async (t) => {
  await withTempDir(async (dir) => {
    const target = join(dir, "target.sqlite");
    openStore(target).close();
    const refused = async (path: string, got: RegExp) => {
      const before = bytes(path);
      const store = openStore(target);
      await assert.rejects(importResults(store, [path]), (err: Error) => {
        assert.equal(err.name, "StoreError");
        assert.equal(err.message.split("\n").length, 1, err.message);
        const named = relative(Deno.cwd(), path);
        assert.ok(
          err.message.startsWith(
            `${named}: expected an fmnist-bench history store (schema 1), got `,
          ),
          err.message,
        );
        assert.match(err.message, got);
        return true;
      });
      assert.equal(store.runCount(), 0);
      store.close();
      assert.deepEqual(bytes(path), before);
    };
    await t.step("not SQLite, named .sqlite", async () => {
      const path = join(dir, "text.sqlite");
      Deno.writeTextFileSync(path, "not a database at all, but long enough to be read as one\n");
      await refused(path, /not a sound SQLite database \(file is not a database\); name a file/);
    });
    await t.step("another program's SQLite file, by its header", async () => {
      const path = join(dir, "other.db");
      const db = new DatabaseSync(path);
      db.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine')");
      db.close();
      await refused(
        path,
        /a SQLite database of another program \(application_id 0, tables: notes\)/,
      );
    });
    await t.step("an empty SQLite file", async () => {
      const path = join(dir, "empty.sqlite");
      Deno.writeFileSync(path, new Uint8Array());
      await refused(path, /got an empty SQLite database \(schema 0\)/);
    });
    await t.step("a newer schema", async () => {
      const path = join(dir, "newer.sqlite");
      const store = openStore(path);
      store.record(runAt("x", 1));
      await exportStore(store, join(dir, "newer-export.sqlite"));
      store.close();
      const db = new DatabaseSync(join(dir, "newer-export.sqlite"));
      db.exec("PRAGMA user_version = 2");
      db.close();
      await refused(
        join(dir, "newer-export.sqlite"),
        /got schema 2, written by a newer fmnist-bench; update fmnist-bench to import it$/,
      );
    });
    await t.step("a damaged store", async () => {
      const store = openStore(join(dir, "many.sqlite"));
      for (let i = 0; i < 20; i++) store.record(runAt("m", i));
      await exportStore(store, join(dir, "damaged.sqlite"));
      store.close();
      const path = join(dir, "damaged.sqlite");
      const data = bytes(path);
      data.fill(0x5a, 4096, data.length);
      Deno.writeFileSync(path, data);
      await refused(path, /got a (damaged store|file that is not a sound SQLite database)/);
    });
  });
});
