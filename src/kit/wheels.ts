/**
 * The Python wheels the GPU kit carries: Keras 3 at the peer's pin and the
 * packages it needs that the GPU machine lacks (that machine has Python
 * 3.12 with numpy, h5py, absl-py, rich and ml-dtypes, beside PyTorch and
 * JAX). Each is pinned by version and SHA-256, fetched once with
 * `pip download` into the suite's cache and reused offline; a file with
 * another checksum is deleted and refused.
 *
 * @module
 */
import { join } from "node:path";
import { exists } from "../_util/fs.ts";
import { sha256File } from "../_util/hash.ts";
import { SetupError } from "../backends/setup_error.ts";
import { KERAS_PINS } from "../peer/keras.ts";

/** One pinned wheel. */
export interface KitWheel {
  /** What pip is asked for, e.g. `keras==3.15.1`. */
  requirement: string;
  /** The exact file pip must produce. */
  file: string;
  /** Its SHA-256; anything else is deleted and refused. */
  sha256: string;
  /** The module it installs: a Python that imports it already keeps its own. */
  module: string;
}

/** The CPython version the kit's wheels are for: the GPU machine's. */
export const KIT_PYTHON_VERSION = "3.12";

/** pip's `--platform` for the kit's compiled wheels. */
export const KIT_PLATFORM = "manylinux_2_17_x86_64";

/**
 * Keras (at `KERAS_PINS.keras`) and, from its `Requires-Dist`, the packages
 * the GPU machine lacks: namex, optree (compiled, CPython 3.12), packaging,
 * and optree's own typing-extensions.
 */
export const KIT_WHEELS: readonly KitWheel[] = Object.freeze([
  {
    requirement: KERAS_PINS.keras,
    file: "keras-3.15.1-py3-none-any.whl",
    sha256: "836460e480930acbd19bb7a17e62f9ecad40e8a9af9a651fc8d0586a96d27e20",
    module: "keras",
  },
  {
    requirement: "namex==0.1.0",
    file: "namex-0.1.0-py3-none-any.whl",
    sha256: "e2012a474502f1e2251267062aae3114611f07df4224b6e06334c57b0f2ce87c",
    module: "namex",
  },
  {
    requirement: "optree==0.16.0",
    file: "optree-0.16.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    sha256: "f08aaa1c2ae092b3e662125ad19860046c63d7451d41be133ddd6594920e295e",
    module: "optree",
  },
  {
    requirement: "packaging==26.4",
    file: "packaging-26.4-py3-none-any.whl",
    sha256: "81383611a09c1bc0b08b76e0fd5829d7c6824c65b27a6aee339da133f4233ea2",
    module: "packaging",
  },
  {
    requirement: "typing_extensions==4.16.0",
    file: "typing_extensions-4.16.0-py3-none-any.whl",
    sha256: "481caa481374e813c1b176ada14e97f1f67a4539ce9cfeb3f350d78d6370c2e8",
    module: "typing_extensions",
  },
]);

/** The wheel cache under the suite's cache folder (shared with `deno task setup`'s wheel). */
export function wheelCacheDir(cacheDir: string): string {
  return join(cacheDir, "wheels");
}

/**
 * Checks a wheel file against its pin. A file with another SHA-256 is
 * deleted.
 *
 * @throws {SetupError} `<file>: expected SHA-256 <pin>, got <other>; deleted it, …`.
 */
export async function verifyWheel(path: string, wheel: KitWheel): Promise<void> {
  const got = await sha256File(path);
  if (got === wheel.sha256) return;
  await Deno.remove(path).catch(() => {});
  throw new SetupError(
    `${path}: expected SHA-256 ${wheel.sha256} (${wheel.requirement}), got ${got}; ` +
      `deleted it: check the package index pip uses, then run again`,
  );
}

/** Options of {@link fetchKitWheels}. */
export interface FetchKitWheelsOptions {
  /** The suite's cache folder; the wheels go to its `wheels/`. */
  cacheDir: string;
  /** The Python whose pip downloads them. Default `"python3"`. */
  python?: string;
  /** Progress lines. Default: none. */
  log?: (line: string) => void;
}

/**
 * The paths of {@link KIT_WHEELS} in the cache, each checked against its
 * SHA-256: cached files are reused, missing ones downloaded with `pip
 * download --no-deps --only-binary=:all:` for CPython 3.12 on manylinux
 * x86_64.
 *
 * @throws {SetupError} When pip is missing or fails, or a wheel's SHA-256 differs.
 */
export async function fetchKitWheels(options: FetchKitWheelsOptions): Promise<string[]> {
  const { python = "python3", log = () => {} } = options;
  const dir = wheelCacheDir(options.cacheDir);
  const paths: string[] = [];
  for (const wheel of KIT_WHEELS) {
    const path = join(dir, wheel.file);
    if (!(await exists(path))) {
      log(`downloading ${wheel.requirement} with pip`);
      await pipDownload(python, wheel, dir);
      if (!(await exists(path))) {
        throw new SetupError(
          `pip download ${wheel.requirement}: expected ${wheel.file} in ${dir}, but pip did not ` +
            `write it; check that the index has that file`,
        );
      }
    }
    await verifyWheel(path, wheel);
    paths.push(path);
  }
  return paths;
}

async function pipDownload(python: string, wheel: KitWheel, dir: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const args = [
    "-m",
    "pip",
    "download",
    "--quiet",
    "--disable-pip-version-check",
    "--no-deps",
    "--only-binary=:all:",
    "--python-version",
    KIT_PYTHON_VERSION,
    "--platform",
    KIT_PLATFORM,
    "--dest",
    dir,
    wheel.requirement,
  ];
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(python, { args, stdout: "piped", stderr: "piped" }).output();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new SetupError(
        `${python}: not found; the GPU kit needs Python 3 with pip to download ${wheel.requirement}`,
      );
    }
    throw err;
  }
  if (out.code !== 0) {
    const last = new TextDecoder().decode(out.stderr).trim().split("\n")
      .filter((l) => l.trim() !== "" && !/^WARNING/.test(l)).at(-1);
    throw new SetupError(
      `${python} -m pip download ${wheel.requirement} failed (exit ${out.code}): ` +
        `${last ?? "no message"}; the GPU kit needs pip and its package index`,
    );
  }
}
