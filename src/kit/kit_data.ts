/**
 * The data the GPU kit carries: a class-stratified subset of Fashion-MNIST
 * large enough that a GPU epoch is not mostly per-batch overhead (30,000
 * training images, 3,000 per class, and the whole 10,000-image test split),
 * each IDX file compressed with `xz -9` and named with the SHA-256 of both
 * its compressed and its decompressed bytes. `run.sh` checks both while it
 * unpacks them into `work/data/`, with the subset's `subset.json`, and the
 * loader checks the decompressed files again against that manifest; results
 * record it as data source kind `"subset"`.
 *
 * @module
 */
import { join } from "node:path";
import { exists, temporaryPath, writeFileAtomic } from "../_util/fs.ts";
import { sha256File, sha256Hex } from "../_util/hash.ts";
import { FILE_NAMES, FILE_ROLES, type FileRole } from "../data/checksums.ts";
import { loadFashionMnist } from "../data/load.ts";
import { makeSubset, type SubsetManifest, type SubsetSpec } from "../data/subset.ts";
import { xzCompress } from "./xz.ts";

/** The subset the kit carries. */
export const KIT_DATA_SPEC: Readonly<Required<SubsetSpec>> = Object.freeze({
  trainPerClass: 3000,
  testPerClass: 1000,
  seed: 42,
});

/** The kit's folder for its compressed data, and where `run.sh` unpacks it. */
export const KIT_DATA_DIR = "data";
/** Where `run.sh` unpacks the data, relative to the kit. */
export const KIT_DATA_UNPACKED = "work/data";

/** One compressed file of the kit's data. */
export interface KitDataFile {
  /** Its role. */
  role: FileRole;
  /** The compressed file in the cache. */
  path: string;
  /** Its path in the kit, e.g. `data/train-images-idx3-ubyte.xz`. */
  file: string;
  /** The decompressed file's name, e.g. `train-images-idx3-ubyte`. */
  name: string;
  /** SHA-256 of the compressed file. */
  xzSha256: string;
  /** SHA-256 of the decompressed file (the subset manifest's). */
  sha256: string;
}

/** The kit's data: its files and its manifest. */
export interface KitData {
  /** The four compressed files, in load order. */
  files: KitDataFile[];
  /** The subset's manifest, written as `data/subset.json`. */
  manifest: SubsetManifest;
}

/** Options of {@link kitData}. */
export interface KitDataOptions {
  /** The suite's cache folder: the official data's decoded cache, and `kit/` for the compressed subset. */
  cacheDir: string;
  /** A folder holding the official files, tried first. Default: none (cache, system copy, download). */
  dataDir?: string;
  /** The subset to carry. Default {@link KIT_DATA_SPEC}. */
  spec?: SubsetSpec;
  /** Progress lines. Default: none. */
  log?: (line: string) => void;
}

/**
 * The kit's data, compressed, from the cache when it holds the same subset
 * (named by the SHA-256 of its manifest).
 *
 * @throws {DatasetError} When the official data cannot be loaded.
 * @throws {SetupError} When `xz` is missing or fails.
 */
export async function kitData(options: KitDataOptions): Promise<KitData> {
  const { log = () => {} } = options;
  const data = await loadFashionMnist({ dir: options.dataDir, cacheDir: options.cacheDir });
  const subset = makeSubset(data, options.spec ?? KIT_DATA_SPEC);
  const id = sha256Hex(JSON.stringify(subset.manifest)).slice(0, 16);
  const dir = join(options.cacheDir, "kit", `data-${id}`);
  const files: KitDataFile[] = [];
  for (const role of FILE_ROLES) {
    const name = FILE_NAMES[role];
    const path = join(dir, `${name}.xz`);
    if (!(await exists(path))) {
      log(`compressing ${name} of the kit's data with xz -9 (once)`);
      const raw = temporaryPath(join(dir, name));
      try {
        await writeFileAtomic(raw, subset.files[role]);
        await xzCompress(raw, path, { preset: "9", what: "the kit's data" });
      } finally {
        await Deno.remove(raw).catch(() => {});
      }
    }
    files.push({
      role,
      path,
      file: `${KIT_DATA_DIR}/${name}.xz`,
      name,
      xzSha256: await sha256File(path),
      sha256: subset.manifest.sha256[role],
    });
  }
  return { files, manifest: subset.manifest };
}
