/**
 * Restores the `node:util` helpers that tfjs-node 4.22 calls and that newer
 * runtimes removed (tfjs issue 8609: `util.isNullOrUndefined is not a
 * function` under Deno 2.9). Must run before tfjs-node is imported.
 *
 * @module
 */
import util from "node:util";

/**
 * Defines `util.isNullOrUndefined` and `util.isArray` where the runtime lacks
 * them. Idempotent; existing functions are left alone.
 */
export function installNodeUtilShim(): void {
  const u = util as unknown as Record<string, unknown>;
  u.isNullOrUndefined ??= (v: unknown): boolean => v === null || v === undefined;
  u.isArray ??= Array.isArray;
}
