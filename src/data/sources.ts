/**
 * Where a dataset file comes from, in this order, the first good copy
 * winning: (a) a folder the caller names; (b) the decoded cache; (c) the
 * system copy from Debian's `dataset-fashion-mnist`; (d) a download from the
 * official addresses. Every copy is checked against the SHA-256 of its
 * decompressed bytes before it is used:
 *
 * - a bad copy in the named folder is an error (it was asked for by name);
 * - a bad cached copy is deleted, and a bad system copy or download is
 *   skipped; each is reported, never used, and the next place is tried.
 *
 * @module
 */
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { type CacheCheck, type DecodedCache, readFileFully } from "./cache.ts";
import { FILE_NAMES, type FileRole, OFFICIAL_BASE_URLS } from "./checksums.ts";
import { downloadBytes, type DownloadOptions } from "./download.ts";
import { DatasetError } from "./errors.ts";
import { idxProblem } from "./idx.ts";
import { sha256Hex } from "../_util/hash.ts";
import { unlessNotFound } from "../_util/fs.ts";

/** Where Debian's `dataset-fashion-mnist` package installs the four `.gz` files. */
export const SYSTEM_DIR = "/usr/share/datasets/fashion-mnist";

/** The fixture subset in this repository (`fixtures/fashion-mnist/`); see `FIXTURE_CHECKSUMS`. */
export const FIXTURE_DIR: string =
  new URL("../../fixtures/fashion-mnist", import.meta.url).pathname;

/** Where one file came from. */
export type SourceKind = "dir" | "cache" | "system" | "download";

/** How one file was obtained and checked. */
export interface FileSource {
  /** The file's role. */
  role: FileRole;
  /** The file's name, without `.gz`, e.g. `train-images-idx3-ubyte`. */
  name: string;
  /** Where it came from. */
  kind: SourceKind;
  /** The path read, or the URL downloaded. */
  path: string;
  /** Whether it had to be gunzipped. */
  gunzipped: boolean;
  /**
   * How its integrity was established: `"sha256"`, the SHA-256 of its
   * decompressed bytes was computed and matched; `"size-mtime"`, a cached copy
   * whose size and modification time match the manifest written when it was
   * last verified by SHA-256 (only with `cacheCheck: "size-mtime"`).
   */
  verified: CacheCheck;
  /** The SHA-256 of its decompressed bytes (lowercase hex). */
  sha256: string;
  /** Its decompressed size in bytes. */
  bytes: number;
}

/** Where {@link resolveFile} looks, in order, and how; every one has a default. */
export interface SourcePlaces {
  /**
   * (a) A folder holding the four files, each as `<name>` or `<name>.gz`;
   * tried first. It must exist, and a bad copy in it is an error. Default: none.
   */
  dir?: string;
  /** How (b) the decoded cache's files are checked (see `cache.ts`). Default `"sha256"`. */
  cacheCheck?: CacheCheck;
  /** (c) The system copy's folder; `null` skips it. Default {@link SYSTEM_DIR}. */
  systemDir?: string | null;
  /**
   * (d) Base URLs to download `<name>.gz` from, tried in order; `false` for
   * no download. Default {@link OFFICIAL_BASE_URLS}.
   */
  baseUrls?: readonly string[] | false;
  /** Download timeout, retries, backoff and per-file progress. Default: `downloadBytes`'s. */
  download?: Omit<DownloadOptions, "onProgress"> & {
    /** Progress of one file's download. */
    onProgress?: (role: FileRole, received: number, total: number | undefined) => void;
  };
}

/** The places, with (b) the decoded cache when there is one. */
type Places = SourcePlaces & { cache?: DecodedCache };

/** A good copy of one file. */
interface ResolvedFile {
  /** The decompressed bytes. */
  bytes: Uint8Array;
  /** Where they came from. */
  source: FileSource;
}

const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * The decompressed bytes: gunzipped when they start with the gzip magic, as
 * they are otherwise (a `.gz` name on a file someone already decompressed, or
 * a body that a server's Content-Encoding let fetch decode). The checksum
 * decides whether they are right either way.
 *
 * @throws {DatasetError} When gzip data does not decompress.
 */
export function decompress(raw: Uint8Array, source: string, fix: string): {
  bytes: Uint8Array;
  gunzipped: boolean;
} {
  if (raw[0] !== GZIP_MAGIC[0] || raw[1] !== GZIP_MAGIC[1]) return { bytes: raw, gunzipped: false };
  try {
    const out = gunzipSync(raw);
    // A plain Uint8Array view (node's Buffer subclass compares unequal to one).
    return { bytes: new Uint8Array(out.buffer, out.byteOffset, out.byteLength), gunzipped: true };
  } catch (err) {
    const why = (err as Error).message;
    const message = `${source}: expected gzip data, but it does not decompress (${why}); ${fix}`;
    throw new DatasetError(message, { cause: err });
  }
}

const SYSTEM_FIX = "not used; reinstall it (apt-get install --reinstall dataset-fashion-mnist)";
const DIR_FIX = "replace it with a good copy";

/**
 * Finds a good copy of one file, trying the places in order.
 *
 * @param warnings Receives, when a good copy is found, one line for each
 *   place on the way that had a bad copy or failed (a failed download, say).
 * @throws {DatasetError} When the named folder holds a bad copy, or when no
 *   place has a good one: the error lists the places looked, the problems met,
 *   and the three fixes.
 */
export async function resolveFile(
  role: FileRole,
  expected: string,
  places: Places,
  warnings: string[],
): Promise<ResolvedFile> {
  const name = FILE_NAMES[role];
  const search: Search = { role, name, expected, looked: [], problems: [] };
  const good = await fromDir(search, places) ?? await fromCache(search, places) ??
    await fromSystem(search, places) ?? await fromDownload(search, places);
  if (good) {
    warnings.push(...search.problems); // the bad copies skipped on the way to this good one
    const { kind, path, bytes, gunzipped, verified, sha256 } = good;
    return {
      bytes,
      source: { role, name, kind, path, gunzipped, verified, sha256, bytes: bytes.length },
    };
  }
  throw new DatasetError(
    `Fashion-MNIST file ${name} not found. Looked in: ${search.looked.join("; ")}.` +
      (search.problems.length ? ` Problems: ${search.problems.join("; ")}.` : "") +
      " Fix: install Debian's package (apt-get install dataset-fashion-mnist), " +
      "or name a folder that holds the four files (--data-dir DIR, or `dir` in the API), " +
      "or go online so they can be downloaded.",
  );
}

/** One file's search through the places: what it wants, where it looked, the problems met. */
interface Search {
  role: FileRole;
  name: string;
  expected: string;
  looked: string[];
  problems: string[];
}

/** A good copy of the file, and where it was found. */
type GoodCopy = Omit<FileSource, "role" | "name" | "bytes"> & { bytes: Uint8Array };

/**
 * A good copy from `<dir>/<name>` or, failing that, `<dir>/<name>.gz`, decompressed.
 *
 * @returns `undefined` when neither exists.
 * @throws {DatasetError} When a `.gz` file does not decompress, or the copy is bad (see {@link checked}).
 */
async function readFromDir(
  search: Search,
  dir: string,
  kind: SourceKind,
  fix: string,
): Promise<GoodCopy | undefined> {
  for (const file of [search.name, `${search.name}.gz`]) {
    const path = join(dir, file);
    const raw = await unlessNotFound(() => readFileFully(path));
    if (raw) return checked(search, kind, { path, ...decompress(raw, path, fix) }, fix);
  }
  return undefined;
}

/**
 * `got` as a good copy, when its SHA-256 is the one expected.
 *
 * @throws {DatasetError} Else: `<path>: expected SHA-256 <x>, got <y>; <fix>`,
 *   saying also what is wrong with the file as IDX data when the parser can tell.
 */
function checked(
  search: Search,
  kind: SourceKind,
  got: { path: string; bytes: Uint8Array; gunzipped: boolean },
  fix: string,
): GoodCopy {
  const sha = sha256Hex(got.bytes);
  if (sha === search.expected) return { kind, ...got, verified: "sha256", sha256: sha };
  const problem = idxProblem(got.bytes, search.role.endsWith("Images") ? "images" : "labels");
  throw new DatasetError(
    `${got.path}: expected SHA-256 ${search.expected}, got ${sha}` +
      (problem ? `, and it is not a valid IDX file: ${problem}` : "") + `; ${fix}`,
  );
}

/** What `find` found, or `undefined` when it met a bad copy: reported, and skipped. */
async function skipBad(
  search: Search,
  find: () => Promise<GoodCopy | undefined>,
): Promise<GoodCopy | undefined> {
  try {
    return await find();
  } catch (err) {
    if (!(err instanceof DatasetError)) throw err;
    search.problems.push(err.message);
    return undefined;
  }
}

/** (a) The caller's folder: a bad copy there is an error, since it was asked for. */
async function fromDir(search: Search, places: Places): Promise<GoodCopy | undefined> {
  if (places.dir === undefined) return undefined;
  search.looked.push(`${places.dir} (the folder named)`);
  return await readFromDir(search, places.dir, "dir", DIR_FIX);
}

/** (b) The decoded cache: a bad copy is deleted, and the next place tried. */
async function fromCache(search: Search, places: Places): Promise<GoodCopy | undefined> {
  if (!places.cache) return undefined;
  search.looked.push(`${places.cache.dir} (cache)`);
  const check = places.cacheCheck ?? "sha256";
  const hit = await places.cache.lookup(search.name, search.expected, check);
  if (hit.status === "hit") {
    const { path, bytes, verified, sha256 } = hit;
    return { kind: "cache", path, bytes, gunzipped: false, verified, sha256 };
  }
  if (hit.status === "bad") search.problems.push(hit.problem);
  return undefined;
}

/** (c) The system copy: a bad copy is reported and skipped. */
async function fromSystem(search: Search, places: Places): Promise<GoodCopy | undefined> {
  const { systemDir = SYSTEM_DIR } = places;
  if (systemDir === null) return undefined;
  search.looked.push(`${systemDir} (Debian package dataset-fashion-mnist)`);
  return await skipBad(search, () => readFromDir(search, systemDir, "system", SYSTEM_FIX));
}

/** (d) A download, kept in memory until verified (the caller caches it); each URL in turn. */
async function fromDownload(search: Search, places: Places): Promise<GoodCopy | undefined> {
  const { baseUrls = OFFICIAL_BASE_URLS } = places;
  if (baseUrls === false) {
    search.looked.push("no download (offline)");
    return undefined;
  }
  const { role, name } = search;
  const onProgress = places.download?.onProgress;
  for (const base of baseUrls) {
    const url = `${base}${name}.gz`;
    search.looked.push(url);
    const discard = "discarded; try again, or use another source";
    const good = await skipBad(search, async () => {
      const raw = await downloadBytes(url, {
        ...places.download,
        onProgress: onProgress && ((received, total) => onProgress(role, received, total)),
      });
      return checked(search, "download", { path: url, ...decompress(raw, url, discard) }, discard);
    });
    if (good) return good;
  }
  return undefined;
}
