/**
 * The external programs `deno task setup` needs (a C++ compiler, Python and
 * pip): checking that each runs, and running one with its output captured,
 * summarised in a line when it fails; and {@link SetupError}, the error the
 * steps of setup throw for a reason the user can act on (a missing tool, a
 * wheel with the wrong checksum, a binding that does not compile).
 *
 * @module
 */
import { type QuietRun, runQuiet } from "../_util/run_quiet.ts";

/** A setup step failed for a reason the user can act on; the message says how. */
export class SetupError extends Error {
  /** @param message What failed, what was expected, and what to do. */
  constructor(message: string) {
    super(message);
    this.name = "SetupError";
  }
}

/** A tool setup needs, and how to get it when it is missing. */
export interface RequiredTool {
  /** Command name, e.g. `"c++"`. */
  command: string;
  /** Arguments that make it print a version and exit 0. */
  versionArgs: string[];
  /** What the user should do when it is missing. */
  install: string;
}

/** The tools each route needs. */
export const TOOLS = {
  cxx: {
    command: "c++",
    versionArgs: ["--version"],
    install: "install a C++ compiler: apt-get install g++",
  },
  python: {
    command: "python3",
    versionArgs: ["--version"],
    install: "install Python 3: apt-get install python3",
  },
  pip: {
    command: "python3",
    versionArgs: ["-m", "pip", "--version"],
    install: "install pip: apt-get install python3-pip",
  },
} as const satisfies Record<string, RequiredTool>;

/**
 * Checks that a tool runs.
 *
 * @throws {SetupError} `missing tool: <command> (<what for>); <how to install>`.
 */
export async function requireTool(
  tool: RequiredTool,
  command = tool.command,
  why = "",
): Promise<void> {
  const ok = (await runQuiet(command, tool.versionArgs))?.code === 0;
  if (!ok) {
    const label = tool.versionArgs[0] === "-m"
      ? `${command} ${tool.versionArgs.slice(0, 2).join(" ")}`
      : command;
    throw new SetupError(`missing tool: ${label}${why ? ` (${why})` : ""}; ${tool.install}`);
  }
}

/**
 * The last `n` lines of a program's output (its `runQuiet` result), joined by
 * ` | `: `"no output"` when empty, `"no such program"` when it did not run.
 */
export function lastLines(run: QuietRun | undefined, n = 3): string {
  if (!run) return "no such program";
  return run.stderr.trim().split("\n").slice(-n).join(" | ") || "no output";
}
