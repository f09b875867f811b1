/**
 * The executors, one entry each, chosen by the backend's `runsIn`: a new
 * place a run executes is one entry here, and every driver that runs a
 * backend picks it up.
 *
 * @module
 */
import type { BackendSpec } from "../backends/types.ts";
import { BROWSER_EXECUTOR } from "./browser.ts";
import { DENO_EXECUTOR } from "./deno.ts";
import { KERAS_EXECUTOR } from "./keras.ts";
import type { Executor, ExecutorName } from "./types.ts";

/** Every executor, by name: `deno` and `browser` by the `runsIn` of the TF.js backends they serve. */
export const EXECUTORS: Readonly<Record<ExecutorName, Executor>> = Object.freeze({
  deno: DENO_EXECUTOR,
  browser: BROWSER_EXECUTOR,
  keras: KERAS_EXECUTOR,
});

/** The executor of a backend: where its `runsIn` says its models run. */
export function executorFor(backend: Pick<BackendSpec, "runsIn">): Executor {
  return EXECUTORS[backend.runsIn];
}
