/**
 * Building the native addon of tfjs-node(-gpu) against a libtensorflow that
 * can be had on this machine: the library behind `deno task setup`.
 *
 * tfjs-node's stock install downloads libtensorflow 2.9.1 from Google's
 * storage bucket. Where that host is unreachable, the same C API ships inside
 * TensorFlow's pip wheel (`libtensorflow_cc.so.2`, `libtensorflow_framework.so.2`
 * and the C headers); tfjs-node's N-API binding sources compile against it in
 * seconds with the system C++ compiler.
 *
 * @module
 */
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import {
  addonPath,
  BINDING_PATCH_MARKER,
  type NativePackage,
  TFJS_NODE,
  type WheelPin,
} from "./native.ts";
import { isDirectory, isFile } from "../_util/fs.ts";
import { sha256File } from "../_util/hash.ts";

/** A setup step failed for a reason the user can act on; the message says how. */
export class SetupError extends Error {
  /** @param message What failed, what was expected, and what to do. */
  constructor(message: string) {
    super(message);
    this.name = "SetupError";
  }
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
      `Run setup again to download it afresh, or check the package index pip uses`,
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
export async function downloadWheel(pin: WheelPin, options: DownloadWheelOptions): Promise<string> {
  const { dir, python = "python3", log = () => {} } = options;
  const path = join(dir, pin.file);
  if (await isFile(path)) {
    log(`wheel: found ${path}, checking its SHA-256`);
    await verifyWheel(path, pin.sha256);
    return path;
  }
  await Deno.mkdir(dir, { recursive: true });
  log(
    `wheel: ${python} -m pip download --no-deps ${pin.requirement} (${pin.platform}, cp${
      pin.pythonVersion.replace(".", "")
    })`,
  );
  const out = await run(python, [
    "-m",
    "pip",
    "download",
    "--no-deps",
    "--disable-pip-version-check",
    "--only-binary=:all:",
    "--python-version",
    pin.pythonVersion,
    "--implementation",
    "cp",
    "--platform",
    pin.platform,
    "-d",
    dir,
    pin.requirement,
  ]);
  if (out.code !== 0) {
    throw new SetupError(
      `pip could not download ${pin.requirement}: ${lastLines(out.stderr)}. ` +
        `Check that pip can reach its package index, or point setup at an installed TensorFlow with --tensorflow DIR`,
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
 * `destDir`, atomically: into a temporary sibling first, then renamed.
 * Uses Python's `zipfile`, which the pip route needs anyway.
 */
export async function extractWheel(
  wheelPath: string,
  destDir: string,
  options: { python?: string } = {},
): Promise<TensorflowLibrary> {
  const { python = "python3" } = options;
  await Deno.mkdir(dirname(destDir), { recursive: true });
  const tmp = await Deno.makeTempDir({ dir: dirname(destDir), prefix: ".extract-" });
  try {
    const script = [
      "import sys, zipfile, json",
      "wheel, dest, libs, prefixes = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), tuple(json.loads(sys.argv[4]))",
      "z = zipfile.ZipFile(wheel)",
      "names = [n for n in z.namelist() if n in libs or n.startswith(prefixes)]",
      "missing = [l for l in libs if l not in names]",
      "sys.exit('missing in wheel: ' + ', '.join(missing)) if missing else z.extractall(dest, names)",
    ].join("\n");
    const out = await run(python, [
      "-c",
      script,
      wheelPath,
      tmp,
      JSON.stringify(WHEEL_LIBS),
      JSON.stringify(WHEEL_HEADER_PREFIXES),
    ]);
    if (out.code !== 0) {
      throw new SetupError(
        `${wheelPath}: could not extract libtensorflow: ${lastLines(out.stderr)}`,
      );
    }
    await Deno.remove(destDir, { recursive: true }).catch(() => {});
    await Deno.rename(tmp, destDir);
  } catch (err) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    throw err;
  }
  return findTensorflowLibrary(join(destDir, "tensorflow"));
}

/** One exact text replacement in a tfjs-node binding source file. */
export interface BindingPatch {
  /** The file, relative to the package folder. */
  file: string;
  /** Text that must occur exactly once. */
  find: string;
  /** What replaces it. */
  replace: string;
}

/**
 * The one change made to tfjs-node 4.22's binding when it is compiled here:
 * a string or type attribute given as an array is set as a list
 * (`TFE_OpSetAttrStringList`, `TFE_OpSetAttrTypeList`). Stock tfjs-node
 * cannot pass either, and TensorFlow's fused kernels need both:
 * `_MklNativeFusedConv2D` names the ops it fuses in `fused_ops` and the
 * types of its extra inputs in `TArgs`. The binding also exports
 * {@link BINDING_PATCH_MARKER}, so a build without the change is recognised.
 */
export const BINDING_PATCHES: readonly BindingPatch[] = Object.freeze([
  {
    file: "binding/tfjs_backend.cc",
    find: `    case TF_ATTR_STRING: {
      // NOTE: String attribute values do not have to be utf8 encoded strings
      // (could be arbitrary byte sequences).
      std::string str_value;`,
    replace: `    case TF_ATTR_STRING: {
      if (IsArray(env, nstatus, &js_value)) {  // fmnist-bench: string lists
        uint32_t length;
        nstatus = napi_get_array_length(env, js_value, &length);
        ENSURE_NAPI_OK(env, nstatus);
        std::vector<std::string> values(length);
        std::vector<const void *> pointers(length);
        std::vector<size_t> lengths(length);
        for (uint32_t i = 0; i < length; ++i) {
          napi_value element;
          nstatus = napi_get_element(env, js_value, i, &element);
          ENSURE_NAPI_OK(env, nstatus);
          nstatus = GetStringParam(env, element, values[i]);
          ENSURE_NAPI_OK(env, nstatus);
          pointers[i] = values[i].data();
          lengths[i] = values[i].size();
        }
        TFE_OpSetAttrStringList(tfe_op, attr_name, pointers.data(),
                                lengths.data(), static_cast<int>(length));
        break;
      }
      // NOTE: String attribute values do not have to be utf8 encoded strings
      // (could be arbitrary byte sequences).
      std::string str_value;`,
  },
  {
    file: "binding/tfjs_backend.cc",
    find: `    case TF_ATTR_TYPE: {
      TF_DataType tf_data_type;`,
    replace: `    case TF_ATTR_TYPE: {
      if (IsArray(env, nstatus, &js_value)) {  // fmnist-bench: type lists
        uint32_t length;
        nstatus = napi_get_array_length(env, js_value, &length);
        ENSURE_NAPI_OK(env, nstatus);
        std::vector<TF_DataType> types(length);
        for (uint32_t i = 0; i < length; ++i) {
          napi_value element;
          nstatus = napi_get_element(env, js_value, i, &element);
          ENSURE_NAPI_OK(env, nstatus);
          nstatus = napi_get_value_int32(
              env, element, reinterpret_cast<int32_t *>(&types[i]));
          ENSURE_NAPI_OK(env, nstatus);
        }
        TFE_OpSetAttrTypeList(tfe_op, attr_name, types.data(),
                              static_cast<int>(length));
        break;
      }
      TF_DataType tf_data_type;`,
  },
  {
    file: "binding/tfjs_binding.cc",
    find: "  EXPORT_INT_PROPERTY(TF_ATTR_SHAPE);\n",
    replace: "  EXPORT_INT_PROPERTY(TF_ATTR_SHAPE);\n" +
      `  AssignIntProperty(env, exports, "${BINDING_PATCH_MARKER}", 1);\n`,
  },
]);

/**
 * Copies the binding's sources into `dir` with {@link BINDING_PATCHES}
 * applied, and returns the paths of the two files to compile.
 *
 * @throws {SetupError} When a patch's text is not found exactly once (another
 *   tfjs-node version): the message names the file.
 */
export async function patchedBindingSources(packageDir: string, dir: string): Promise<string[]> {
  const sources = ["binding/tfjs_backend.cc", "binding/tfjs_binding.cc"];
  await Deno.mkdir(dir, { recursive: true });
  const out: string[] = [];
  for (const file of sources) {
    let text = await Deno.readTextFile(join(packageDir, file));
    for (const patch of BINDING_PATCHES.filter((p) => p.file === file)) {
      const at = text.indexOf(patch.find);
      if (at < 0 || text.indexOf(patch.find, at + 1) >= 0) {
        throw new SetupError(
          `${
            join(packageDir, file)
          }: expected tfjs-node ${TFJS_NODE.version}'s source, where the patch for ` +
            `list attributes applies once; reinstall the pinned package (deno install)`,
        );
      }
      text = text.slice(0, at) + patch.replace + text.slice(at + patch.find.length);
    }
    const target = join(dir, file.split("/").pop()!);
    await Deno.writeTextFile(target, text);
    out.push(target);
  }
  return out;
}

/** Options for {@link compileBinding}. */
export interface CompileOptions {
  /** The installed tfjs-node(-gpu) package folder (its `binding/` sources are compiled). */
  packageDir: string;
  /** The libtensorflow to link against. */
  library: TensorflowLibrary;
  /** Where the compiled `tfjs_binding.node` is written (atomically). */
  out: string;
  /** The C++ compiler. Default `"c++"`. */
  cxx?: string;
}

/**
 * Compiles tfjs-node's N-API binding (`binding/tfjs_backend.cc`,
 * `binding/tfjs_binding.cc`, with {@link BINDING_PATCHES} applied) into a
 * shared object linked against `library`, with an rpath to its folder. Needs
 * no node-gyp and no Node.js: the N-API headers come from the
 * `node-api-headers` npm package.
 */
export async function compileBinding(options: CompileOptions): Promise<void> {
  const { packageDir, library, out, cxx = "c++" } = options;
  const require = createRequire(import.meta.url);
  const napiInclude = join(dirname(require.resolve("node-api-headers/package.json")), "include");
  const tmp = `${out}.tmp-${crypto.randomUUID()}`;
  await Deno.mkdir(dirname(out), { recursive: true });
  const sourceDir = `${tmp}-src`;
  const sources = await patchedBindingSources(packageDir, sourceDir);
  const args = [
    "-O2",
    "-shared",
    "-fPIC",
    "-std=c++17",
    "-DNAPI_VERSION=8",
    `-I${napiInclude}`,
    `-I${library.includeDir}`,
    `-I${packageDir}`,
    `-I${join(packageDir, "binding")}`,
    ...sources,
    `-L${library.libDir}`,
    `-l:${library.mainLib}`,
    `-l:${library.frameworkLib}`,
    `-Wl,-rpath,${library.libDir}`,
    "-o",
    tmp,
  ];
  const result = await run(cxx, args).finally(() =>
    Deno.remove(sourceDir, { recursive: true }).catch(() => {})
  );
  if (result.code !== 0) {
    await Deno.remove(tmp).catch(() => {});
    throw new SetupError(
      `${cxx} failed to compile the tfjs-node binding: ${lastLines(result.stderr, 6)}`,
    );
  }
  await Deno.rename(tmp, out);
}

/** Copies a built addon to where tfjs-node loads it from, atomically. */
export async function installAddon(built: string, packageDir: string): Promise<string> {
  const target = addonPath(packageDir);
  await Deno.mkdir(dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${crypto.randomUUID()}`;
  await Deno.copyFile(built, tmp);
  await Deno.rename(tmp, target);
  return target;
}

/** The folder under the cache that holds one native build. */
export function buildDir(cacheDir: string, pkg: NativePackage, sourceId: string): string {
  const name = pkg.npmPackage.split("/")[1];
  return join(cacheDir, "native", `${name}-${pkg.version}-${sourceId}`);
}

/** A tool setup needs, and how to get it when it is missing. */
export interface RequiredTool {
  /** Command name, e.g. `"c++"`. */
  command: string;
  /** Arguments that make it print a version and exit 0. */
  versionArgs: string[];
  /** What the user should do when it is missing. */
  install: string;
}

/** The tools each route needs. */
export const TOOLS = {
  cxx: {
    command: "c++",
    versionArgs: ["--version"],
    install: "install a C++ compiler: apt-get install g++",
  },
  python: {
    command: "python3",
    versionArgs: ["--version"],
    install: "install Python 3: apt-get install python3",
  },
  pip: {
    command: "python3",
    versionArgs: ["-m", "pip", "--version"],
    install: "install pip: apt-get install python3-pip",
  },
} as const satisfies Record<string, RequiredTool>;

/**
 * Checks that a tool runs.
 *
 * @throws {SetupError} `missing tool: <command> (<what for>); <how to install>`.
 */
export async function requireTool(
  tool: RequiredTool,
  command = tool.command,
  why = "",
): Promise<void> {
  let ok = false;
  try {
    ok = (await run(command, tool.versionArgs)).code === 0;
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  if (!ok) {
    const label = tool.versionArgs[0] === "-m"
      ? `${command} ${tool.versionArgs.slice(0, 2).join(" ")}`
      : command;
    throw new SetupError(`missing tool: ${label}${why ? ` (${why})` : ""}; ${tool.install}`);
  }
}

async function run(
  command: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(command, { args, stdout: "piped", stderr: "piped" }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

function lastLines(text: string, n = 3): string {
  return text.trim().split("\n").slice(-n).join(" | ") || "no output";
}
