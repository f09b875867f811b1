/**
 * Atomic file writes for results, reports and checkpoints: the data
 * module's temp-file-and-rename writer, plus creating the folder first.
 * A reader sees the old file or the new one, never half of one, even if the
 * process is killed mid-write.
 *
 * @module
 */
import { dirname } from "node:path";
import { writeFileAtomic as writeInExistingFolder } from "../data/io.ts";

/** Writes `data` to `path` atomically, creating the parent folder. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  await writeInExistingFolder(path, data);
}

/** Writes a value as pretty-printed JSON (plus a final newline), atomically. */
export function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  return writeFileAtomic(path, JSON.stringify(value, null, 2) + "\n");
}
