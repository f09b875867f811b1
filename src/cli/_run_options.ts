/**
 * The options of a training run, shared by `train-all`, `compare` and `peer`,
 * made from the run's fields (`RUN_FIELDS`, `src/train/run_fields.ts`): the
 * flag specs, their `--help` lines and checks, and {@link resolveRun}, the
 * pure function that turns the flags (and, on `--resume`, the saved run
 * description) into the run description. The same flag means the same thing,
 * with the same default and the same error, in every task.
 *
 * @module
 */
import type { ParseArgsOptionsConfig } from "node:util";
import { assertEngineRunsOn, type EngineSpec, getEngineSpec } from "../engines/registry.ts";
import { asUsageError, parseEngineName } from "../train/run_values.ts";
import {
  fieldsFor,
  type HelpContext,
  RUN_FIELDS,
  type RunField,
  type RunFieldValues,
  type TaskDefaults,
} from "../train/run_fields.ts";
import { UsageError, wrap } from "./_cli.ts";

export type { TaskDefaults } from "../train/run_fields.ts";
export { resolveRun, type ResolveRunOptions } from "../train/resume.ts";
export { parseModelList, parseSeed, parseTargetAccuracies } from "../train/run_values.ts";

/** How a task takes engines: one (`train-all`) or a list (`compare`, `peer`). */
export type EngineArity = "one" | "list";

function flagSpecs(fields: readonly RunField[]): ParseArgsOptionsConfig {
  return Object.fromEntries(fields.map((f) => [f.flag, { type: f.type }]));
}

const TARGET_FLAGS = {
  out: { type: "string" },
  help: { type: "boolean", short: "h", default: false },
} as const;

/**
 * The `node:util` `parseArgs` specs of the flags shared by every task that
 * runs models (`--engine` there takes a list, as `--engines` does).
 */
export const RUN_FLAGS = {
  ...flagSpecs(fieldsFor("every")),
  engine: { type: "string" },
  ...TARGET_FLAGS,
} as FlagSpecs;

/** The specs of a single run's flags (`train-all`): every field, `--backend` among them. */
export const SINGLE_RUN_FLAGS = { ...flagSpecs(RUN_FIELDS), ...TARGET_FLAGS } as FlagSpecs;

type FlagSpecs = Record<string, { type: "string" } | { type: "boolean" }> & typeof TARGET_FLAGS;

/** The flags' raw values, as `parseArgs` returns them, plus `--engines` of list tasks. */
export type RunFlagValues = Record<string, string | boolean | undefined> & { engines?: string };

/** The run flags, checked and typed. */
export interface RunFlags {
  /** What the flags set in the run description. */
  given: RunFieldValues;
  /** The flags given, without dashes (`onednn` when `--onednn default` set nothing). */
  named: ReadonlySet<string>;
  /** The engines named, with the flag that named them (for error messages). */
  engines?: { flag: string; list: EngineSpec[] };
  /** `--out`. */
  out?: string;
}

/**
 * Checks and types the run flags. Everything a user typed is checked here,
 * before any data is read or any model trains.
 *
 * @param command The task, for the `--help` hint, e.g. `"train-all"`.
 * @throws {UsageError} Naming the flag, what was expected and what was given.
 */
export function parseRunFlags(
  command: string,
  values: RunFlagValues,
  arity: EngineArity,
): RunFlags {
  const given: RunFieldValues = {};
  const named = new Set<string>();
  for (const field of RUN_FIELDS) {
    const raw = values[field.flag];
    if (raw === undefined || raw === false) continue;
    if (field.flag === "engine" && arity === "list") continue;
    named.add(field.flag);
    try {
      Object.assign(given, field.parse(raw === true ? "" : raw));
    } catch (err) {
      // An unknown engine's line points at the help, which lists the engines.
      if (field.flag !== "engine" || !(err instanceof UsageError)) throw err;
      throw new UsageError(`${err.message}; see \`deno task ${command} --help\``);
    }
  }
  if (named.has("fixtures") && named.has("data-dir")) {
    throw new UsageError("--fixtures and --data-dir exclude each other");
  }
  const engines = parseEngines(command, values, arity, given);
  if (given.backend && engines) checkEngineBackend(engines.list[0], given.backend);
  return { given, named, engines, out: values.out as string | undefined };
}

/**
 * The engines the flags name: `--engine` (and in list tasks `--engines`, the
 * same list).
 *
 * @returns `undefined` when no flag names one.
 * @throws {UsageError} For an unknown name, an empty list, or both flags.
 */
function parseEngines(
  command: string,
  values: RunFlagValues,
  arity: EngineArity,
  given: RunFieldValues,
): RunFlags["engines"] {
  if (arity === "one") {
    return given.engine ? { flag: "--engine", list: [getEngineSpec(given.engine)] } : undefined;
  }
  const lists = ([["--engines", values.engines], ["--engine", values.engine]] as const)
    .filter(([, v]) => v !== undefined);
  if (lists.length > 1) {
    throw new UsageError("--engines and --engine both name the engines; keep one");
  }
  if (lists.length === 0) return undefined;
  const [flag, value] = lists[0];
  return { flag, list: parseEngineList(flag, String(value), command) };
}

/** Parses a comma-separated list of engine names, without repeats. */
function parseEngineList(flag: string, value: string, command: string): EngineSpec[] {
  const items = value.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (items.length === 0) {
    throw new UsageError(`${flag}: expected a list like tfjs,native, got ${JSON.stringify(value)}`);
  }
  const engines = items.map((item) => {
    try {
      return getEngineSpec(parseEngineName(flag, item));
    } catch (err) {
      throw new UsageError(`${(err as Error).message}; see \`deno task ${command} --help\``);
    }
  });
  return engines.filter((e, i) => engines.indexOf(e) === i);
}

/**
 * Checks that an engine runs on a backend.
 *
 * @throws {UsageError} `--engine native runs on tensorflow-gpu, tensorflow, not cpu; use …`.
 */
export function checkEngineBackend(engine: EngineSpec, backend: string, flag = "--engine"): void {
  asUsageError(() => assertEngineRunsOn(engine, backend, flag));
}

/** Renders fields' help: the flag and its value's name in a column, the text beside it. */
function fieldsHelp(fields: readonly RunField[], ctx: HelpContext): string {
  return fields.map((f) => {
    const name = `  --${f.flag}${f.arg ? ` ${f.arg}` : ""}`;
    const [first, ...rest] = f.help(ctx).split("\n");
    const head = name.length < 24
      ? `${name.padEnd(24)}${first}`
      : `${name}\n${" ".repeat(24)}${first}`;
    return [head, ...rest.flatMap((l) => wrap(l, 24, 92))].join("\n");
  }).join("\n");
}

/** The help lines of the engine flags, for one engine (`train-all`) or a list. */
export function engineHelp(arity: EngineArity, defaults: readonly string[]): string {
  const engine = RUN_FIELDS.find((f) => f.flag === "engine")!;
  const ctx = { defaults: { models: [], epochs: 1 }, oneDnnScope: "" };
  if (arity === "one") return fieldsHelp([engine], ctx);
  const head = `  --engines LIST        comma-separated (default ${
    defaults.join(",")
  }; --engine LIST is the same):`;
  const lines = engine.help(ctx).split("\n").slice(1).flatMap((l) => wrap(l, 24, 92));
  return [head, ...lines].join("\n");
}

/** The `--onednn` help lines; `scope` says what the setting applies to. */
export function oneDnnHelp(scope: string): string {
  const onednn = RUN_FIELDS.find((f) => f.flag === "onednn")!;
  return fieldsHelp([onednn], { defaults: { models: [], epochs: 1 }, oneDnnScope: scope });
}

/** The help lines of the data, size and seed flags, with a task's defaults. */
export function runFlagsHelp(defaults: TaskDefaults): string {
  const shared = RUN_FIELDS.filter((f) => f.scope === "every" && f.flag !== "onednn");
  return fieldsHelp(shared, { defaults, oneDnnScope: "" });
}

/** The help lines of a single run's own fields (`--backend`, `--allow-fallback`). */
export function singleRunHelp(defaults: TaskDefaults): string {
  const own = RUN_FIELDS.filter((f) => f.scope === "single" && f.flag !== "engine");
  return fieldsHelp(own, { defaults, oneDnnScope: "" });
}
