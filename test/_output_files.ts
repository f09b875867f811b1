/**
 * Compares an output folder with the table of output files
 * (`src/results/output_files.ts`), by their top-level names.
 *
 * @module
 */
import { filesOf, type OutputTask } from "../src/results/output_files.ts";

/** The top-level names `task` writes, as the table gives them (a folder ends in `/`). */
export function tableTopLevel(task: OutputTask): string[] {
  return [...new Set(filesOf(task).map((f) => f.name.replace(/\/.*$/, "/")))].sort();
}

/** The top-level entries of `dir` (a folder ends in `/`). */
export async function writtenTopLevel(dir: string): Promise<string[]> {
  const entries = await Array.fromAsync(Deno.readDir(dir));
  return entries.map((e) => e.isDirectory ? `${e.name}/` : e.name).sort();
}
