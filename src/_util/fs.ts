/**
 * File-system helpers shared by every part of the suite: existence checks
 * and the one atomic writer that caches, results, reports and checkpoints
 * use.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";

/**
 * Whether anything exists at `path`. False where nothing is there, or where a
 * folder on the way is a file; other errors (no permission) are thrown.
 */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory) {
      return false;
    }
    throw err;
  }
}

/** What `read` gives, or `undefined` where it fails because nothing is at its path. */
export async function unlessNotFound<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

/** Whether `path` is a file (following links); false where it cannot be read. */
export async function isFile(path: string): Promise<boolean> {
  return (await Deno.stat(path).catch(() => undefined))?.isFile ?? false;
}

/** Whether `path` is a folder (following links); false where it cannot be read. */
export async function isDirectory(path: string): Promise<boolean> {
  return (await Deno.stat(path).catch(() => undefined))?.isDirectory ?? false;
}

/** The temporary name {@link writeFileAtomic} uses beside `path`: a dot file ending in `.tmp`. */
export function temporaryPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${crypto.randomUUID()}.tmp`);
}

/**
 * Writes `data` to `path` atomically, creating the parent folder: into a
 * temporary file in the same folder, then renamed over `path`, so a reader
 * sees the old file or the whole new one, never a part, even if the process
 * is killed mid-write. The temporary file is removed on failure.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const tmp = temporaryPath(path);
  try {
    if (typeof data === "string") await Deno.writeTextFile(tmp, data, { createNew: true });
    else await Deno.writeFile(tmp, data, { createNew: true });
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

/**
 * Reads and parses a JSON file.
 *
 * @returns `undefined` when the file does not exist.
 * @throws {TypeError} `PATH: not valid JSON (…)` for a file that does not parse.
 */
export async function readJsonIfExists(path: string): Promise<unknown> {
  const text = await unlessNotFound(() => Deno.readTextFile(path));
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new TypeError(`${path}: not valid JSON (${(err as Error).message})`);
  }
}
