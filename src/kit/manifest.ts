/**
 * The GPU kit's `manifest.json`: what the kit holds and what it was built
 * from (the suite's commit, the Deno binary's SHA-256, the Vulkan loader's
 * and the wheels' pins, the data), so that the GPU machine's results name the code that made them.
 *
 * @module
 */
import { join } from "node:path";
import type { SubsetManifest } from "../data/subset.ts";

/** The kit's manifest file name. */
export const KIT_MANIFEST = "manifest.json";

/** What `manifest.json` records. */
export interface KitManifest {
  /** Identifies the file. */
  kind: "fmnist-bench-gpu-kit";
  /** ISO time the kit was built. */
  createdAt: string;
  /** The suite's commit (`git rev-parse HEAD`, `-dirty` with changes), or null outside git. */
  gitCommit: string | null;
  /** The Deno binary: its version, the compressed file and both SHA-256s. */
  deno: { version: string; file: string; sha256: string; xzSha256: string; bytes: number };
  /**
   * The Vulkan loader `run.sh` uses where the machine has none: Debian's
   * package it came from (name, version, file, SHA-256) and the library as
   * carried (its path in the kit, SHA-256 and bytes).
   */
  vulkan: {
    package: string;
    version: string;
    deb: string;
    debSha256: string;
    file: string;
    sha256: string;
    bytes: number;
  };
  /** The wheels, as pinned. */
  wheels: { file: string; sha256: string }[];
  /** The data, in words. */
  data: string;
  /** The data's subset manifest (what `data/subset.json` holds). */
  subset: SubsetManifest;
  /** The npm packages bundled, `name@version`. */
  packages: string[];
  /** Every file of the kit and its size in bytes, the manifest itself aside. */
  files: Record<string, number>;
}

/**
 * Reads a kit's manifest.
 *
 * @throws {Error} When the kit has none or it is not a kit's: `expected …, got …`.
 */
export async function readKitManifest(kitDir: string): Promise<KitManifest> {
  const path = join(kitDir, KIT_MANIFEST);
  let parsed: { kind?: unknown };
  try {
    parsed = JSON.parse(await Deno.readTextFile(path));
  } catch (err) {
    throw new Error(`${path}: expected the kit's manifest, but ${(err as Error).message}`);
  }
  if (parsed?.kind !== "fmnist-bench-gpu-kit") {
    throw new Error(
      `${path}: expected kind "fmnist-bench-gpu-kit", got ${JSON.stringify(parsed?.kind)}`,
    );
  }
  return parsed as KitManifest;
}
