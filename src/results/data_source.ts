/**
 * A run's data source (`config.dataSource`): recorded when a run starts, so
 * that `--resume` loads the same files and proves it by their checksums.
 *
 * @module
 */
import { FILE_NAMES, FILE_ROLES } from "../data/checksums.ts";
import type { FileSource } from "../data/sources.ts";
import type { SubsetManifest } from "../data/subset.ts";
import type { DataSource } from "./schema.ts";

/** `config.data` of a run on the fixtures: the repository folder, relative, so it is portable. */
export const FIXTURES_DESCRIPTION = "fixtures: fixtures/fashion-mnist";

/** The data flags of a run: `--fixtures` or `--data-dir DIR`, or neither (the official data). */
export interface DataRequest {
  /** `--fixtures`. */
  fixtures: boolean;
  /** `--data-dir DIR`, as given. */
  dataDir?: string;
}

/** Where a saved run's data came from, without the checksums that older files lack. */
export type DataPlace = Pick<DataSource, "kind" | "dir">;

/**
 * The data source of a run that loaded `files` as `request` asked: kind
 * `"fixtures"` or `"dir"` after the flag (`"subset"` for a folder whose
 * `subset` manifest was read), else the place of the training images (the
 * other files are verified against the same official checksums).
 */
export function dataSourceOf(
  request: DataRequest,
  files: readonly FileSource[],
  subset?: SubsetManifest,
): DataSource {
  const sha256 = Object.fromEntries(FILE_ROLES.map((role) => {
    const file = files.find((f) => f.role === role);
    if (!file) throw new TypeError(`expected a loaded ${FILE_NAMES[role]}, got none`);
    return [role, file.sha256];
  })) as DataSource["sha256"];
  if (request.fixtures) return { kind: "fixtures", sha256 };
  if (request.dataDir !== undefined && subset) {
    const { of, seed, perClass, counts } = subset;
    return { kind: "subset", dir: request.dataDir, sha256, subset: { of, seed, perClass, counts } };
  }
  if (request.dataDir !== undefined) return { kind: "dir", dir: request.dataDir, sha256 };
  const kind = files.find((f) => f.role === "trainImages")!.kind;
  if (kind === "dir") throw new TypeError("expected request.dataDir for files from a folder");
  return { kind, sha256 };
}

/** The request that loads a recorded place again. */
export function dataRequest(place: DataPlace): DataRequest {
  return place.kind === "fixtures"
    ? { fixtures: true }
    : place.kind === "dir" || place.kind === "subset"
    ? { fixtures: false, dataDir: place.dir }
    : { fixtures: false };
}

/**
 * Where a run written before `dataSource` was recorded got its data, read
 * from `config.data`, the loader's `<kind>: <places>` parts joined by `; `:
 * a `dir: <path>` part is the fixtures when the path ends in
 * `fixtures/fashion-mnist` (`--fixtures` recorded the repository folder's
 * absolute path), else `--data-dir <path>`; `fixtures: …` is the fixtures;
 * otherwise the first part's `cache`, `system` or `download`.
 *
 * @returns `undefined` when `data` says none of these.
 */
export function legacyDataPlace(data: string): DataPlace | undefined {
  const parts = data.split("; ").map((part) => {
    const m = part.match(/^(.*?): (.*)$/s);
    return m ? { kind: m[1], path: m[2] } : { kind: part, path: "" };
  });
  const dir = parts.find((p) => p.kind === "dir" && p.path !== "");
  if (parts[0].kind === "fixtures" || /(^|\/)fixtures\/fashion-mnist\/?$/.test(dir?.path ?? "")) {
    return { kind: "fixtures" };
  }
  if (dir) return { kind: "dir", dir: dir.path };
  const kind = parts[0].kind;
  return kind === "cache" || kind === "system" || kind === "download" ? { kind } : undefined;
}

/**
 * The refusal of data whose checksums differ from those the run recorded: it
 * names the first file that differs, with the expected and got SHA-256.
 *
 * @returns The message, or `undefined` when all four files are the same.
 */
export function dataChecksumMismatch(
  saved: DataSource["sha256"],
  got: DataSource["sha256"],
): string | undefined {
  const role = FILE_ROLES.find((r) => saved[r] !== got[r]);
  if (!role) return undefined;
  return `--resume: ${FILE_NAMES[role]} (${role}): expected SHA-256 ${saved[role]} ` +
    `(the data the run started on), got ${got[role]}; the data changed since: ` +
    "put back the files the run used, or start a new run in another --out folder";
}
