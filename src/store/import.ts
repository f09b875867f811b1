/**
 * Importing results folders into the history store: every `results.json`
 * under the given files and folders (a comparison's or a peer's `runs/`, a
 * GPU kit's `<side>/<model>/` included), each validated and recorded, and
 * every store file (`*.sqlite`: an export, another machine's store), merged;
 * a run already stored as it is adds nothing.
 *
 * @module
 */
import { join, relative } from "node:path";
import { validateResults } from "../results/schema.ts";
import { RESULTS_FILE } from "../results/writer.ts";
import { importStoreFile, isStoreFile, sameFile, STORE_FILE_SUFFIX } from "./exchange.ts";
import type { HistoryStore, RecordOutcome } from "./store.ts";

/** How many runs an import added, brought up to date, or found stored. */
export type ImportCounts = Record<RecordOutcome, number>;

/**
 * Every `results.json` and `*.sqlite` under `paths` (files as given), in a
 * stable order; a folder's store file that is `skip` (the store imported
 * into) is left out.
 */
export async function findResultsFiles(
  paths: readonly string[],
  skip?: string,
): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await Array.fromAsync(Deno.readDir(dir));
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const path = join(dir, e.name);
      const store = e.name.endsWith(STORE_FILE_SUFFIX);
      const wanted = e.name === RESULTS_FILE || (store && !(skip && sameFile(path, skip)));
      if (e.isFile && wanted) found.push(path);
      else if (e.isDirectory && e.name !== "checkpoints" && e.name !== "models") {
        await walk(join(dir, e.name));
      }
    }
  };
  for (const path of paths) {
    const info = await Deno.stat(path).catch(() => undefined);
    if (!info) {
      throw new TypeError(`${path}: no such file or folder; expected a results folder`);
    }
    if (info.isDirectory) await walk(path);
    else found.push(path);
  }
  return found.map((f) => relative(Deno.cwd(), f) || f);
}

/**
 * Records every results file under `paths` in `store`, and merges every store file.
 *
 * @throws {TypeError} When a path holds no results file, or one is not valid (naming it).
 * @throws {StoreError} When a store file is not a store of this schema (nothing of it written).
 */
export async function importResults(
  store: HistoryStore,
  paths: readonly string[],
): Promise<ImportCounts> {
  const files = await findResultsFiles(paths, store.path);
  if (files.length === 0) {
    throw new TypeError(
      `${paths.join(", ")}: expected results.json or store (*.sqlite) files, found none`,
    );
  }
  const counts: ImportCounts = { new: 0, updated: 0, unchanged: 0 };
  for (const file of files) {
    if (await isStoreFile(file)) {
      const merged = importStoreFile(store, file);
      for (const k of Object.keys(counts) as RecordOutcome[]) counts[k] += merged[k];
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(await Deno.readTextFile(file));
    } catch (err) {
      throw new TypeError(`${file}: expected a JSON results file, but ${(err as Error).message}`);
    }
    counts[store.record(validateResults(parsed, file), file)]++;
  }
  return counts;
}
