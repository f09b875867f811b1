/**
 * Running a program to read its output, where its absence is an answer
 * (no `nvidia-smi`, no `git`, no Python) rather than an error.
 *
 * @module
 */
import { unlessNotFound } from "./fs.ts";

/** What a program printed and how it exited. */
export interface QuietRun {
  /** Exit code. */
  code: number;
  /** Its standard output, decoded. */
  stdout: string;
  /** Its standard error, decoded. */
  stderr: string;
}

/** Where and with what environment {@link runQuiet} starts the program. */
export interface RunQuietOptions {
  /** Working folder. Default: this process's. */
  cwd?: string;
  /** Variables added to this process's environment. */
  env?: Record<string, string>;
  /** Kills the program when it aborts (the promise then rejects). */
  signal?: AbortSignal;
}

/**
 * Runs `command` with `args` to its end, its output captured, never shown;
 * undefined when there is no such program.
 *
 * @throws {Error} Any failure to start it other than its absence.
 */
export async function runQuiet(
  command: string,
  args: string[],
  options: RunQuietOptions = {},
): Promise<QuietRun | undefined> {
  const { cwd, env, signal } = options;
  const piped = { stdout: "piped", stderr: "piped" } as const;
  const out = await unlessNotFound(() =>
    new Deno.Command(command, { args, cwd, env, signal, ...piped }).output()
  );
  if (!out) return undefined;
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}
