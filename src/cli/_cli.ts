/**
 * Shared plumbing for the command-line tasks in `src/cli/`: turning flag
 * strings into typed values, and turning errors into one clear line.
 *
 * This is the only layer that may read `Deno.args` or the environment.
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import {
  ONEDNN_CHOICES,
  ONEDNN_VARIABLE,
  type OneDnnChoice,
  oneDnnVariableFor,
} from "../backends/onednn.ts";
import { defaultCacheDir } from "../data/cache.ts";
import { getModelSpec } from "../models/spec.ts";
import {
  assertEngineRunsOn,
  DEFAULT_ENGINE,
  type EngineName,
  ENGINES,
  type EngineSpec,
  getEngineSpec,
} from "../train/engines.ts";

/**
 * A mistake in how a command was called (a bad flag, a bad value). The CLI
 * prints its message as one line and exits with code 2.
 */
export class UsageError extends Error {
  /** @param message Says which input was wrong, what was expected and what was found. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * Parses a flag value as a positive integer.
 *
 * @param flag The flag's name as the user typed it, e.g. `--epochs`.
 * @param value The raw string from the command line.
 * @returns The integer.
 * @throws {UsageError} When the value is not a whole number above zero.
 */
export function parsePositiveInt(flag: string, value: string): number {
  const trimmed = value.trim();
  const n = Number(trimmed);
  if (trimmed === "" || !Number.isInteger(n) || n <= 0) {
    throw new UsageError(
      `${flag}: expected a positive integer, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

/**
 * Parses command-line flags with `node:util`'s `parseArgs` in strict mode,
 * turning its errors (unknown flag, missing value) into a {@link UsageError}
 * that points at `--help`.
 *
 * @param command The task name for the hint, e.g. `"setup"`.
 */
export function parseFlags<T extends ParseArgsConfig & { strict?: true }>(
  command: string,
  config: T,
): ReturnType<typeof parseArgs<T>> {
  try {
    // node's default is strict; it is kept so (config.strict may only be true).
    return parseArgs(config);
  } catch (err) {
    if (
      err instanceof TypeError && "code" in err && String(err.code).startsWith("ERR_PARSE_ARGS")
    ) {
      const message = err.message.replace(/\s*\n\s*/g, " ").replace(/\.$/, "");
      throw new UsageError(`${message}; see \`deno task ${command} --help\``);
    }
    throw err;
  }
}

/**
 * The suite's cache folder from the environment: `$XDG_CACHE_HOME/fmnist-bench`
 * (when absolute), else `$HOME/.cache/fmnist-bench`.
 *
 * @throws {UsageError} When neither variable gives a folder.
 */
export function cacheDirFromEnv(): string {
  try {
    return defaultCacheDir({
      xdgCacheHome: Deno.env.get("XDG_CACHE_HOME"),
      home: Deno.env.get("HOME"),
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/**
 * Runs a CLI entry point: awaits it, and turns any thrown error into a single
 * `error: ...` line on stderr with a non-zero exit code. A stack trace is only
 * printed when `FMNIST_BENCH_DEBUG=1`, since the message is written for users.
 *
 * @param main The command's body; its resolved number is the exit code (default 0).
 */
export async function runCli(main: () => Promise<number | void>): Promise<never> {
  let code = 0;
  try {
    code = (await main()) ?? 0;
  } catch (err) {
    const debug = Deno.env.get("FMNIST_BENCH_DEBUG") === "1";
    const message = err instanceof Error ? err.message : String(err);
    console.error(`error: ${message}`);
    if (debug && err instanceof Error && err.stack) console.error(err.stack);
    code = err instanceof UsageError ? 2 : 1;
  }
  Deno.exit(code);
}

/**
 * TensorFlow's thread-pool sizes as this process will use them: the values of
 * `TF_NUM_INTRAOP_THREADS` / `TF_NUM_INTEROP_THREADS` (which libtensorflow
 * reads when it creates its pools), or `"default"` (one thread per core).
 *
 * @throws {UsageError} When a variable is set to something other than a positive integer.
 */
export function threadsFromEnv(): { intraOp: number | "default"; interOp: number | "default" } {
  const read = (name: string): number | "default" => {
    const value = Deno.env.get(name);
    return value === undefined || value === "" ? "default" : parsePositiveInt(name, value);
  };
  return { intraOp: read("TF_NUM_INTRAOP_THREADS"), interOp: read("TF_NUM_INTEROP_THREADS") };
}

/** The value of `TF_ENABLE_ONEDNN_OPTS` in this process, or `undefined` when unset. */
export function oneDnnVariableFromEnv(): string | undefined {
  return Deno.env.get(ONEDNN_VARIABLE);
}

/**
 * Parses `--onednn`.
 *
 * @throws {UsageError} For anything but on, off or default.
 */
export function parseOneDnnChoice(value: string): OneDnnChoice {
  if (!(ONEDNN_CHOICES as readonly string[]).includes(value)) {
    throw new UsageError(
      `--onednn: expected one of ${ONEDNN_CHOICES.join(", ")}, got ${
        JSON.stringify(value)
      }; on and off pin TensorFlow's oneDNN kernels, default leaves them to the CPU`,
    );
  }
  return value as OneDnnChoice;
}

/**
 * Applies `--onednn` to this process and every child it starts, by setting
 * (or, for `default`, removing) `TF_ENABLE_ONEDNN_OPTS`. Call it before a
 * native backend is loaded: libtensorflow reads the variable once.
 */
export function applyOneDnnChoice(choice: OneDnnChoice): void {
  const value = oneDnnVariableFor(choice);
  if (value === undefined) Deno.env.delete(ONEDNN_VARIABLE);
  else Deno.env.set(ONEDNN_VARIABLE, value);
}

/** The `--onednn` option's `--help` lines, the same in every task that takes it. */
export const ONEDNN_HELP =
  `  --onednn MODE         on or off pins TensorFlow's oneDNN kernels for this run;
                        default leaves them to this CPU's default (the option
                        sets ${ONEDNN_VARIABLE}; without it, the variable as set)`;

/**
 * Parses `--models`: a comma-separated list of registered model names.
 *
 * @throws {UsageError} For an empty list or an unknown name (the message lists the valid ones).
 */
export function parseModelList(value: string): string[] {
  const models = value.split(",").map((m) => m.trim()).filter((m) => m !== "");
  if (models.length === 0) {
    throw new UsageError(
      `--models: expected a list like model1,model2, got ${JSON.stringify(value)}`,
    );
  }
  for (const m of models) {
    try {
      getModelSpec(m);
    } catch (err) {
      throw new UsageError(`--models: ${(err as Error).message}`);
    }
  }
  return models;
}

/** The engine flags of `train-all` and `peer`: `--engine` and its older aliases. */
export interface EngineFlags {
  /** `--engine NAME`. */
  engine?: string;
  /** `--train-step fit|native`: an alias of `--engine tfjs|native`. */
  trainStep?: string;
  /** `--inference-path layers|native`: an alias of `--engine tfjs|native`. */
  inferencePath?: string;
  /** `--stock-gradients`: an alias of `--engine tfjs`. */
  stockGradients?: boolean;
}

/** Word-wraps `text` into lines of at most `width` characters, each after `indent`. */
function wrap(text: string, indent: string, width = 92): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line].map((l) => indent + l).join("\n");
}

/** The help lines of `--engine` and its aliases, for `train-all` and `peer`. */
export const ENGINE_HELP =
  `  --engine NAME         how models are trained and inference is timed (default ${DEFAULT_ENGINE}):
${
    ENGINES.map((e) =>
      wrap(`${e.name}: ${e.description}; runs on ${e.backends.join(", ")}`, " ".repeat(24))
    ).join("\n")
  }
  --train-step STEP     alias: fit = --engine tfjs, native = --engine native
  --inference-path PATH alias: layers = --engine tfjs, native = --engine native
  --stock-gradients     alias: --engine tfjs`;

/**
 * Parses `--engine NAME`, or the aliases that name an engine in older
 * commands (`--train-step`, `--inference-path`, `--stock-gradients`).
 *
 * @param command The task name for the hint, e.g. `"train-all"`.
 * @returns The engine, or `undefined` when no flag names one.
 * @throws {UsageError} For an unknown name, or flags that name different engines.
 */
export function parseEngineFlags(command: string, flags: EngineFlags): EngineSpec | undefined {
  const named: [string, EngineName][] = [];
  if (flags.engine !== undefined) {
    named.push([`--engine ${flags.engine}`, parseEngine("--engine", flags.engine, command).name]);
  }
  const alias = (flag: string, value: string | undefined, tfjs: string) => {
    if (value === undefined) return;
    if (value !== tfjs && value !== "native") {
      throw new UsageError(`${flag}: expected ${tfjs} or native, got ${JSON.stringify(value)}`);
    }
    named.push([`${flag} ${value}`, value === "native" ? "native" : "tfjs"]);
  };
  alias("--train-step", flags.trainStep, "fit");
  alias("--inference-path", flags.inferencePath, "layers");
  if (flags.stockGradients) named.push(["--stock-gradients", "tfjs"]);
  const other = named.find(([, e]) => e !== named[0][1]);
  if (other) {
    throw new UsageError(
      `${named[0][0]} means --engine ${named[0][1]}, but ${other[0]} means --engine ${
        other[1]
      }; keep one`,
    );
  }
  return named.length === 0 ? undefined : getEngineSpec(named[0][1]);
}

/**
 * Parses one engine name.
 *
 * @throws {UsageError} `--engine: expected one of tfjs, native, …, got "x"; see …`.
 */
function parseEngine(flag: string, value: string, command: string): EngineSpec {
  try {
    return getEngineSpec(value.trim());
  } catch (err) {
    throw new UsageError(
      `${flag}: ${(err as Error).message}; see \`deno task ${command} --help\``,
    );
  }
}

/**
 * Parses a comma-separated list of engine names (`--engines tfjs,native`).
 *
 * @throws {UsageError} For an empty list or an unknown name.
 */
export function parseEngineList(flag: string, value: string, command: string): EngineSpec[] {
  const items = value.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (items.length === 0) {
    throw new UsageError(`${flag}: expected a list like tfjs,native, got ${JSON.stringify(value)}`);
  }
  const engines = items.map((item) => parseEngine(flag, item, command));
  return engines.filter((e, i) => engines.indexOf(e) === i);
}

/**
 * Checks that an engine runs on a backend.
 *
 * @throws {UsageError} `--engine native runs on tensorflow-gpu, tensorflow, not cpu; use …`.
 */
export function checkEngineBackend(engine: EngineSpec, backend: string, flag = "--engine"): void {
  try {
    assertEngineRunsOn(engine, backend, flag);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
