/**
 * The libtensorflow that `deno task setup` compiles tfjs-node's binding
 * against (see `binding_build.ts`): found in a folder the user points to, or
 * taken from TensorFlow's pinned pip wheel, downloaded with pip, checked
 * against its SHA-256 and unpacked to the two libraries and the C headers.
 *
 * tfjs-node's stock install downloads libtensorflow 2.9.1 from Google's
 * storage bucket. Where that host is unreachable, the same C API ships inside
 * TensorFlow's pip wheel (`libtensorflow_cc.so.2`, `libtensorflow_framework.so.2`
 * and the C headers).
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { lastLines, SetupError } from "./setup_tools.ts";
import { runQuiet } from "../_util/run_quiet.ts";
import { isDirectory, isFile } from "../_util/fs.ts";
import { sha256File } from "../_util/hash.ts";

/** A pip wheel fetched by `deno task setup`, pinned by version, file and SHA-256. */
export interface PinnedWheel {
  /** What pip is asked for, e.g. `tensorflow-cpu==2.21.0`. */
  requirement: string;
  /** The exact file pip must produce. */
  file: string;
  /** Its SHA-256; anything else is deleted and refused. */
  sha256: string;
  /** pip's `--python-version`: the wheel's tag, not the Python that runs pip. */
  pythonVersion: string;
  /** pip's `--platform`: the wheel's own platform tag (pip does not widen it). */
  platform: string;
}

/** A libtensorflow on disk: the two shared libraries and the C API headers. */
export interface TensorflowLibrary {
  /** Folder holding both shared libraries (becomes the addon's rpath). */
  libDir: string;
  /** File name of the library exporting the TF_/TFE_ C API. */
  mainLib: string;
  /** File name of libtensorflow_framework. */
  frameworkLib: string;
  /** Folder holding `tensorflow/c/c_api.h`. */
  includeDir: string;
}

/** The C API library names, in the order they are looked for. */
const MAIN_LIBS = ["libtensorflow_cc.so.2", "libtensorflow.so.2"];
const FRAMEWORK_LIB = "libtensorflow_framework.so.2";

/**
 * Finds a libtensorflow in a folder the user points to. Accepts a pip
 * installation (`site-packages/tensorflow`: libraries at the top, headers
 * in `include/`) and the libtensorflow C archive layout (`lib/`, `include/`).
 *
 * @throws {SetupError} Naming the folder and what is missing.
 */
export async function findTensorflowLibrary(dir: string): Promise<TensorflowLibrary> {
  if (!(await isDirectory(dir))) {
    throw new SetupError(
      `--tensorflow ${dir}: expected a TensorFlow folder (e.g. .../site-packages/tensorflow), ` +
        `but it is not a directory`,
    );
  }
  for (const libDir of [dir, join(dir, "lib")]) {
    for (const mainLib of MAIN_LIBS) {
      if (!(await isFile(join(libDir, mainLib)))) continue;
      if (!(await isFile(join(libDir, FRAMEWORK_LIB)))) {
        throw new SetupError(
          `--tensorflow ${dir}: found ${mainLib} but not ${FRAMEWORK_LIB} beside it in ${libDir}`,
        );
      }
      const includeDir = join(dir, "include");
      if (!(await isFile(join(includeDir, "tensorflow", "c", "c_api.h")))) {
        throw new SetupError(
          `--tensorflow ${dir}: found the libraries but not the C headers ` +
            `(expected ${join(includeDir, "tensorflow", "c", "c_api.h")})`,
        );
      }
      return { libDir, mainLib, frameworkLib: FRAMEWORK_LIB, includeDir };
    }
  }
  throw new SetupError(
    `--tensorflow ${dir}: expected ${
      MAIN_LIBS.join(" or ")
    } in it or in its lib/ folder, found neither`,
  );
}

/**
 * Checks a downloaded wheel against its pinned SHA-256. A file with any other
 * checksum is deleted, so that no later run trusts it.
 *
 * @throws {SetupError} On a mismatch, naming the file and both checksums.
 */
export async function verifyWheel(path: string, expectedSha256: string): Promise<void> {
  const got = await sha256File(path);
  if (got === expectedSha256) return;
  await Deno.remove(path);
  throw new SetupError(
    `${path}: expected SHA-256 ${expectedSha256}, got ${got}; the file was deleted. ` +
      `Run the command again to download it afresh, or check the package index pip uses`,
  );
}

/** Options for {@link downloadWheel}. */
export interface DownloadWheelOptions {
  /** Folder the wheel is saved in (created if missing). */
  dir: string;
  /** The Python interpreter that runs pip. Default `"python3"`. */
  python?: string;
  /** Receives one line per thing done. Default: nothing. */
  log?: (line: string) => void;
  /**
   * What else the user can do when pip fails, after "check that pip can
   * reach its package index". Default: point setup at an installed
   * TensorFlow with `--tensorflow DIR`.
   */
  otherwise?: string;
}

/**
 * Fetches the pinned wheel with `python -m pip download --no-deps` (reusing an
 * already-verified copy in `dir`) and verifies its SHA-256.
 *
 * The wheel is tagged for one Python version, but the libraries inside do not
 * depend on Python, so pip is asked for that exact file whatever Python runs it.
 *
 * @returns The path of the verified wheel.
 */
export async function downloadWheel(
  pin: PinnedWheel,
  options: DownloadWheelOptions,
): Promise<string> {
  const {
    dir,
    python = "python3",
    log = () => {},
    otherwise = "point setup at an installed TensorFlow with --tensorflow DIR",
  } = options;
  const path = join(dir, pin.file);
  if (await isFile(path)) {
    log(`wheel: found ${path}, checking its SHA-256`);
    await verifyWheel(path, pin.sha256);
    return path;
  }
  await Deno.mkdir(dir, { recursive: true });
  const tags = `${pin.platform}, cp${pin.pythonVersion.replace(".", "")}`;
  log(`wheel: ${python} -m pip download --no-deps ${pin.requirement} (${tags})`);
  const out = await runQuiet(python, [
    ...["-m", "pip", "download", "--no-deps", "--disable-pip-version-check", "--only-binary=:all:"],
    ...[
      "--python-version",
      pin.pythonVersion,
      "--implementation",
      "cp",
      "--platform",
      pin.platform,
    ],
    ...["-d", dir, pin.requirement],
  ]);
  if (out?.code !== 0) {
    throw new SetupError(
      `pip could not download ${pin.requirement}: ${lastLines(out)}. ` +
        `Check that pip can reach its package index, or ${otherwise}`,
    );
  }
  if (!(await isFile(path))) {
    throw new SetupError(
      `pip download ${pin.requirement}: expected it to save ${pin.file} in ${dir}, but it did not`,
    );
  }
  log(`wheel: checking SHA-256 of ${basename(path)}`);
  await verifyWheel(path, pin.sha256);
  return path;
}

/** Members of the wheel the binding needs: the two libraries and the C API headers. */
const WHEEL_LIBS = [`tensorflow/${MAIN_LIBS[0]}`, `tensorflow/${FRAMEWORK_LIB}`];
const WHEEL_HEADER_PREFIXES = [
  "tensorflow/include/tensorflow/c/",
  "tensorflow/include/tensorflow/core/platform/",
  "tensorflow/include/tsl/",
  "tensorflow/include/xla/tsl/",
];

/**
 * Extracts only what the binding needs from a TensorFlow wheel into
 * `destDir`, atomically (see {@link unpackWithPython}).
 */
export async function extractWheel(
  wheelPath: string,
  destDir: string,
  options: { python?: string } = {},
): Promise<TensorflowLibrary> {
  const script = [
    "import sys, zipfile, json",
    "dest, wheel, libs, prefixes = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), tuple(json.loads(sys.argv[4]))",
    "z = zipfile.ZipFile(wheel)",
    "names = [n for n in z.namelist() if n in libs or n.startswith(prefixes)]",
    "missing = [l for l in libs if l not in names]",
    "sys.exit('missing in wheel: ' + ', '.join(missing)) if missing else z.extractall(dest, names)",
  ];
  const lists = [JSON.stringify(WHEEL_LIBS), JSON.stringify(WHEEL_HEADER_PREFIXES)];
  const failure = `${wheelPath}: could not extract libtensorflow`;
  await unpackWithPython(script, [wheelPath, ...lists], destDir, failure, async (tmp) => {
    await Deno.remove(destDir, { recursive: true }).catch(() => {});
    await Deno.rename(tmp, destDir);
  }, options.python);
  return findTensorflowLibrary(join(destDir, "tensorflow"));
}

/**
 * Unpacks wheels atomically: runs a Python `zipfile` script (the pip route
 * needs Python anyway) with a fresh temporary folder beside `dest` as its
 * first argument and `args` after it, then `place` moves what the folder
 * holds to `dest`. The folder is removed whatever happens, so a failed
 * unpack leaves `dest` as it was.
 *
 * @throws {SetupError} `<failure>: <the script's last lines>` when the script fails.
 */
export async function unpackWithPython(
  script: string[],
  args: string[],
  dest: string,
  failure: string,
  place: (tmp: string) => Promise<void>,
  python = "python3",
): Promise<void> {
  await Deno.mkdir(dirname(dest), { recursive: true });
  const tmp = await Deno.makeTempDir({ dir: dirname(dest), prefix: `.${basename(dest)}-` });
  try {
    const out = await runQuiet(python, ["-c", script.join("\n"), tmp, ...args]);
    if (out?.code !== 0) throw new SetupError(`${failure}: ${lastLines(out)}`);
    await place(tmp);
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}
