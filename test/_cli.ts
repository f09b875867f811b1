/**
 * Runs one of the project's CLIs in a child Deno process, as a user would,
 * and captures what it printed.
 *
 * @module
 */

/** What a CLI run printed, and its exit code. */
export interface CliRun {
  /** Exit code. */
  code: number;
  /** Everything on stdout. */
  stdout: string;
  /** Everything on stderr. */
  stderr: string;
}

/** Runs `src/cli/<name>.ts` with `deno run -A` and the given arguments. */
export async function runCli(name: string, ...args: string[]): Promise<CliRun> {
  const script = new URL(`../src/cli/${name}.ts`, import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}
