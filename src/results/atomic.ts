/**
 * Atomic file writes: write a temporary file in the same folder, flush it,
 * then rename it over the target. A reader sees the old file or the new one,
 * never half of one, even if the process is killed mid-write.
 *
 * @module
 */
import { dirname, join } from "node:path";

/**
 * Writes `data` to `path` atomically, creating the parent folder.
 *
 * @throws {Error} With the path in the message when the folder cannot be written.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const dir = dirname(path);
  await Deno.mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${crypto.randomUUID()}.tmp`);
  try {
    const file = await Deno.open(tmp, { write: true, createNew: true });
    try {
      const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
      let written = 0;
      while (written < bytes.length) written += await file.write(bytes.subarray(written));
      await file.sync();
    } finally {
      file.close();
    }
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
}

/** Writes a value as pretty-printed JSON (plus a final newline), atomically. */
export function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  return writeFileAtomic(path, JSON.stringify(value, null, 2) + "\n");
}
