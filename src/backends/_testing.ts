/**
 * Helpers for the backends module's tests. Not part of the public API.
 *
 * @module
 */

/** Runs `fn` with a new temporary folder, removed afterwards. */
export async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "fmnist-setup-test-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
