/**
 * Checks of a task's output folder before anything is written there: one
 * that already holds a run, and one that cannot be written.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { exists } from "../_util/fs.ts";
import { UsageError } from "./_cli.ts";

/**
 * Refuses a folder that already holds a run.
 *
 * @param named Whether the user named the folder (`--out`), for the hint.
 * @throws {UsageError} Naming the folder and `--resume`.
 */
export async function ensureFreshOutDir(outDir: string, named: boolean): Promise<void> {
  const existing = await exists(join(outDir, "results.json"));
  if (existing) {
    throw new UsageError(
      `--out ${outDir}: it already holds a run; add --resume to continue it${
        named ? ", or pick another folder" : ""
      }`,
    );
  }
}

/**
 * Checks that `outDir` can be written by writing a probe file into it. Folders
 * it had to create for that are removed again, so a run refused later (say,
 * for an unavailable backend) leaves nothing behind.
 */
export async function checkWritable(outDir: string): Promise<void> {
  let top = outDir; // the highest folder this check creates
  while (dirname(top) !== top && !(await exists(dirname(top)))) top = dirname(top);
  const created = !(await exists(top));
  try {
    await Deno.mkdir(outDir, { recursive: true });
    const probe = join(outDir, `.write-check-${crypto.randomUUID()}`);
    await Deno.writeTextFile(probe, "");
    await Deno.remove(probe);
  } catch (err) {
    throw new UsageError(
      `--out ${outDir}: expected a folder that can be written, but ${(err as Error).message}`,
    );
  } finally {
    if (created) await Deno.remove(top, { recursive: true }).catch(() => {});
  }
}
