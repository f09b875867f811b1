/**
 * A run executed in a child process: `train-all` started with the run's
 * description spelled out as its flags (`trainAllArgs`), so that the child
 * picks the executor of the run's backend from the registry as `train-all`
 * always does, with one TensorFlow.js backend per process. `compare`, `peer`
 * and the GPU kit start their TF.js runs this way.
 *
 * @module
 */
import type { ResultsFile } from "../results/schema.ts";
import { readResults } from "../train/experiment.ts";
import { runTrainAllChild, trainAllArgs, type TrainAllChildOptions } from "../train/launcher.ts";
import type { RunDescription } from "../train/run_description.ts";

/** How a run in a child process ended. */
export interface ChildOutcome {
  /** The child's exit code. */
  code: number;
  /** Its last `error: …` line without the prefix, or `"no error message"`. */
  lastError: string;
  /** The results it wrote, if it got so far. */
  results?: ResultsFile;
}

/**
 * Runs `run` into `outDir` in a child `train-all`, or continues the run there
 * (`resume`), and reads back what it wrote.
 */
export async function executeInChild(
  run: RunDescription | "resume",
  outDir: string,
  options: TrainAllChildOptions = {},
): Promise<ChildOutcome> {
  const args = run === "resume"
    ? ["--resume", "--out", outDir]
    : trainAllArgs(run, { out: outDir });
  const { code, lastError } = await runTrainAllChild(args, options);
  const results = await readResults(outDir).catch(() => undefined);
  return { code, lastError, ...(results ? { results } : {}) };
}

/**
 * The results of a child's run that must have completed.
 *
 * @throws {Error} `the <what> run in <dir> failed (exit N): <its error line>`.
 */
export function completeResults(outcome: ChildOutcome, what: string, dir: string): ResultsFile {
  const { results } = outcome;
  if (outcome.code !== 0 || !results || results.status !== "complete") {
    throw new Error(
      `the ${what} run in ${dir} failed (exit ${outcome.code}): ${outcome.lastError}`,
    );
  }
  return results;
}
