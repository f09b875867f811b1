/**
 * Shared plumbing for the command-line tasks in `src/cli/`: turning flag
 * strings into typed values, turning errors into one clear line, and plain
 * text laid out for the terminal (tables, indented and word-wrapped paragraphs).
 *
 * This is the only layer that may read `Deno.args` or the environment.
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { ONEDNN_VARIABLE, type OneDnnChoice, oneDnnVariableFor } from "../backends/onednn.ts";
import { defaultCacheDir } from "../data/cache.ts";
import { parsePositiveInt, UsageError } from "../_util/usage_error.ts";
import type { RunDataOptions } from "../train/run_data.ts";
import { downloadProgress } from "./progress.ts";

export { parsePositiveInt, UsageError } from "../_util/usage_error.ts";

/**
 * Parses command-line flags with `node:util`'s `parseArgs` in strict mode,
 * turning its errors (unknown flag, missing value, stray argument) into one
 * {@link UsageError} line that points at `--help`, e.g. ``unknown option
 * --bogus; see `deno task compare --help` ``.
 *
 * @param command The task name for the hint, e.g. `"setup"`.
 * @param help The command that shows the help (default `deno task <command> --help`).
 */
export function parseFlags<T extends ParseArgsConfig & { strict?: true }>(
  command: string,
  config: T,
  help = `deno task ${command} --help`,
): ReturnType<typeof parseArgs<T>> {
  try {
    // node's default is strict; it is kept so (config.strict may only be true).
    return parseArgs(config);
  } catch (err) {
    if (
      err instanceof TypeError && "code" in err && String(err.code).startsWith("ERR_PARSE_ARGS")
    ) {
      throw new UsageError(`${parseArgsMistake(String(err.code), err.message)}; see \`${help}\``);
    }
    throw err;
  }
}

/** `parseArgs`'s error in the suite's words: what was wrong, the flag as typed. */
function parseArgsMistake(code: string, message: string): string {
  const quoted = message.match(/'([^']*)'/)?.[1] ?? "";
  // "-h, --help" and "--out <value>": the long name.
  const flag = quoted.split(", ").at(-1)!.split(" ")[0];
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return `unknown option ${flag}`;
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") return `unexpected argument ${quoted}`;
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    return /does not take an argument/.test(message)
      ? `${flag}: expected no value`
      : `${flag}: expected a value`;
  }
  return message.replace(/\s*\n\s*/g, " ").replace(/\.$/, "");
}

/** Prints a task's `--help` text on stdout, and returns its exit code, 0. */
export function printHelp(text: string): number {
  console.log(text);
  return 0;
}

/**
 * The suite's cache folder from the environment: `$XDG_CACHE_HOME/fmnist-bench`
 * (when absolute), else `$HOME/.cache/fmnist-bench`.
 *
 * @throws {UsageError} When neither variable gives a folder.
 */
export function cacheDirFromEnv(): string {
  return defaultCacheDir({
    xdgCacheHome: Deno.env.get("XDG_CACHE_HOME"),
    home: Deno.env.get("HOME"),
  });
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

export { parseOneDnnChoice } from "../train/run_values.ts";

/**
 * Applies `--onednn` to this process and every child it starts, by setting
 * (or, for `default`, removing) `TF_ENABLE_ONEDNN_OPTS`. Call it before a
 * libtensorflow backend is loaded: libtensorflow reads the variable once.
 */
export function applyOneDnnChoice(choice: OneDnnChoice): void {
  const value = oneDnnVariableFor(choice);
  if (value === undefined) Deno.env.delete(ONEDNN_VARIABLE);
  else Deno.env.set(ONEDNN_VARIABLE, value);
}

/**
 * `results/<prefix><timestamp>`, the default output folder of a task: the
 * current UTC time to the second, with `-` for `:` so that every file system
 * takes it.
 */
export function timestampedOutDir(prefix = ""): string {
  return join("results", `${prefix}${new Date().toISOString().replaceAll(":", "-").slice(0, 19)}`);
}

/**
 * Where a run's data is cached and how a download shows its progress, from
 * the environment: the suite's cache folder, and a progress line on a terminal.
 */
export function runDataOptions(): RunDataOptions {
  const onDownloadProgress = downloadProgress();
  return { cacheDir: cacheDirFromEnv(), ...(onDownloadProgress ? { onDownloadProgress } : {}) };
}

/** A plain-text table for the terminal: columns padded to their widest cell. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** Indents each line by `by` spaces. */
export function indent(lines: readonly string[], by: number): string[] {
  return lines.map((l) => " ".repeat(by) + l);
}

/**
 * Word-wraps a paragraph at its whitespace into lines of at most `width`
 * columns (default 100), each indented by `by` spaces.
 */
export function wrap(text: string, by: number, width = 100): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && by + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return indent(lines, by);
}
