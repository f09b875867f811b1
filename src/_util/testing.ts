/**
 * Helpers the tests share. Not part of the public API.
 *
 * @module
 */
import { join } from "node:path";

/** Runs `fn` with a new temporary folder, removed afterwards whatever `fn` does. */
export async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "fmnist-bench-test-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Every path under `dir`, relative to it, sorted: what a test expects a command to leave behind. */
export async function listTree(dir: string): Promise<string[]> {
  const names: string[] = [];
  const walk = async (d: string) => {
    for await (const e of Deno.readDir(join(dir, d))) {
      names.push(join(d, e.name));
      if (e.isDirectory) await walk(join(d, e.name));
    }
  };
  await walk("");
  return names.sort();
}
