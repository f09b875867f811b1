/**
 * The executor of Keras 3 in a Python process (the Keras peer's script):
 * the same run description and data as the TF.js side, each model trained,
 * evaluated and timed by Keras, `results.json` written through the one
 * writer after each model.
 *
 * @module
 */
import { runKerasSide } from "../peer/keras_side.ts";
import { loadRunData } from "../train/run_data.ts";
import type { Executor } from "./types.ts";

/** Runs the models with Keras in a child Python. */
export const KERAS_EXECUTOR: Executor = {
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
      ...(job.onNote ? { log: job.onNote } : {}),
      ...(job.signal ? { signal: job.signal } : {}),
    });
    return { results, interrupted: results.status !== "complete" };
  },
};
