/**
 * The history store: one SQLite file (Deno's `node:sqlite`) holding every
 * run recorded or imported, its figures and their samples. It runs in WAL
 * mode with a busy timeout, so several processes may write at once (each
 * waits its turn). A file that is not a store of this schema, is damaged,
 * or was written by a newer version is refused with one line and left as it
 * is; an empty or new file is made a store.
 *
 * @module
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { setupOf } from "../compare/comparison_rows.ts";
import type { RowSetup } from "../compare/row.ts";
import type { ResultsFile } from "../results/schema.ts";
import { type StoredRun, storedRun } from "./figures.ts";
import {
  APPLICATION_ID,
  CONNECTION_PRAGMAS,
  EXCHANGE,
  markVersion,
  MIGRATIONS,
  PROBE,
  STATEMENTS,
  STORE_SCHEMA_VERSION,
  WAL_PRAGMA,
} from "./sql.ts";

/** What recording a run did: added it, brought it up to date, or found it stored already. */
export type RecordOutcome = "new" | "updated" | "unchanged";

/** A row of {@link HistoryStore.series}: one figure of one model in one run. */
export interface SeriesPoint {
  /** The run's identity (`runs.id`). */
  runId: string;
  /** When the run started (ISO). */
  createdAt: string;
  /** The suite's commit, when recorded. */
  gitCommit: string | null;
  /** The machine's name. */
  machine: string;
  /** Deno's version. */
  deno: string;
  /** TF.js's version. */
  tfjs: string;
  /** libtensorflow's version, when it ran. */
  tensorflow: string | null;
  /** `partial` or `complete`. */
  status: string;
  /** What the run was set up with beyond the code (data, sizes, batch, threads, CPU…). */
  setup: RowSetup;
  /**
   * Where the work ran: `gpu` only on a real GPU (not a software adapter, not a
   * GPU package fallen back to the CPU), `cpu` on the CPU, null when unknown.
   */
  deviceKind: "gpu" | "cpu" | null;
  /** Model name. */
  model: string;
  /** Backend. */
  backend: string;
  /** Engine. */
  engine: string;
  /** The figure's name (`FIGURE_NAMES`). */
  figure: string;
  /** Its median. */
  median: number;
  /** The median's 95% interval, or null with too few samples. */
  low: number | null;
  /** Its upper bound, or null. */
  high: number | null;
  /** `s`, `ms`, `img/s` or `fraction`. */
  unit: string;
  /** Samples behind the median. */
  n: number;
}

/** Which figures {@link HistoryStore.series} returns; an absent field matches any. */
export interface SeriesFilter {
  model?: string;
  backend?: string;
  engine?: string;
  machine?: string;
  figure?: string;
}

/** An open history store. */
export interface HistoryStore {
  /** The file's path. */
  readonly path: string;
  /** Records a results file's run, replacing its figures when it has grown. */
  record(results: ResultsFile, source?: string | null): RecordOutcome;
  /** The figures matching `filter`, by series, oldest run first. */
  series(filter?: SeriesFilter): SeriesPoint[];
  /** The samples of one figure of a run, in order. */
  samples(runId: string, model: string, figure: string): number[];
  /**
   * Merges runs read from another store, in one transaction: a run not stored
   * is added, one stored with an older `updatedAt` is replaced, any other is
   * left as it is (`unchanged`).
   */
  merge(runs: Iterable<StoredRun>): Record<RecordOutcome, number>;
  /** Copies the whole store into a new file at `path` (SQLite's `VACUUM INTO`). */
  copyInto(path: string): void;
  /** Runs stored. */
  runCount(): number;
  /** Closes the file. */
  close(): void;
}

const EXPECTED = `expected an fmnist-bench history store (schema ${STORE_SCHEMA_VERSION})`;
const WHAT_TO_DO =
  "move it away or name another file with --store PATH or FMNIST_BENCH_STORE (off records nothing)";
const NEWER_TODO = "update fmnist-bench to read it, or name another file with --store PATH";
const SOURCE_TODO = "name a file that history export wrote, or another machine's history.sqlite";
const SOURCE_NEWER_TODO = "update fmnist-bench to import it";

/** The store's one-line refusal of a file. */
export class StoreError extends Error {
  constructor(path: string, got: string, todo = WHAT_TO_DO) {
    super(`${path}: ${EXPECTED}, got ${got}; ${todo}`);
    this.name = "StoreError";
  }
}

/**
 * Opens the store at `path`, making its folder and the store when there is
 * none (or the file is empty).
 *
 * @throws {StoreError} When the file is not a store, is damaged, or is newer.
 */
export function openStore(path: string): HistoryStore {
  mkdirSync(dirname(path), { recursive: true });
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path);
  } catch (err) {
    throw new StoreError(path, `a file SQLite cannot open (${(err as Error).message})`);
  }
  try {
    for (const pragma of CONNECTION_PRAGMAS) db.exec(pragma);
    checkAndMigrate(db, path);
    db.exec(WAL_PRAGMA);
  } catch (err) {
    db.close();
    if (err instanceof StoreError) throw err;
    throw new StoreError(path, `a file that is not a sound SQLite database (${messageOf(err)})`);
  }
  return storeOn(db, path);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** What to tell the user when a file is refused: in general, and when its schema is newer. */
interface Todo {
  other: string;
  newer: string;
}

/**
 * Reads what the file is without writing to it: its schema version (0: an
 * empty file), once it is known to be a store of this code's schema or
 * older; a current one is checked for damage.
 *
 * @throws {StoreError} For another program's file, a newer schema, a damaged store.
 */
function probe(db: DatabaseSync, path: string, todo: Todo): number {
  const version = Number(db.prepare(PROBE.userVersion).get()?.user_version);
  const appId = Number(db.prepare(PROBE.applicationId).get()?.application_id);
  const tables = db.prepare(PROBE.tables).all().map((r) => String(r.name));
  if (appId !== APPLICATION_ID && (appId !== 0 || tables.length > 0 || version !== 0)) {
    throw new StoreError(
      path,
      `a SQLite database of another program (application_id ${appId}, tables: ${
        tables.join(", ") || "none"
      })`,
      todo.other,
    );
  }
  if (version > STORE_SCHEMA_VERSION) {
    throw new StoreError(path, `schema ${version}, written by a newer fmnist-bench`, todo.newer);
  }
  if (version === STORE_SCHEMA_VERSION) {
    const check = db.prepare(PROBE.quickCheck).all().map((r) => String(r.quick_check));
    if (check.join() !== "ok") {
      throw new StoreError(path, `a damaged store (${check.slice(0, 3).join("; ")})`, todo.other);
    }
  }
  return version;
}

/** Reads what the file is, then makes it a store when empty; nothing is written to a foreign file. */
function checkAndMigrate(db: DatabaseSync, path: string): void {
  if (probe(db, path, { other: WHAT_TO_DO, newer: NEWER_TODO }) === STORE_SCHEMA_VERSION) return;
  // Another process may be making it too: decide again inside the write lock.
  db.exec(STATEMENTS.begin);
  try {
    const now = Number(db.prepare(PROBE.userVersion).get()?.user_version);
    for (let v = now; v < STORE_SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]);
    if (now < STORE_SCHEMA_VERSION) {
      for (const s of markVersion(STORE_SCHEMA_VERSION)) db.exec(s);
    }
    db.exec(STATEMENTS.commit);
  } catch (err) {
    db.exec(STATEMENTS.rollback);
    throw err;
  }
}

/**
 * Opens another store read-only, to merge it (`history import`): nothing is
 * ever written to it. Only a store of this code's schema is read; a store of
 * an older schema would be migrated in a copy once there is one.
 *
 * @throws {StoreError} When the file is not a store, is empty, damaged, or newer.
 */
export function openSourceStore(path: string): DatabaseSync {
  const todo = { other: SOURCE_TODO, newer: SOURCE_NEWER_TODO };
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path, { readOnly: true });
  } catch (err) {
    throw new StoreError(path, `a file SQLite cannot open (${messageOf(err)})`, todo.other);
  }
  try {
    const version = probe(db, path, todo);
    if (version !== STORE_SCHEMA_VERSION) {
      throw new StoreError(path, `an empty SQLite database (schema ${version})`, todo.other);
    }
    return db;
  } catch (err) {
    db.close();
    if (err instanceof StoreError) throw err;
    const got = `a file that is not a sound SQLite database (${messageOf(err)})`;
    throw new StoreError(path, got, todo.other);
  }
}

function seriesPoint(row: Record<string, unknown>): SeriesPoint {
  const { envJson, configJson, ...point } = row;
  const env = JSON.parse(String(envJson)) as ResultsFile["env"];
  const setup = setupOf({ env, config: JSON.parse(String(configJson)) });
  // As comparison rows tell them apart (compare/comparison_rows.ts, gpu_cpu_pairs.ts).
  const info = env.deviceInfo;
  const kind = info?.kind ?? (point.backend === "tensorflow-gpu" ? null : "cpu");
  const deviceKind = kind === "gpu" && (info?.softwareAdapter || info?.fellBackToCpu) ? null : kind;
  return { ...point, setup, deviceKind } as unknown as SeriesPoint;
}

/** Adds a run, or replaces a stored one and its figures; the caller holds the transaction. */
function writeRun(db: DatabaseSync, run: StoredRun): void {
  const { figures, ...fields } = run;
  db.prepare(STATEMENTS.upsertRun).run(fields);
  db.prepare(STATEMENTS.deleteFigures).run(run.id);
  const insertFigure = db.prepare(STATEMENTS.insertFigure);
  const insertSample = db.prepare(STATEMENTS.insertSample);
  for (const { samples, ...figure } of figures) {
    const { id } = insertFigure.get({ runId: run.id, ...figure })!;
    samples.forEach((value, i) => insertSample.run(id as number, i, value));
  }
}

/** Runs `body` in one write transaction, rolled back when it throws. */
function inTransaction<T>(db: DatabaseSync, body: () => T): T {
  db.exec(STATEMENTS.begin);
  try {
    const result = body();
    db.exec(STATEMENTS.commit);
    return result;
  } catch (err) {
    if (db.isTransaction) db.exec(STATEMENTS.rollback);
    throw err;
  }
}

function storeOn(db: DatabaseSync, path: string): HistoryStore {
  const before = (id: string) =>
    db.prepare(STATEMENTS.runUpdatedAt).get(id) as
      | { updated_at: string; status: string }
      | undefined;
  const record = (run: StoredRun): RecordOutcome =>
    inTransaction(db, () => {
      const stored = before(run.id);
      if (stored && stored.updated_at === run.updatedAt && stored.status === run.status) {
        return "unchanged";
      }
      writeRun(db, run);
      return stored ? "updated" : "new";
    });
  const merge = (runs: Iterable<StoredRun>) =>
    inTransaction(db, () => {
      const counts: Record<RecordOutcome, number> = { new: 0, updated: 0, unchanged: 0 };
      for (const run of runs) {
        const stored = before(run.id);
        if (stored && stored.updated_at >= run.updatedAt) {
          counts.unchanged++;
          continue;
        }
        writeRun(db, run);
        counts[stored ? "updated" : "new"]++;
      }
      return counts;
    });
  return {
    path,
    record: (results, source = null) => record(storedRun(results, source)),
    merge,
    copyInto: (target) => void db.prepare(EXCHANGE.vacuumInto).run(target),
    series: (filter = {}) =>
      db.prepare(STATEMENTS.series).all({
        model: filter.model ?? null,
        backend: filter.backend ?? null,
        engine: filter.engine ?? null,
        machine: filter.machine ?? null,
        figure: filter.figure ?? null,
      }).map(seriesPoint),
    samples: (runId, model, figure) =>
      db.prepare(STATEMENTS.samplesOf).all(runId, model, figure).map((r) => Number(r.value)),
    runCount: () => Number(db.prepare(STATEMENTS.countRuns).get()?.n),
    close: () => db.close(),
  };
}
