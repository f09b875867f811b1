/**
 * The run description from what the flags gave: a fresh run takes each
 * given field or its default; a resumed run takes its saved description,
 * which the flags may repeat but not contradict.
 *
 * @module
 */
import { UsageError } from "../_util/usage_error.ts";
import type { EngineSpec } from "../engines/registry.ts";
import { describeRun, type RunDescription } from "./run_description.ts";
import { RUN_FIELDS, type RunFieldValues, shownValue, type TaskDefaults } from "./run_fields.ts";
import { dataFlagConflict } from "./run_values.ts";

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
