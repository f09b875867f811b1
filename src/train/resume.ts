/**
 * The run description from what the flags gave ({@link resolveRun}): a fresh
 * run takes each given field or its default; a resumed run takes its saved
 * description, which the flags may repeat but not contradict. And what
 * `train-all --resume` reads back: the results so far (for what is complete)
 * and the saved run description (for what the run is), or for a run written
 * before `run.json` existed, the description its results' `config` implies;
 * and the refusal of a oneDNN state the run did not start with.
 *
 * @module
 */
import { join } from "node:path";
import type { OneDnnState } from "../backends/onednn.ts";
import { type EngineSpec, getEngineSpec } from "../engines/registry.ts";
import { dataRequest, legacyDataPlace } from "../results/data_source.ts";
import type { ResultsFile, RunConfig } from "../results/schema.ts";
import { UsageError } from "../_util/usage_error.ts";
import { readResults } from "./experiment.ts";
import { describeRun, type RunDescription } from "./run_description.ts";
import { RUN_FIELDS, type RunFieldValues, shownValue, type TaskDefaults } from "./run_fields.ts";
import { asUsageError, dataFlagConflict } from "./run_values.ts";
import { readRunDescription, RUN_DESCRIPTION_FILE } from "./run_file.ts";

/** What the flags gave: the fields they set, the flags named, and a list task's engines. */
export interface GivenRun {
  /** What the flags set in the run description. */
  given: RunFieldValues;
  /** The flags given, without dashes. */
  named: ReadonlySet<string>;
  /** The engines a list task named; the first is the run's. */
  engines?: { list: readonly EngineSpec[] };
}

/** Options of {@link resolveRun}. */
export interface ResolveRunOptions {
  /** The task's own defaults. */
  defaults: TaskDefaults;
  /** The backend a task fixes (`peer`: tensorflow); overrides `--backend`. Default: the flags'. */
  backend?: string;
  /** On `--resume`: the saved description of the run being continued. */
  previous?: RunDescription;
}

/**
 * Turns the flags into the run description. A fresh run takes each flag or
 * its default. A resumed run takes its saved description; a flag of a
 * `fixed` field may repeat a saved value but not contradict it, and a `free`
 * one (the machine's name, oneDNN, accepting a fallback) applies.
 *
 * @throws {UsageError} One line naming the flag that contradicts the resumed
 *   run, or a saved description that cannot be resumed.
 */
export function resolveRun(flags: GivenRun, options: ResolveRunOptions): RunDescription {
  const { defaults, previous } = options;
  const given = { ...flags.given, ...(options.backend ? { backend: options.backend } : {}) };
  const firstEngine = flags.engines?.list[0]?.name;
  if (firstEngine) given.engine = firstEngine;
  if (!previous) {
    return describeRun({ models: [...defaults.models], epochs: defaults.epochs, ...given });
  }
  const named = new Set(flags.named);
  if (options.backend) named.add("backend");
  if (firstEngine) named.add("engine");
  for (const field of RUN_FIELDS) {
    const data = field.flag === "fixtures" || field.flag === "data-dir";
    if (field.resume !== "fixed" || data || !named.has(field.flag)) continue;
    const value = shownValue(field, given);
    const was = shownValue(field, previous);
    if (value !== undefined && value !== was) {
      throw new UsageError(
        `--resume: --${field.flag} ${value} differs from the run being resumed (${was}); drop the flag`,
      );
    }
  }
  const conflict = given.data && dataFlagConflict(previous.data, given.data);
  if (conflict) throw new UsageError(conflict);
  return {
    ...previous,
    allowFallback: previous.allowFallback || (given.allowFallback ?? false),
    ...(given.oneDnn ? { oneDnn: given.oneDnn } : {}),
    ...(given.machine ? { machine: given.machine } : {}),
  };
}

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
