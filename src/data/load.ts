/**
 * Finding, verifying, caching and parsing Fashion-MNIST.
 *
 * Each of the four files is taken from the first of these places that has a
 * good copy: (a) a folder the caller names, (b) the decoded cache, (c) the
 * system copy from Debian's `dataset-fashion-mnist`, (d) a download into the
 * cache. Every copy is checked against the SHA-256 of its decompressed bytes
 * before it is used; a copy that fails is refused and reported, never used.
 *
 * After a load from anywhere but the cache, the decompressed bytes are kept
 * in the cache (atomically), so the next load reads raw bytes and skips gunzip.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { gunzipSync } from "node:zlib";
import { DatasetError } from "./errors.ts";
import { downloadFile, type DownloadOptions } from "./download.ts";
import {
  type Checksums,
  FILE_NAMES,
  FILE_ROLES,
  type FileRole,
  FULL_CHECKSUMS,
  OFFICIAL_BASE_URLS,
  SYSTEM_DIR,
} from "./files.ts";
import { parseIdxImages, parseIdxLabels } from "./idx.ts";
import type { DataSplit } from "./split.ts";

/** Where one file came from. */
export type SourceKind = "dir" | "cache" | "system" | "download";

/** How one file was obtained. */
export interface FileSource {
  /** The file's role. */
  role: FileRole;
  /** Where it came from. */
  kind: SourceKind;
  /** The path read. */
  path: string;
  /** Whether it had to be gunzipped. */
  gunzipped: boolean;
  /**
   * How its integrity was established: `"sha256"` (full checksum of the
   * decompressed bytes) or `"cache-manifest"` (a decoded-cache copy whose size
   * and modification time match the manifest written when it was verified).
   */
  verified: "sha256" | "cache-manifest";
}

/** The loaded dataset. */
export interface FashionMnist {
  /** The training split (60,000 images in the full dataset). */
  train: DataSplit;
  /** The test split (10,000 images in the full dataset). */
  test: DataSplit;
  /** How each file was obtained, in {@link FILE_ROLES} order. */
  files: FileSource[];
  /** One line saying where the data came from, for results. */
  description: string;
}

/** Options for {@link loadFashionMnist}. */
export interface LoadOptions {
  /** (a) A folder holding the files (`<name>` or `<name>.gz`). Default: none. */
  dir?: string;
  /**
   * (b) The cache folder; the decoded cache and downloads live in its
   * `fashion-mnist/` subfolder. Default: none (no cache is read or written).
   */
  cacheDir?: string;
  /** (c) The system copy. Default {@link SYSTEM_DIR}; `null` skips it. */
  systemDir?: string | null;
  /**
   * (d) Base URLs to download `<name>.gz` from, tried in order, or `false` for
   * no download. Default {@link OFFICIAL_BASE_URLS}.
   */
  baseUrls?: readonly string[] | false;
  /** Download settings (timeout, retries, progress). */
  download?: Omit<DownloadOptions, "onProgress"> & {
    /** Progress of one file's download. */
    onProgress?: (role: FileRole, received: number, total: number | undefined) => void;
  };
  /** Expected SHA-256 of each decompressed file. Default {@link FULL_CHECKSUMS}. */
  checksums?: Checksums;
}

/** The decoded cache's manifest: what was verified, and the file it was verified as. */
interface Manifest {
  [name: string]: { sha256: string; size: number; mtimeMs: number };
}

const CACHE_SUBDIR = "fashion-mnist";
const MANIFEST = "manifest.json";

/** gunzip into a plain Uint8Array (node's Buffer subclass compares unequal to one). */
function gunzip(bytes: Uint8Array): Uint8Array {
  const out = gunzipSync(bytes);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** SHA-256 of bytes, as lowercase hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Reads `<dir>/<name>` or `<dir>/<name>.gz`; `undefined` when neither exists. */
async function readEither(
  dir: string,
  name: string,
): Promise<{ path: string; bytes: Uint8Array; gunzipped: boolean } | undefined> {
  for (const [file, gz] of [[name, false], [`${name}.gz`, true]] as const) {
    const path = join(dir, file);
    let raw: Uint8Array;
    try {
      raw = await Deno.readFile(path);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) continue;
      throw err;
    }
    if (!gz) return { path, bytes: raw, gunzipped: false };
    try {
      return { path, bytes: gunzip(raw), gunzipped: true };
    } catch (err) {
      throw new DatasetError(
        `${path}: expected a gzip file, but it does not decompress (${(err as Error).message}); ` +
          `delete it or replace it with a good copy`,
      );
    }
  }
  return undefined;
}

function mismatch(path: string, expected: string, got: string, fix: string): DatasetError {
  return new DatasetError(`${path}: expected SHA-256 ${expected}, got ${got}; ${fix}`);
}

async function readManifest(dir: string): Promise<Manifest> {
  try {
    return JSON.parse(await Deno.readTextFile(join(dir, MANIFEST)));
  } catch {
    return {}; // no manifest, or an unreadable one: every cached file gets a full check
  }
}

async function writeAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.${crypto.randomUUID()}.tmp`;
  try {
    if (typeof data === "string") await Deno.writeTextFile(tmp, data);
    else await Deno.writeFile(tmp, data);
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
}

/**
 * Loads Fashion-MNIST from the first place that has good copies; see the
 * module doc for the order.
 *
 * @throws {DatasetError} When a file in `dir` or a download fails its checks
 *   (naming the file, expected and got), or when no place has the file (listing
 *   the places looked and the three fixes).
 */
export async function loadFashionMnist(options: LoadOptions = {}): Promise<FashionMnist> {
  const checksums = options.checksums ?? FULL_CHECKSUMS;
  const systemDir = options.systemDir === undefined ? SYSTEM_DIR : options.systemDir;
  const baseUrls = options.baseUrls === undefined ? OFFICIAL_BASE_URLS : options.baseUrls;
  const cache = options.cacheDir ? join(options.cacheDir, CACHE_SUBDIR) : undefined;
  const manifest = cache ? await readManifest(cache) : {};
  const saveManifest = () => writeAtomic(join(cache!, MANIFEST), JSON.stringify(manifest, null, 2));

  const bytes = {} as Record<FileRole, Uint8Array>;
  const files: FileSource[] = [];
  for (const role of FILE_ROLES) {
    const name = FILE_NAMES[role];
    const expected = checksums[role];
    const looked: string[] = [];
    const problems: string[] = [];
    let found: { bytes: Uint8Array; source: FileSource } | undefined;

    // (a) the caller's folder: a bad copy there is an error, since it was asked for.
    if (options.dir) {
      looked.push(`${options.dir} (--dir)`);
      const got = await readEither(options.dir, name);
      if (got) {
        const sha = sha256Hex(got.bytes);
        if (sha !== expected) {
          throw mismatch(got.path, expected, sha, "replace it with a good copy");
        }
        found = {
          bytes: got.bytes,
          source: {
            role,
            kind: "dir",
            path: got.path,
            gunzipped: got.gunzipped,
            verified: "sha256",
          },
        };
      }
    }

    // (b) the decoded cache: a bad copy is dropped and the next place is tried.
    if (!found && cache) {
      looked.push(`${cache} (cache)`);
      const path = join(cache, name);
      const stat = await Deno.stat(path).catch(() => undefined);
      if (stat) {
        const raw = await Deno.readFile(path);
        const entry = manifest[name];
        const trusted = entry !== undefined && entry.sha256 === expected &&
          entry.size === raw.length &&
          entry.mtimeMs === stat.mtime?.getTime();
        if (trusted) {
          found = {
            bytes: raw,
            source: { role, kind: "cache", path, gunzipped: false, verified: "cache-manifest" },
          };
        } else if (sha256Hex(raw) === expected) {
          manifest[name] = {
            sha256: expected,
            size: raw.length,
            mtimeMs: stat.mtime?.getTime() ?? 0,
          };
          await saveManifest();
          found = {
            bytes: raw,
            source: { role, kind: "cache", path, gunzipped: false, verified: "sha256" },
          };
        } else {
          problems.push(`${path}: cached copy failed its SHA-256 check and was deleted`);
          await Deno.remove(path);
          delete manifest[name];
          await saveManifest();
        }
      }
    }

    // (c) the system copy.
    if (!found && systemDir) {
      looked.push(`${systemDir} (Debian package dataset-fashion-mnist)`);
      const got = await readEither(systemDir, name).catch((err: Error) => {
        problems.push(err.message);
        return undefined;
      });
      if (got) {
        const sha = sha256Hex(got.bytes);
        if (sha === expected) {
          found = {
            bytes: got.bytes,
            source: {
              role,
              kind: "system",
              path: got.path,
              gunzipped: got.gunzipped,
              verified: "sha256",
            },
          };
        } else {
          problems.push(
            mismatch(got.path, expected, sha, "not used (reinstall the package)").message,
          );
        }
      }
    }

    // (d) download into the cache (or a temporary folder without one).
    if (!found && baseUrls && baseUrls.length > 0) {
      const target = cache ?? (await Deno.makeTempDir({ prefix: "fmnist-download-" }));
      try {
        for (const base of baseUrls) {
          const url = `${base}${name}.gz`;
          looked.push(url);
          const path = join(target, `${name}.gz`);
          try {
            await downloadFile(url, path, {
              ...options.download,
              onProgress: options.download?.onProgress &&
                ((r, t) => options.download!.onProgress!(role, r, t)),
            });
          } catch (err) {
            problems.push((err as Error).message);
            continue;
          }
          let raw: Uint8Array;
          try {
            raw = gunzip(await Deno.readFile(path));
          } catch (err) {
            await Deno.remove(path);
            problems.push(
              `${url}: the download does not decompress (${(err as Error).message}); deleted`,
            );
            continue;
          }
          const sha = sha256Hex(raw);
          if (sha !== expected) {
            await Deno.remove(path);
            throw mismatch(
              url,
              expected,
              sha,
              "the download was deleted; try again, or use another source",
            );
          }
          await Deno.remove(path); // the decoded copy below replaces it
          found = {
            bytes: raw,
            source: { role, kind: "download", path: url, gunzipped: true, verified: "sha256" },
          };
          break;
        }
      } finally {
        if (!cache) await Deno.remove(target, { recursive: true });
      }
    }

    if (!found) {
      throw new DatasetError(
        `Fashion-MNIST file ${name} not found. Looked in: ${looked.join("; ")}.` +
          (problems.length ? ` Problems: ${problems.join("; ")}.` : "") +
          " Fix: install Debian's package (apt-get install dataset-fashion-mnist), " +
          "or name a folder holding the files (--data-dir DIR), or go online so they can be downloaded.",
      );
    }

    // Keep the decompressed bytes in the cache so the next load skips gunzip and the network.
    if (cache && found.source.kind !== "cache") {
      await Deno.mkdir(cache, { recursive: true });
      const path = join(cache, name);
      await writeAtomic(path, found.bytes);
      const stat = await Deno.stat(path);
      manifest[name] = {
        sha256: expected,
        size: found.bytes.length,
        mtimeMs: stat.mtime?.getTime() ?? 0,
      };
      await saveManifest();
    }
    bytes[role] = found.bytes;
    files.push(found.source);
  }

  const source = (role: FileRole) => files.find((f) => f.role === role)!.path;
  const split = (images: FileRole, labels: FileRole): DataSplit => {
    const img = parseIdxImages(bytes[images], source(images));
    const lab = parseIdxLabels(bytes[labels], source(labels));
    if (img.count !== lab.length) {
      throw new DatasetError(
        `${source(labels)}: expected ${img.count} labels to match ${
          source(images)
        }, got ${lab.length}`,
      );
    }
    return { images: img.pixels, labels: lab, count: img.count };
  };
  const kinds = [...new Set(files.map((f) => f.kind))];
  return {
    train: split("trainImages", "trainLabels"),
    test: split("testImages", "testLabels"),
    files,
    description: kinds.map((k) => {
      const places = new Set(files.filter((f) => f.kind === k).map((f) => dirname(f.path)));
      return `${k}: ${[...places].join(", ")}`;
    }).join("; "),
  };
}
