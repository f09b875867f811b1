/**
 * Runs `train_all.ts` in a child Deno process, as `compare` and `peer` do:
 * one native backend per process, and the child's own checks, progress and
 * atomic writes reused rather than repeated.
 *
 * @module
 */
import { denoRunArgs } from "../_util/deno_run.ts";

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
}

/** How the child ended. */
export interface TrainAllChildResult {
  /** Exit code. */
  code: number;
  /** Its last `error: …` line without the prefix, or `"no error message"`. */
  lastError: string;
}

/** Spawns `train_all.ts` with `args` and streams its stderr line by line. */
export async function runTrainAllChild(
  args: readonly string[],
  options: TrainAllChildOptions = {},
): Promise<TrainAllChildResult> {
  const child = new Deno.Command(Deno.execPath(), {
    args: options.entry
      ? [...options.entry, ...args]
      : denoRunArgs(new URL("./train_all.ts", import.meta.url), ...args),
    env: options.env ?? {},
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let lastError = "no error message";
  let pending = "";
  const handle = (line: string) => {
    if (line.startsWith("error: ")) lastError = line.slice("error: ".length);
    if (line.trim() !== "") options.onLine?.(line);
  };
  for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    lines.forEach(handle);
  }
  handle(pending);
  const { code } = await child.status;
  return { code, lastError };
}
