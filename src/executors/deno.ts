/**
 * The executor of this Deno process: the run's backend loaded here
 * (`startSession`), then every model trained, evaluated and timed by
 * `runExperiment` (`runSession`).
 *
 * @module
 */
import { runSession, startSession } from "../train/session.ts";
import type { Executor } from "./types.ts";

/** Runs the models in this process, on a TF.js backend loaded here. */
export const DENO_EXECUTOR: Executor = {
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
