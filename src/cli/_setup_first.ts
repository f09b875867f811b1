/**
 * Setup after the flags: a task that needs the native backend parses its
 * flags first (so `--help` and a mistake in a flag answer at once), then
 * makes the backend ready as `deno task setup` does, and only then runs.
 *
 * Only the entry point that a task starts runs setup: `deno.json` marks it
 * with `FMNIST_BENCH_SETUP_FIRST=1`, which {@link setupFirst} removes from
 * the environment, so the `train-all` children of `compare` and `peer`, the
 * GPU kit's bundle and the tests that start a task's file skip it.
 *
 * @module
 */
import { fileURLToPath } from "node:url";

/** The variable that asks a task's entry point to run setup first. */
export const SETUP_FIRST_VARIABLE = "FMNIST_BENCH_SETUP_FIRST";

/**
 * Runs `src/cli/setup.ts` in a child process with this process's output,
 * when the task asked for it (`FMNIST_BENCH_SETUP_FIRST=1`); else nothing.
 * Call it after the flags are checked and `--help` answered.
 *
 * @throws {Error} One line when setup fails (its own lines say why).
 */
export async function setupFirst(): Promise<void> {
  if (Deno.env.get(SETUP_FIRST_VARIABLE) !== "1") return;
  // Children (train-all runs) must not set up again.
  Deno.env.delete(SETUP_FIRST_VARIABLE);
  const setup = fileURLToPath(new URL("./setup.ts", import.meta.url));
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", setup],
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) {
    throw new Error(`setup failed (exit ${code}): see its lines above; deno task setup --help`);
  }
}
