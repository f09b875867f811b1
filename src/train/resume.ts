/**
 * What `train-all --resume` reads back: the results so far (for what is
 * complete) and the saved run description (for what the run is), or for a
 * run written before `run.json` existed, the description its results'
 * `config` implies; and the refusal of a oneDNN state the run did not start with.
 *
 * @module
 */
import { join } from "node:path";
import type { OneDnnState } from "../backends/onednn.ts";
import { getEngineSpec } from "../engines/registry.ts";
import { dataRequest, legacyDataPlace } from "../results/data_source.ts";
import type { ResultsFile, RunConfig } from "../results/schema.ts";
import { UsageError } from "../_util/usage_error.ts";
import { readResults } from "./experiment.ts";
import { describeRun, type RunDescription } from "./run_description.ts";
import { asUsageError } from "./run_values.ts";
import { readRunDescription, RUN_DESCRIPTION_FILE } from "./run_file.ts";

/** The results of the run in `outDir`, to resume it. @throws {UsageError} When there are none. */
export async function readPrevious(outDir: string): Promise<ResultsFile> {
  const previous = await readResults(outDir).catch((err: Error) => {
    throw new UsageError(`--resume: ${err.message}`);
  });
  if (!previous) {
    throw new UsageError(`--resume: expected a run in ${outDir}, but it has no results.json`);
  }
  return previous;
}

/** The saved description of the run in `outDir`, or for older runs the one its config implies. */
export async function savedRun(outDir: string, previous: ResultsFile): Promise<RunDescription> {
  const path = join(outDir, RUN_DESCRIPTION_FILE);
  try {
    return await readRunDescription(path) ?? describeSavedConfig(previous.config);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`--resume: ${(err as Error).message}; start a new run`);
  }
}

/**
 * The description of a run saved before run descriptions were (its results'
 * `config`, which then held the settings): its data from `config.dataSource`,
 * or for older files the place `config.data` names; the inference settings
 * that files older than those fields ran with.
 *
 * @throws {UsageError} When `config.data` names no place, or the engine is unknown.
 */
export function describeSavedConfig(config: RunConfig): RunDescription {
  const place = config.dataSource ?? legacyDataPlace(config.data);
  if (!place) {
    throw new UsageError(
      `--resume: expected config.data to name the run's data (fixtures, dir, cache, system or ` +
        `download), got ${JSON.stringify(config.data)}; start a new run`,
    );
  }
  const engine = asUsageError(
    () => getEngineSpec(config.engine).name,
    "--resume: the run's engine: ",
  );
  return describeRun({
    models: config.models,
    epochs: config.epochs,
    backend: config.backend,
    engine,
    data: dataRequest(place),
    dataSource: config.dataSource,
    trainSize: config.trainSize,
    validationSize: config.validationSize,
    testSize: config.testSize,
    batchSize: config.batchSize,
    seed: config.seed,
    learningRate: config.learningRate,
    inferenceBatchSize: config.inferenceBatchSize,
    ...(config.moreInferenceBatchSizes
      ? { moreInferenceBatchSizes: config.moreInferenceBatchSizes }
      : {}),
    inferenceRuns: config.inferenceRuns,
  });
}

/**
 * Refuses to resume a run under another oneDNN state than it started with.
 * A complete run is left alone unless `--onednn` was given.
 *
 * @throws {UsageError} Naming both states and the flag that restores the saved one.
 */
export function checkResumeOneDnn(
  saved: OneDnnState | undefined,
  now: OneDnnState,
  options: { complete: boolean; flagGiven: boolean },
): void {
  if (!saved || (options.complete && !options.flagGiven)) return;
  if (now.enabled !== saved.enabled) {
    throw new UsageError(
      `--resume: oneDNN is ${now.reason}, but the run being resumed had it ${saved.reason}; ` +
        `resume with --onednn ${saved.enabled ? "on" : "off"}`,
    );
  }
}
