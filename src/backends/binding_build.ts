/**
 * Compiling tfjs-node(-gpu)'s N-API binding against a libtensorflow (found or
 * unpacked by `tensorflow_wheel.ts`) in seconds with the system C++ compiler,
 * with this suite's patch applied, and installing the addon where tfjs-node
 * loads it; the cache folder that holds one build.
 *
 * @module
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import {
  addonPath,
  BINDING_PATCH_MARKER,
  TFJS_NODE,
  type TfjsNodePackage,
} from "./libtensorflow.ts";
import type { TensorflowLibrary } from "./tensorflow_wheel.ts";
import { lastLines, SetupError } from "./setup_tools.ts";
import { runQuiet } from "../_util/run_quiet.ts";

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
        const path = join(packageDir, file);
        throw new SetupError(
          `${path}: expected tfjs-node ${TFJS_NODE.version}'s source, where the patch for ` +
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
  const includes = [napiInclude, library.includeDir, packageDir, join(packageDir, "binding")];
  const args = [
    ...["-O2", "-shared", "-fPIC", "-std=c++17", "-DNAPI_VERSION=8"],
    ...includes.map((dir) => `-I${dir}`),
    ...sources,
    ...[`-L${library.libDir}`, `-l:${library.mainLib}`, `-l:${library.frameworkLib}`],
    ...[`-Wl,-rpath,${library.libDir}`, "-o", tmp],
  ];
  const result = await runQuiet(cxx, args).finally(() =>
    Deno.remove(sourceDir, { recursive: true }).catch(() => {})
  );
  if (result?.code !== 0) {
    await Deno.remove(tmp).catch(() => {});
    throw new SetupError(
      `${cxx} failed to compile the tfjs-node binding: ${lastLines(result, 6)}`,
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
export function buildDir(cacheDir: string, pkg: TfjsNodePackage, sourceId: string): string {
  const name = pkg.npmPackage.split("/")[1];
  return join(cacheDir, "native", `${name}-${pkg.version}-${sourceId}`);
}
