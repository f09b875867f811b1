/**
 * The arguments that run one of the suite's own scripts in a child Deno
 * process, as the probes, `compare`'s and `peer`'s `train-all` runs and the
 * conformance runner do: all permissions, no download chatter, and the
 * project's `deno.json` whatever the working folder.
 *
 * @module
 */

/** The project's `deno.json`, which holds the import map and the compiler options. */
export const DENO_CONFIG: string = new URL("../../deno.json", import.meta.url).pathname;

/** `deno run` arguments for `script` (a file URL) with its own `args`. */
export function denoRunArgs(script: URL, ...args: string[]): string[] {
  return ["run", "-A", "--quiet", `--config=${DENO_CONFIG}`, script.pathname, ...args];
}
