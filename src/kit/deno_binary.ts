/**
 * The Deno binary the GPU kit carries, compressed with `xz -6` (about a third
 * of its size) and cached by the SHA-256 of the binary, so that building a
 * kit again takes no new compression.
 *
 * @module
 */
import { join } from "node:path";
import { exists, temporaryPath } from "../_util/fs.ts";
import { sha256File } from "../_util/hash.ts";
import { xzCompress } from "./xz.ts";

/** A compressed Deno binary. */
export interface CompressedDeno {
  /** The `.xz` file in the cache. */
  path: string;
  /** Its size in bytes. */
  bytes: number;
  /** SHA-256 of the `.xz` file. */
  xzSha256: string;
  /** SHA-256 of the binary it decompresses to. */
  sha256: string;
  /** The binary's size in bytes. */
  rawBytes: number;
}

/** Options of {@link compressedDeno}. */
export interface CompressedDenoOptions {
  /** The Deno binary (the real file, links resolved). */
  denoPath: string;
  /** The suite's cache folder; the file goes to its `kit/`. */
  cacheDir: string;
  /** Progress lines. Default: none. */
  log?: (line: string) => void;
}

/**
 * The binary compressed with `xz -6`, from the cache when it holds one made
 * from a binary with the same SHA-256.
 *
 * @throws {SetupError} When `xz` is missing or fails.
 */
export async function compressedDeno(options: CompressedDenoOptions): Promise<CompressedDeno> {
  const { denoPath, log = () => {} } = options;
  const sha256 = await sha256File(denoPath);
  const rawBytes = (await Deno.stat(denoPath)).size;
  const path = join(options.cacheDir, "kit", `deno-${sha256}.xz`);
  if (!(await exists(path))) {
    log(`compressing ${denoPath} with xz -6 (about a minute, once)`);
    await Deno.mkdir(join(options.cacheDir, "kit"), { recursive: true });
    const tmp = temporaryPath(path);
    try {
      await xzCompress(denoPath, tmp, { what: "Deno" });
      await Deno.rename(tmp, path);
    } finally {
      await Deno.remove(tmp).catch(() => {});
    }
  }
  return {
    path,
    bytes: (await Deno.stat(path)).size,
    xzSha256: await sha256File(path),
    sha256,
    rawBytes,
  };
}
