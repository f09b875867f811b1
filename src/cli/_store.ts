/**
 * Which history store a task records into: `--store PATH`, else the
 * `FMNIST_BENCH_STORE` variable (`off`: none), else, for a task started from
 * `deno.json` (it sets `FMNIST_BENCH_SETUP_FIRST=1`, or, for a task without
 * setup such as `browser`, `FMNIST_BENCH_DEFAULT_STORE=1`), the default
 * `$XDG_DATA_HOME/fmnist-bench/history.sqlite` (`~/.local/share/…`). A
 * process started otherwise (a test, a script) records nothing unless told.
 * The choice is written back to the variable, so the `train-all` children of
 * `compare` and `peer` record into the same store.
 *
 * @module
 */
import { join } from "node:path";
import type { ResultsFile } from "../results/schema.ts";
import { openStore } from "../store/store.ts";
import { SETUP_FIRST_VARIABLE } from "./_setup_first.ts";

/** The variable naming the store (`off`: record nothing). */
export const STORE_VARIABLE = "FMNIST_BENCH_STORE";

/** Set to 1 by a task that records into the default store but runs no setup (`browser`). */
export const DEFAULT_STORE_VARIABLE = "FMNIST_BENCH_DEFAULT_STORE";

/** The default store: `$XDG_DATA_HOME/fmnist-bench/history.sqlite`, `~/.local/share/…` without it. */
export function defaultStorePath(): string {
  const xdg = Deno.env.get("XDG_DATA_HOME");
  const base = xdg && xdg !== "" ? xdg : join(Deno.env.get("HOME") ?? ".", ".local", "share");
  return join(base, "fmnist-bench", "history.sqlite");
}

/**
 * The store to record into, or undefined for none; call it before `setupFirst()`,
 * which clears the variable that marks a task's entry point.
 */
export function chooseStore(flag?: string): string | undefined {
  const value = flag ?? Deno.env.get(STORE_VARIABLE);
  const interactive = Deno.env.get(SETUP_FIRST_VARIABLE) === "1" ||
    Deno.env.get(DEFAULT_STORE_VARIABLE) === "1";
  Deno.env.delete(DEFAULT_STORE_VARIABLE);
  const path = value === undefined || value === ""
    ? (interactive ? defaultStorePath() : undefined)
    : value === "off"
    ? undefined
    : value;
  Deno.env.set(STORE_VARIABLE, path ?? "off");
  return path;
}

/** The store path for `history`: `--store`, else the variable, else the default. */
export function historyStorePath(flag?: string): string {
  const value = flag ?? Deno.env.get(STORE_VARIABLE);
  return value === undefined || value === "" || value === "off" ? defaultStorePath() : value;
}

/** What an executor's writer needs to record its run, and what to do at the end. */
export interface RunRecorder {
  record: (results: ResultsFile) => void;
  onRecordError: (message: string) => void;
  close: () => void;
}

/**
 * Opens the store for a run's writer; a store that cannot be opened is one
 * warning line and no recording, never a failed run.
 */
export function runRecorder(task: string, path: string | undefined): RunRecorder | undefined {
  if (path === undefined) return undefined;
  const warn = (message: string) =>
    console.error(`${task}: warning: the run is not recorded in the history store: ${message}`);
  try {
    const store = openStore(path);
    return {
      record: (results) => void store.record(results),
      onRecordError: (message) => warn(`${path}: ${message}`),
      close: () => store.close(),
    };
  } catch (err) {
    warn((err as Error).message);
    return undefined;
  }
}
