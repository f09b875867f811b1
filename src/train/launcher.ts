/**
 * The one launcher of `train-all` runs: {@link trainAllArgs} turns a run
 * description into `train-all`'s arguments (also the reproduce command a run
 * records), and {@link runTrainAllChild} runs them in a child Deno process, as
 * `compare`, `peer` and the GPU kit do: one libtensorflow backend per process, and
 * the child's own checks, progress and atomic writes reused, not repeated.
 *
 * @module
 */
import { denoRunArgs } from "../_util/deno_run.ts";
import { forEachLine } from "../_util/lines.ts";
import { RUN_DEFAULTS, type RunDescription } from "./run_description.ts";
import { RUN_FIELDS } from "./run_fields.ts";

/**
 * The `train-all` flags that repeat `run` exactly, every value spelled out
 * (sizes left to the data's defaults stay out), in the order of `RUN_FIELDS`,
 * then `--out` where `target` names the output folder.
 *
 * @throws {RangeError} For a learning rate other than the default, which no flag sets.
 */
export function trainAllArgs(run: RunDescription, target: { out?: string } = {}): string[] {
  if (run.learningRate !== RUN_DEFAULTS.learningRate) {
    throw new RangeError(
      `trainAllArgs: expected the learning rate ${RUN_DEFAULTS.learningRate} (no flag sets ` +
        `another), got ${run.learningRate}`,
    );
  }
  return [
    ...RUN_FIELDS.flatMap((field) => field.args(run)),
    ...(target.out ? ["--out", target.out] : []),
  ];
}

/** The `train-all` arguments that continue the run in `out` on its own saved description. */
export function resumeArgs(out: string): string[] {
  return ["--resume", "--out", out];
}

/** Options for {@link runTrainAllChild}. */
export interface TrainAllChildOptions {
  /** Extra environment variables for the child (e.g. thread settings). Default: none. */
  env?: Record<string, string>;
  /** Called with every non-empty stderr line, as it arrives. Default: none. */
  onLine?: (line: string) => void;
  /**
   * The `deno` arguments that start `train-all`, before its own arguments.
   * Default: `train_all.ts` with the project's `deno.json` (a bundle, such as
   * the GPU kit's, names itself and its `train-all` command instead).
   */
  entry?: readonly string[];
  /**
   * Aborting sends the child SIGINT: `train-all` stops after the epoch in
   * flight and writes what it measured. Default: none.
   */
  signal?: AbortSignal;
}

/**
 * Spawns `train_all.ts` with `args` (from {@link trainAllArgs}) and streams its stderr line by
 * line.
 *
 * @returns Its exit code, and its last `error: …` line without the prefix (or `"no error message"`).
 */
export async function runTrainAllChild(
  args: readonly string[],
  options: TrainAllChildOptions = {},
): Promise<{ code: number; lastError: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: options.entry
      ? [...options.entry, ...args]
      : denoRunArgs(new URL("../cli/train_all.ts", import.meta.url), ...args),
    env: options.env ?? {},
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stop = () => child.kill("SIGINT");
  options.signal?.addEventListener("abort", stop, { once: true });
  let lastError = "no error message";
  await forEachLine(child.stderr, (line) => {
    if (line.startsWith("error: ")) lastError = line.slice("error: ".length);
    if (line.trim() !== "") options.onLine?.(line);
  });
  const { code } = await child.status;
  options.signal?.removeEventListener("abort", stop);
  return { code, lastError };
}
