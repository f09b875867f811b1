/**
 * The executors, one entry each, chosen by the backend's `runsIn`: a new
 * place a run executes is one entry here, and every driver that runs a
 * backend picks it up. This Deno process loads the run's backend
 * (`startSession`) and trains, evaluates and times every model with
 * `runExperiment` (`runSession`); Keras 3 runs in a Python process (the Keras
 * peer's script) on the same run description and data, `results.json`
 * written through the one writer after each model.
 *
 * @module
 */
import type { BackendSpec } from "../backends/types.ts";
import { runKerasSide } from "../peer/keras_side.ts";
import { loadRunData } from "../train/run_data.ts";
import { runSession, startSession } from "../train/local_run.ts";
import { BROWSER_EXECUTOR } from "./browser.ts";
import type { Executor, ExecutorName } from "./types.ts";

/** Runs the models in this process, on a TF.js backend loaded here. */
const DENO_EXECUTOR: Executor = {
  name: "deno",
  description: "this Deno process, on a TF.js backend loaded here",
  async execute(job) {
    if (!job.machine) throw new TypeError("the deno executor: expected job.machine");
    const session = await startSession({ ...job, machine: job.machine });
    await job.onStart?.({
      run: session.run,
      config: session.config,
      device: `${session.backend.name} (${session.backend.device.description})`,
      notTrained: session.notTrained,
    });
    return await runSession(session, job.outDir, job.previous, job);
  },
};

/** Runs the models with Keras in a child Python. */
const KERAS_EXECUTOR: Executor = {
  name: "keras",
  description: "Keras 3 in a Python process, through the Keras peer's script",
  async execute(job) {
    if (!job.keras) {
      throw new TypeError("the keras executor: expected job.keras (its interpreter and backend)");
    }
    const data = job.preparedData ?? await loadRunData(job.run, job.data);
    const results = await runKerasSide({
      ...job.keras,
      run: job.run,
      data,
      dir: job.outDir,
      record: job.record,
      onRecordError: job.onRecordError,
      ...(job.onNote ? { log: job.onNote } : {}),
      ...(job.signal ? { signal: job.signal } : {}),
    });
    return { results, interrupted: results.status !== "complete" };
  },
};

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
