/**
 * The one writer of `results.json`: it creates the file (status `partial`),
 * adds or updates a model's record as the model goes on, validates the whole
 * file against the schema before every write, writes it atomically, and
 * tells its listeners after each write (reports redraw from it) and its
 * record hook (the history store), whose failure never stops the run. Every place
 * a run executes (this process, a browser page, the Keras process) writes
 * through it, so every results file is made the same way.
 *
 * @module
 */
import { join } from "node:path";
import { writeJsonAtomic } from "../_util/fs.ts";
import {
  type ResultsFile,
  type RunConfig,
  type RunRecord,
  SCHEMA_VERSION,
  validateResults,
} from "./schema.ts";

/** The name of a run's results file in its folder. */
export const RESULTS_FILE = "results.json";

/** Called after each write with the results as written (the writer updates the same object later). */
export type WrittenListener = (results: ResultsFile, path: string) => Promise<void> | void;

/**
 * Records the results as written somewhere beside the file (the history
 * store); it may throw, and the writer then reports it and stops calling it.
 */
export type RecordHook = (results: ResultsFile) => void;

/** Options of {@link createResultsWriter}. */
export interface ResultsWriterOptions {
  /** The folder that gets `results.json`. */
  outDir: string;
  /** The environment the runs measured on. */
  env: ResultsFile["env"];
  /** What the runs were, as the record says (`recordedConfig`). */
  config: RunConfig;
  /** The records already there: a resumed run's, or a skeleton per model. Default: none. */
  runs?: RunRecord[];
  /** When the run first started (a resumed run keeps it). Default: now. */
  createdAt?: string;
  /** Names the file in a validation error. Default: its path. */
  label?: string;
  /** Told after each write. Default: none. */
  onWritten?: WrittenListener;
  /** Called after each write, once the file is on disk. Default: none. */
  record?: RecordHook;
  /** Told, once, why {@link ResultsWriterOptions.record} failed; the run goes on. Default: none. */
  onRecordError?: (message: string) => void;
}

/** The writer of one run's results file. */
export interface ResultsWriter {
  /** The file's path. */
  readonly path: string;
  /** The results as last written, updated in place. */
  readonly results: ResultsFile;
  /** Adds the record of its model, or replaces the one there, and writes. */
  putRun(run: RunRecord): Promise<void>;
  /** Writes the results as they are now, with `status` when given. */
  write(status?: ResultsFile["status"]): Promise<void>;
}

/**
 * Creates a run's results file and writes it once (status `partial`).
 *
 * @throws {TypeError} When the record does not fit the schema (a bug in the caller).
 */
export async function createResultsWriter(options: ResultsWriterOptions): Promise<ResultsWriter> {
  const path = join(options.outDir, RESULTS_FILE);
  const now = new Date().toISOString();
  const results: ResultsFile = {
    schemaVersion: SCHEMA_VERSION,
    createdAt: options.createdAt ?? now,
    updatedAt: now,
    status: "partial",
    env: options.env,
    config: options.config,
    runs: options.runs ?? [],
  };
  let record = options.record;
  // The results file is written first; a failing record costs one warning, never the run.
  const recordWritten = () => {
    try {
      record?.(results);
    } catch (err) {
      record = undefined;
      options.onRecordError?.(err instanceof Error ? err.message : String(err));
    }
  };
  const write = async (status?: ResultsFile["status"]) => {
    if (status) results.status = status;
    results.updatedAt = new Date().toISOString();
    validateResults(results, options.label);
    await writeJsonAtomic(path, results);
    recordWritten();
    await options.onWritten?.(results, path);
  };
  await write();
  return {
    path,
    results,
    putRun: async (run) => {
      const i = results.runs.findIndex((r) => r.model === run.model);
      if (i < 0) results.runs.push(run);
      else results.runs[i] = run;
      await write();
    },
    write,
  };
}
