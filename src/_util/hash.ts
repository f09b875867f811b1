/**
 * SHA-256 as lowercase hex, through node:crypto (which uses the CPU's SHA
 * extensions where present): of bytes or text in memory, or of a file,
 * streamed.
 *
 * @module
 */
import { createHash } from "node:crypto";

/** SHA-256 of `data` (a string is hashed as UTF-8), as lowercase hex. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** SHA-256 of a file, streamed, as lowercase hex. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  using file = await Deno.open(path);
  for await (const chunk of file.readable) hash.update(chunk);
  return hash.digest("hex");
}
