/**
 * Helpers the tests share. Not part of the public API.
 *
 * @module
 */

/** Runs `fn` with a new temporary folder, removed afterwards whatever `fn` does. */
export async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "fmnist-bench-test-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
