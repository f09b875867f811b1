/**
 * The Python wheels the GPU kit carries: Keras 3 at the peer's pin and the
 * packages it needs that the GPU machine lacks (that machine has Python
 * 3.12 with numpy, h5py, absl-py, rich and ml-dtypes, beside PyTorch and
 * JAX). Each is pinned by version and SHA-256 and fetched like `deno task
 * setup`'s wheels (`downloadWheel`): once, with `pip download`, into the
 * suite's cache, reused offline; a file with another checksum is deleted and
 * refused.
 *
 * @module
 */
import { join } from "node:path";
import { downloadWheel, type PinnedWheel } from "../backends/tensorflow_wheel.ts";
import { requireTool, TOOLS } from "../backends/setup_tools.ts";
import { isFile } from "../_util/fs.ts";
import { KERAS_PINS } from "../peer/keras.ts";

/** One pinned wheel of the kit. */
export interface KitWheel extends PinnedWheel {
  /** The module it installs: a Python that imports it already keeps its own. */
  module: string;
}

/** The CPython version the kit's wheels are for: the GPU machine's. */
export const KIT_PYTHON_VERSION = "3.12";

/** A wheel for the GPU machine's CPython on manylinux x86_64; its module is its package's name. */
function kitWheel(requirement: string, file: string, sha256: string): KitWheel {
  const module = requirement.split("==")[0];
  return {
    requirement,
    file,
    sha256,
    pythonVersion: KIT_PYTHON_VERSION,
    platform: "manylinux_2_17_x86_64",
    module,
  };
}

/**
 * Keras (at `KERAS_PINS.keras`) and, from its `Requires-Dist`, the packages
 * the GPU machine lacks: namex, optree (compiled, CPython 3.12), packaging,
 * and optree's own typing-extensions.
 */
export const KIT_WHEELS: readonly KitWheel[] = Object.freeze([
  kitWheel(
    KERAS_PINS.keras,
    "keras-3.15.1-py3-none-any.whl",
    "836460e480930acbd19bb7a17e62f9ecad40e8a9af9a651fc8d0586a96d27e20",
  ),
  kitWheel(
    "namex==0.1.0",
    "namex-0.1.0-py3-none-any.whl",
    "e2012a474502f1e2251267062aae3114611f07df4224b6e06334c57b0f2ce87c",
  ),
  kitWheel(
    "optree==0.16.0",
    "optree-0.16.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "f08aaa1c2ae092b3e662125ad19860046c63d7451d41be133ddd6594920e295e",
  ),
  kitWheel(
    "packaging==26.4",
    "packaging-26.4-py3-none-any.whl",
    "81383611a09c1bc0b08b76e0fd5829d7c6824c65b27a6aee339da133f4233ea2",
  ),
  kitWheel(
    "typing_extensions==4.16.0",
    "typing_extensions-4.16.0-py3-none-any.whl",
    "481caa481374e813c1b176ada14e97f1f67a4539ce9cfeb3f350d78d6370c2e8",
  ),
]);

/** The wheel cache under the suite's cache folder (shared with `deno task setup`'s wheels). */
export function wheelCacheDir(cacheDir: string): string {
  return join(cacheDir, "wheels");
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
 * SHA-256: cached files are reused, missing ones downloaded with pip.
 *
 * @throws {SetupError} When pip is missing or fails, or a wheel's SHA-256 differs.
 */
export async function fetchKitWheels(options: FetchKitWheelsOptions): Promise<string[]> {
  const { python = "python3", log = () => {} } = options;
  const dir = wheelCacheDir(options.cacheDir);
  const cached = await Promise.all(KIT_WHEELS.map((w) => isFile(join(dir, w.file))));
  if (cached.includes(false)) {
    await requireTool(TOOLS.pip, python, "to download the GPU kit's Keras wheels");
  }
  const paths: string[] = [];
  const otherwise = "build the kit where pip can download the wheels";
  for (const wheel of KIT_WHEELS) {
    paths.push(await downloadWheel(wheel, { dir, python, log, otherwise }));
  }
  return paths;
}
