/**
 * Every SQL statement of the history store: the schema of each version (its
 * migration from the one before), and the statements the store runs. The
 * store's file is marked with {@link APPLICATION_ID} and its schema version
 * is SQLite's `user_version`.
 *
 * @module
 */

/** The schema version this code writes and reads. */
export const STORE_SCHEMA_VERSION = 1;

/** SQLite's `application_id` of a history store: "FMNB" in ASCII. */
export const APPLICATION_ID = 0x464d4e42;

/** The connection's settings: wait for other writers, WAL (readers never block a writer). */
export const CONNECTION_PRAGMAS = [
  "PRAGMA busy_timeout = 30000",
  "PRAGMA foreign_keys = ON",
];

/** Asked after the schema is there; WAL persists in the file. */
export const WAL_PRAGMA = "PRAGMA journal_mode = WAL";

/** The migration to each version, index 0 making version 1 from an empty file. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    machine TEXT NOT NULL,
    git_commit TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deno TEXT NOT NULL,
    tfjs TEXT NOT NULL,
    tensorflow TEXT,
    backend TEXT NOT NULL,
    engine TEXT NOT NULL,
    env_json TEXT NOT NULL,
    config_json TEXT NOT NULL,
    data_sha256 TEXT,
    status TEXT NOT NULL,
    source TEXT
  );
  CREATE TABLE figures (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    backend TEXT NOT NULL,
    engine TEXT NOT NULL,
    name TEXT NOT NULL,
    median REAL NOT NULL,
    low REAL,
    high REAL,
    unit TEXT NOT NULL,
    n INTEGER NOT NULL,
    UNIQUE (run_id, model, name)
  );
  CREATE INDEX figures_series ON figures (model, backend, engine, name);
  CREATE TABLE samples (
    figure_id INTEGER NOT NULL REFERENCES figures(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    value REAL NOT NULL,
    PRIMARY KEY (figure_id, idx)
  ) WITHOUT ROWID;
  `,
];

/** The statements that read what a file is, before anything is written to it. */
export const PROBE = {
  userVersion: "PRAGMA user_version",
  applicationId: "PRAGMA application_id",
  tables: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
  quickCheck: "PRAGMA quick_check",
} as const;

/** Marks the file after a migration to `version`. */
export function markVersion(version: number): string[] {
  return [`PRAGMA application_id = ${APPLICATION_ID}`, `PRAGMA user_version = ${version}`];
}

/** The statements {@link HistoryStore} runs. */
export const STATEMENTS = {
  begin: "BEGIN IMMEDIATE",
  commit: "COMMIT",
  rollback: "ROLLBACK",
  runUpdatedAt: "SELECT updated_at, status FROM runs WHERE id = ?",
  deleteFigures: "DELETE FROM figures WHERE run_id = ?",
  upsertRun: `
    INSERT INTO runs (id, machine, git_commit, created_at, updated_at, deno, tfjs, tensorflow,
      backend, engine, env_json, config_json, data_sha256, status, source)
    VALUES (:id, :machine, :gitCommit, :createdAt, :updatedAt, :deno, :tfjs, :tensorflow,
      :backend, :engine, :envJson, :configJson, :dataSha256, :status, :source)
    ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at, status = excluded.status,
      env_json = excluded.env_json, config_json = excluded.config_json,
      source = coalesce(runs.source, excluded.source)`,
  insertFigure: `
    INSERT INTO figures (run_id, model, backend, engine, name, median, low, high, unit, n)
    VALUES (:runId, :model, :backend, :engine, :name, :median, :low, :high, :unit, :n)
    RETURNING id`,
  insertSample: "INSERT INTO samples (figure_id, idx, value) VALUES (?, ?, ?)",
  countRuns: "SELECT count(*) AS n FROM runs",
  series: `
    SELECT r.id AS runId, r.created_at AS createdAt, r.git_commit AS gitCommit,
      r.machine AS machine, r.deno AS deno, r.tfjs AS tfjs, r.tensorflow AS tensorflow,
      r.status AS status, r.env_json AS envJson, r.config_json AS configJson, f.model AS model, f.backend AS backend, f.engine AS engine, f.name AS figure,
      f.median AS median, f.low AS low, f.high AS high, f.unit AS unit, f.n AS n
    FROM figures f JOIN runs r ON r.id = f.run_id
    WHERE (:model IS NULL OR f.model = :model) AND (:backend IS NULL OR f.backend = :backend)
      AND (:engine IS NULL OR f.engine = :engine) AND (:machine IS NULL OR r.machine = :machine)
      AND (:figure IS NULL OR f.name = :figure)
    ORDER BY f.model, f.backend, f.engine, r.machine, f.name, r.created_at`,
  samplesOf: `
    SELECT s.value AS value FROM samples s JOIN figures f ON f.id = s.figure_id
    WHERE f.run_id = ? AND f.model = ? AND f.name = ? ORDER BY s.idx`,
} as const;

/**
 * The statements that move runs between stores: `history export` copies the
 * store into one file (a filtered export then keeps only the runs with a
 * matching figure), and `history import` of a store file reads its runs,
 * figures and samples to merge them.
 */
export const EXCHANGE = {
  /** Copies the whole store into a new file (bound: its path), in rollback-journal mode. */
  vacuumInto: "VACUUM INTO ?",
  vacuum: "VACUUM",
  /** Deletes the runs without a figure matching the filter (the series' parameters). */
  keepMatching: `
    DELETE FROM runs WHERE id NOT IN (
      SELECT f.run_id FROM figures f JOIN runs r ON r.id = f.run_id
      WHERE (:model IS NULL OR f.model = :model) AND (:backend IS NULL OR f.backend = :backend)
        AND (:engine IS NULL OR f.engine = :engine) AND (:machine IS NULL OR r.machine = :machine)
        AND (:figure IS NULL OR f.name = :figure))`,
  runs: `
    SELECT id, machine, git_commit AS gitCommit, created_at AS createdAt,
      updated_at AS updatedAt, deno, tfjs, tensorflow, backend, engine, env_json AS envJson,
      config_json AS configJson, data_sha256 AS dataSha256, status, source
    FROM runs ORDER BY created_at, id`,
  figuresOf: `
    SELECT id, model, backend, engine, name, median, low, high, unit, n
    FROM figures WHERE run_id = ? ORDER BY id`,
  samplesOfFigure: "SELECT value FROM samples WHERE figure_id = ? ORDER BY idx",
} as const;
