/**
 * The GPU kit's size limit: every file together at most 64 MiB, what the
 * GPU machine takes in.
 *
 * @module
 */

/** The most bytes a kit may hold, all files together: 64 MiB. */
export const KIT_SIZE_LIMIT = 64 * 1024 * 1024;

/** Bytes in words: `30.7 MB (30,744,272 bytes)`. */
export function formatBytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB (${bytes.toLocaleString("en-US")} bytes)`;
}

/**
 * A one-line refusal when `bytes` is over the limit, else `undefined`.
 *
 * @param what What was measured, e.g. `the kit would hold`.
 */
export function kitSizeProblem(bytes: number, what = "the kit would hold"): string | undefined {
  if (bytes <= KIT_SIZE_LIMIT) return undefined;
  return `${what} ${formatBytes(bytes)}, over the limit of 64 MiB ` +
    `(${KIT_SIZE_LIMIT.toLocaleString("en-US")} bytes); make it smaller: a smaller Deno binary ` +
    `(--deno PATH) or fewer files in the kit`;
}
