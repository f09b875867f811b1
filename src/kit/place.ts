/**
 * What a run of the GPU kit is asked for (its checked flags) and where it
 * runs: from the kit's bundle on the GPU machine, or from the repository.
 *
 * @module
 */
import { hostname } from "node:os";
import { dirname, join, resolve } from "node:path";
import { exists } from "../_util/fs.ts";
import { UsageError } from "../_util/usage_error.ts";
import type { KerasBackend } from "../peer/keras.ts";
import { type KitManifest, readKitManifest } from "./manifest.ts";

/** What the kit's run measures, as its flags ask (checked). */
export interface KitOptions {
  /** The name recorded for this machine (default: the hostname). */
  machine?: string;
  kerasBackend: "auto" | KerasBackend;
  /** The Python that runs Keras. */
  python: string;
  models: string[];
  epochs: number;
  /** One framework's pair only. */
  only?: "tfjs" | "keras";
  /** Tiny sizes on whatever is here. */
  dryRun: boolean;
  /** The TF.js GPU side's backend: `cpu` (pure JS) only in a dry run. */
  backend: "webgpu" | "cpu";
  /** The results folder (default: `results/<machine>-<timestamp>` in the kit). */
  out?: string;
  /** The data (default: the kit's, or in the repository the fixture split). */
  dataDir?: string;
  /** The whole run's time. */
  budgetSeconds: number;
}

/** Where the kit runs from and writes to. */
export interface KitPlace {
  /** The program's own path. */
  self: string;
  /** Run from the kit's bundle (else from the repository). */
  bundled: boolean;
  /** The kit's root, or the repository's. */
  root: string;
  /** The kit's manifest, in a built kit. */
  manifest?: KitManifest;
  /** The results folder. */
  outDir: string;
}

/** Whether the program at `self` is the kit's bundle (else a file of the repository). */
export function isKitBundle(self: string): boolean {
  return self.endsWith(".js");
}

/**
 * Finds the kit's root (or the repository's) from the program's path, and
 * the results folder: `--out`, else `defaultOut` under the root.
 *
 * @param defaultOut The default results folder, relative to the root.
 * @throws {UsageError} When the results folder is not empty.
 */
export async function kitPlace(
  self: string,
  options: KitOptions,
  defaultOut: (machine: string) => string,
): Promise<KitPlace> {
  const bundled = isKitBundle(self);
  // The kit's root holds app/src/cli/<bundle>; the repository's holds src/cli/<the program>.
  const root = bundled ? resolve(dirname(self), "../../..") : resolve(dirname(self), "../..");
  const manifest = bundled ? await readKitManifest(root) : undefined;
  const outDir = resolve(options.out ?? join(root, defaultOut(options.machine ?? hostname())));
  if (await exists(outDir) && (await Array.fromAsync(Deno.readDir(outDir))).length > 0) {
    throw new UsageError(`--out ${outDir}: expected an empty or new folder; pick another`);
  }
  return { self, bundled, root, manifest, outDir };
}
