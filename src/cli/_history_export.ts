/**
 * `deno task history export FILE`: the store, or the runs with a figure
 * matching the filter flags, written to one SQLite file that travels to
 * another machine and merges there with `history import FILE`.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { exportStore } from "../store/exchange.ts";
import { openStore, type SeriesFilter } from "../store/store.ts";
import { UsageError } from "./_cli.ts";

/** Exports the store at `storePath` to the one file in `paths`; prints what it wrote. */
export async function historyExport(
  storePath: string,
  paths: readonly string[],
  filter: SeriesFilter,
): Promise<number> {
  if (paths.length !== 1) {
    throw new UsageError(`export: expected one file to write, got ${paths.length}`);
  }
  if (!existsSync(storePath)) {
    console.error(`history: no store at ${storePath}; nothing to export (docs/history.md)`);
    return 1;
  }
  const store = openStore(storePath);
  try {
    const { path, runs } = await exportStore(store, paths[0], filter);
    console.log(
      `history: exported ${runs} run${runs === 1 ? "" : "s"} to ${path} (from ${store.path})`,
    );
    return 0;
  } finally {
    store.close();
  }
}
