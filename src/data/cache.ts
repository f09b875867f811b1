/**
 * The decoded cache: after the first load, the decompressed bytes of each file
 * are kept in `<cacheDir>/fashion-mnist/`, so later loads read raw bytes and
 * skip gunzip (and the network). Beside them, `manifest.json` records the
 * size, SHA-256 and modification time of each file, written last and
 * atomically, once the file is in place.
 *
 * Integrity check. By default (`"sha256"`) every load re-hashes each cached
 * file in full, after a free size check against the manifest. On a CPU with
 * SHA extensions, node:crypto hashes the files in less time than it takes to
 * read them, and the check catches what size + mtime cannot (bit rot, a
 * same-size edit, a copy that kept its times). `"size-mtime"` trusts a file
 * whose size and modification time still match the manifest entry written
 * when it was verified, at no cost: for CPUs without SHA extensions, where
 * hashing is several times slower. Either way a file that fails is deleted
 * and re-derived from the next source, never used. `deno task data` prints
 * the load time with either check.
 *
 * {@link readFileFully} is the whole-file read the dataset's files go through.
 *
 * @module
 */
import { UsageError } from "../_util/usage_error.ts";
import { join } from "node:path";
import { type Checksums, FULL_CHECKSUMS } from "./checksums.ts";
import { unlessNotFound, writeFileAtomic, writeJsonAtomic } from "../_util/fs.ts";
import { sha256Hex } from "../_util/hash.ts";

/** How a cached file is checked; see the module doc. */
export type CacheCheck = "sha256" | "size-mtime";

/** The folder the decoded cache of the full dataset lives in, inside the cache folder. */
export const CACHE_SUBDIR = "fashion-mnist";
/** The manifest's file name inside the decoded cache's folder. */
export const CACHE_MANIFEST = "manifest.json";
/** Temporary files older than this are left over from a killed process, and removed. */
const STALE_TEMPORARY_MS = 10 * 60 * 1000;

/** The environment values {@link defaultCacheDir} needs; the caller reads them. */
export interface CacheDirInputs {
  /** `$XDG_CACHE_HOME`, if set. Ignored unless an absolute path (as the XDG spec says). */
  xdgCacheHome?: string;
  /** `$HOME`, if set. */
  home?: string;
}

/**
 * The suite's cache folder: `$XDG_CACHE_HOME/fmnist-bench`, else
 * `$HOME/.cache/fmnist-bench`. Pure: takes the values, reads no environment.
 *
 * @throws {UsageError} When neither value is usable, saying what to set (a
 *   user's setting, reported as one line).
 */
export function defaultCacheDir(inputs: CacheDirInputs): string {
  const { xdgCacheHome, home } = inputs;
  if (xdgCacheHome && xdgCacheHome.startsWith("/")) return join(xdgCacheHome, "fmnist-bench");
  if (home) return join(home, ".cache", "fmnist-bench");
  const xdg = xdgCacheHome ? `XDG_CACHE_HOME=${JSON.stringify(xdgCacheHome)} and ` : "";
  throw new UsageError(
    `cache folder: expected XDG_CACHE_HOME (an absolute path) or HOME, got ${xdg}no HOME; ` +
      "set one of them, or name a cache folder",
  );
}

/**
 * The decoded cache's folder for a dataset: `<cacheDir>/fashion-mnist` for
 * the full dataset, `<cacheDir>/fashion-mnist-<12 hex>` for any other set of
 * checksums (such as the fixtures), so that different data never overwrite
 * each other.
 */
export function decodedCacheDir(cacheDir: string, checksums: Checksums = FULL_CHECKSUMS): string {
  const roles = Object.keys(FULL_CHECKSUMS) as (keyof Checksums)[];
  if (roles.every((r) => checksums[r] === FULL_CHECKSUMS[r])) return join(cacheDir, CACHE_SUBDIR);
  const key = sha256Hex(new TextEncoder().encode(roles.map((r) => checksums[r]).join("\n")));
  return join(cacheDir, `${CACHE_SUBDIR}-${key.slice(0, 12)}`);
}

/** What the manifest records about one cached file when it was verified. */
interface ManifestEntry {
  size: number;
  sha256: string;
  mtimeMs: number;
}

interface Manifest {
  version: 1;
  files: Record<string, ManifestEntry>;
}

function isManifest(value: unknown): value is Manifest {
  return typeof value === "object" && value !== null && (value as Manifest).version === 1 &&
    typeof (value as Manifest).files === "object" && (value as Manifest).files !== null;
}

/** The outcome of {@link DecodedCache.lookup}. */
export type CacheLookup =
  | {
    /** A good copy. */
    status: "hit";
    path: string;
    /** The decompressed bytes. */
    bytes: Uint8Array;
    /** How it was checked. */
    verified: CacheCheck;
    /** Its SHA-256 (computed, or the manifest's under `"size-mtime"`). */
    sha256: string;
  }
  | {
    /** No copy. */
    status: "miss";
    path: string;
  }
  | {
    /** A copy that failed its check; it was deleted. */
    status: "bad";
    path: string;
    /** Names the file, expected and got, and what happened to it. */
    problem: string;
  };

/** The decoded cache in one folder. Open it with {@link DecodedCache.open}. */
export class DecodedCache {
  #manifest: Manifest;

  private constructor(
    /** The folder, e.g. `~/.cache/fmnist-bench/fashion-mnist`. */
    readonly dir: string,
    manifest: Manifest,
  ) {
    this.#manifest = manifest;
  }

  /**
   * Opens the cache in `dir` (which need not exist yet), reading its manifest;
   * a missing or unreadable manifest counts as empty (every file then gets a
   * full check).
   */
  static async open(dir: string): Promise<DecodedCache> {
    let manifest: Manifest = { version: 1, files: {} };
    try {
      const parsed: unknown = JSON.parse(await Deno.readTextFile(join(dir, CACHE_MANIFEST)));
      if (isManifest(parsed)) manifest = parsed;
    } catch {
      // none yet, or damaged: start empty
    }
    return new DecodedCache(dir, manifest);
  }

  /**
   * Looks for a good cached copy of `name` whose SHA-256 is `expected`. A copy
   * that fails its check is deleted (and dropped from the manifest).
   */
  async lookup(name: string, expected: string, check: CacheCheck): Promise<CacheLookup> {
    const path = join(this.dir, name);
    const stat = await unlessNotFound(() => Deno.stat(path));
    if (!stat) return { status: "miss", path };
    const entry = this.#manifest.files[name];
    const vouched = entry !== undefined && entry.sha256 === expected;
    if (vouched && entry.size !== stat.size) {
      const finding = `expected ${entry.size} bytes (as when it was verified), got ${stat.size}`;
      return await this.#drop(name, path, finding);
    }
    const bytes = await readFileFully(path);
    if (
      check === "size-mtime" && vouched && entry.mtimeMs === stat.mtime?.getTime() &&
      bytes.length === entry.size
    ) {
      return { status: "hit", path, bytes, verified: "size-mtime", sha256: expected };
    }
    const got = sha256Hex(bytes);
    if (got !== expected) {
      return await this.#drop(name, path, `expected SHA-256 ${expected}, got ${got}`);
    }
    const mtimeMs = stat.mtime?.getTime() ?? 0;
    if (!vouched || entry.mtimeMs !== mtimeMs) {
      // Record the verification so a "size-mtime" check can trust it next time.
      this.#manifest.files[name] = { size: bytes.length, sha256: got, mtimeMs };
      await this.#saveManifest().catch(() => {}); // best effort: the file itself is good
    }
    return { status: "hit", path, bytes, verified: "sha256", sha256: got };
  }

  /**
   * Stores verified decompressed bytes as `name` (atomically), then records
   * them in the manifest (also atomically, last).
   *
   * @returns The cached file's path.
   */
  async store(name: string, bytes: Uint8Array, sha256: string): Promise<string> {
    await Deno.mkdir(this.dir, { recursive: true });
    await this.#removeStaleTemporaries();
    const path = join(this.dir, name);
    await writeFileAtomic(path, bytes);
    const mtimeMs = (await Deno.stat(path)).mtime?.getTime() ?? 0;
    this.#manifest.files[name] = { size: bytes.length, sha256, mtimeMs };
    await this.#saveManifest();
    return path;
  }

  async #drop(name: string, path: string, finding: string): Promise<CacheLookup> {
    let fate = "deleted it";
    try {
      await Deno.remove(path);
    } catch (err) {
      fate = `could not delete it (${(err as Error).message})`;
    }
    if (name in this.#manifest.files) {
      delete this.#manifest.files[name];
      await this.#saveManifest().catch(() => {});
    }
    const problem = `${path}: cached copy refused: ${finding}; ${fate}, taking the next source`;
    return { status: "bad", path, problem };
  }

  #saveManifest(): Promise<void> {
    return writeJsonAtomic(join(this.dir, CACHE_MANIFEST), this.#manifest);
  }

  /** Removes `.*.tmp` files that a killed process left behind (none are live this long). */
  async #removeStaleTemporaries(): Promise<void> {
    const now = Date.now();
    for await (const entry of Deno.readDir(this.dir)) {
      if (!entry.isFile || !/^\..+\.tmp$/.test(entry.name)) continue;
      const path = join(this.dir, entry.name);
      const stat = await Deno.stat(path).catch(() => undefined);
      if (stat?.mtime && now - stat.mtime.getTime() > STALE_TEMPORARY_MS) {
        await Deno.remove(path).catch(() => {});
      }
    }
  }
}

/**
 * Reads a whole file into one buffer sized from `stat`, with no growing and
 * copying (measured ~20% faster than `Deno.readFile` for the 47 MB training
 * images). A file that changes size while it is read is still read whole.
 *
 * @throws {Deno.errors.NotFound} When the file does not exist (and the other
 *   `Deno.open` errors).
 */
export async function readFileFully(path: string): Promise<Uint8Array> {
  using file = await Deno.open(path, { read: true });
  const { size } = await file.stat();
  let buffer = new Uint8Array(size);
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      // Full: done, unless the file grew since stat (rare); then grow and go on.
      const probe = new Uint8Array(64 * 1024);
      const n = await file.read(probe);
      if (n === null) return buffer;
      const grown = new Uint8Array(Math.max(2 * buffer.length, length + n));
      grown.set(buffer.subarray(0, length));
      grown.set(probe.subarray(0, n), length);
      buffer = grown;
      length += n;
      continue;
    }
    const n = await file.read(buffer.subarray(length));
    if (n === null) return buffer.subarray(0, length);
    length += n;
  }
}
