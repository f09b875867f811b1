/**
 * Where a run's models execute: an executor takes the run description and
 * its folder, runs every model there, and writes `results.json` through the
 * one results writer; progress comes back as the experiment's events. One
 * interface for this Deno process, a Chromium page and the Keras Python
 * process, so a driver starts any of them the same way (in a child process
 * where it runs several TF.js backends: `child.ts`).
 *
 * @module
 */
import type { ResultsFile, RunConfig } from "../results/schema.ts";
import type { ResultsWriterOptions } from "../results/writer.ts";
import type { ExperimentEvent, ExperimentResult } from "../train/experiment.ts";
import type { KerasSideOptions } from "../peer/keras_side.ts";
import type { RunData, RunDataOptions } from "../train/run_data.ts";
import type { RunDescription } from "../train/run_description.ts";
import type { MachineFacts } from "../train/local_run.ts";

/** What a run is about to do, once its backend and data are ready. */
export interface ExecutionStart {
  /** The description as it runs (its backend and sizes pinned; saved as `run.json`). */
  run: RunDescription;
  /** The record `results.json` will hold. */
  config: RunConfig;
  /** The device, in words. */
  device: string;
  /** Why the backend cannot train, when it lacks a kernel of the backward pass. */
  notTrained?: string;
}

/** What an executor gets. */
export interface ExecutorJob {
  /** The run, as resolved from the flags (or saved, on resume). */
  run: RunDescription;
  /** Its folder (`results.json`, `run.json`, models, checkpoints). */
  outDir: string;
  /** What an earlier start left in the folder, on resume. */
  previous?: ResultsFile;
  /** The machine, as the caller read it (this process's executor needs it). */
  machine?: MachineFacts;
  /** Where the data is cached and how a download reports. */
  data: RunDataOptions;
  /** The run's data already loaded and split (a driver that runs several sides on it). */
  preparedData?: RunData;
  /** For Keras: its interpreter, backend, the name its runs are recorded under, and the rest. */
  keras?: Omit<KerasSideOptions, "run" | "data" | "dir" | "log" | "signal">;
  /**
   * For a browser backend: the Chromium to drive headless, or the address
   * to serve the page on for a person's own browser.
   */
  browser?: { chromium: string } | { open: { hostname: string; port: number } };
  /** Aborting stops after the epoch (or, in a page, the model) in flight. */
  signal?: AbortSignal;
  /** Called once the run is ready, before any model runs. */
  onStart?: (start: ExecutionStart) => Promise<void> | void;
  /** Progress; `written` follows each write of `results.json`. */
  onEvent?: (event: ExperimentEvent) => Promise<void> | void;
  /** A line for a person (the page's address, its device, a model not trained). */
  onNote?: (line: string) => void;
  /** Records each write of the results beside the file (the history store); see `ResultsWriterOptions`. */
  record?: ResultsWriterOptions["record"];
  /** Told once why recording failed; the run goes on. */
  onRecordError?: ResultsWriterOptions["onRecordError"];
}

/** The places a run executes. */
export type ExecutorName = "deno" | "browser" | "keras";

/** One place a run executes. */
export interface Executor {
  /** `deno` and `browser` serve the TF.js backends whose `runsIn` they name; `keras` Keras 3. */
  name: ExecutorName;
  /** What it is, in words. */
  description: string;
  /**
   * Runs every model of `job.run`.
   *
   * @throws {UsageError} For a backend, browser or data that is not there.
   */
  execute(job: ExecutorJob): Promise<ExperimentResult>;
}
