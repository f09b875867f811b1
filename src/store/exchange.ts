/**
 * Moving runs between machines' stores: `history export` writes the store (or
 * the runs with a matching figure) to one SQLite file, atomically, and
 * `history import` of such a file, or of another machine's
 * `history.sqlite`, merges its runs with their figures and samples into this
 * store in one transaction. The file to merge is opened read-only and
 * checked as `openStore` checks its own: another program's file, a damaged
 * one or a newer schema is refused with one line, and nothing is written.
 *
 * @module
 */
import { realpathSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { temporaryPath } from "../_util/fs.ts";
import type { FigureName, StoredFigure, StoredRun } from "./figures.ts";
import { CONNECTION_PRAGMAS, EXCHANGE, STATEMENTS } from "./sql.ts";
import {
  type HistoryStore,
  openSourceStore,
  type RecordOutcome,
  type SeriesFilter,
} from "./store.ts";

/** The first 16 bytes of every SQLite database file. */
const SQLITE_HEADER = "SQLite format 3\0";

/** The name ending that marks a store file inside a folder being imported. */
export const STORE_FILE_SUFFIX = ".sqlite";

/**
 * Whether `path` is to be read as a store rather than a results file: its name
 * ends in `.sqlite`, or it starts with SQLite's header.
 */
export async function isStoreFile(path: string): Promise<boolean> {
  if (path.endsWith(STORE_FILE_SUFFIX)) return true;
  const file = await Deno.open(path);
  try {
    const head = new Uint8Array(SQLITE_HEADER.length);
    const read = await file.read(head);
    return read === head.length && new TextDecoder().decode(head) === SQLITE_HEADER;
  } finally {
    file.close();
  }
}

/** Whether two paths name one file (after links); else whether they resolve alike. */
export function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return resolve(a) === resolve(b);
  }
}

/** Every run of an open store, with its figures and their samples, oldest first. */
function* runsOf(db: DatabaseSync): Generator<StoredRun> {
  const figuresOf = db.prepare(EXCHANGE.figuresOf);
  const samplesOf = db.prepare(EXCHANGE.samplesOfFigure);
  for (const row of db.prepare(EXCHANGE.runs).iterate()) {
    const run = row as unknown as Omit<StoredRun, "figures">;
    const figures: StoredFigure[] = figuresOf.all(run.id).map((f) => ({
      model: String(f.model),
      backend: String(f.backend),
      engine: String(f.engine),
      name: String(f.name) as FigureName,
      median: Number(f.median),
      low: f.low === null ? null : Number(f.low),
      high: f.high === null ? null : Number(f.high),
      unit: String(f.unit),
      n: Number(f.n),
      samples: samplesOf.all(f.id as number).map((s) => Number(s.value)),
    }));
    yield { ...run, figures };
  }
}

/**
 * Merges the store file at `path` into `store` (see {@link HistoryStore.merge}).
 *
 * @throws {StoreError} When the file is not a store of this schema (one line; nothing written).
 * @throws {TypeError} When `path` is the store itself.
 */
export function importStoreFile(
  store: HistoryStore,
  path: string,
): Record<RecordOutcome, number> {
  if (sameFile(path, store.path)) {
    throw new TypeError(`${path}: expected another store to import, got the store itself`);
  }
  const source = openSourceStore(path);
  try {
    return store.merge(runsOf(source));
  } finally {
    source.close();
  }
}

/** What {@link exportStore} wrote. */
export interface ExportOutcome {
  /** The file written. */
  path: string;
  /** Runs it holds. */
  runs: number;
}

/**
 * Writes `store` to one SQLite file at `path`, atomically (a temporary file
 * beside it, renamed over it when complete). With a filter, the file keeps
 * the runs that have a figure matching it, each whole (every model, figure
 * and sample). The file is a store in rollback-journal mode, with no side
 * files: `history import` reads it, and so does `--store`.
 *
 * @throws {TypeError} When `path` is the store itself.
 */
export async function exportStore(
  store: HistoryStore,
  path: string,
  filter: SeriesFilter = {},
): Promise<ExportOutcome> {
  if (sameFile(path, store.path)) {
    throw new TypeError(`${path}: expected a new file to export into, got the store itself`);
  }
  await mkdir(dirname(resolve(path)), { recursive: true });
  const tmp = temporaryPath(path);
  try {
    store.copyInto(tmp);
    const db = new DatabaseSync(tmp);
    let runs: number;
    try {
      for (const pragma of CONNECTION_PRAGMAS) db.exec(pragma);
      const only = {
        model: filter.model ?? null,
        backend: filter.backend ?? null,
        engine: filter.engine ?? null,
        machine: filter.machine ?? null,
        figure: filter.figure ?? null,
      };
      if (Object.values(only).some((v) => v !== null)) {
        db.prepare(EXCHANGE.keepMatching).run(only);
        db.exec(EXCHANGE.vacuum);
      }
      runs = Number(db.prepare(STATEMENTS.countRuns).get()?.n);
    } finally {
      db.close();
    }
    await rename(tmp, path);
    return { path, runs };
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
