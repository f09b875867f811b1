import assert from "node:assert/strict";
import { join } from "node:path";
import {
  checkCudaLibraries,
  cudaVersionString,
  cudnnVersionString,
  describeCudaCheck,
} from "./cuda_check.ts";
import { runQuiet } from "../_util/run_quiet.ts";
import { withTempDir } from "../_util/testing.ts";

/** Compiles a one-function shared library with the given soname and links. */
async function library(path: string, soname: string, links: string[] = []): Promise<void> {
  const source = await Deno.makeTempFile({ suffix: ".c" });
  await Deno.writeTextFile(source, `int f_${soname.replace(/\W/g, "_")}(void) { return 0; }\n`);
  const out = await runQuiet("cc", [
    "-shared",
    "-fPIC",
    `-Wl,-soname,${soname}`,
    source,
    "-Wl,--no-as-needed", // keep the links though nothing calls into them
    ...links,
    "-o",
    path,
  ]).finally(() => Deno.remove(source));
  assert.equal(out?.code, 0, out?.stderr ?? "no such program");
}

/**
 * The layout setup --gpu makes, in small: an addon linking libtensorflow_cc
 * by run path, libtensorflow's two libraries in `tensorflow/`, and a CUDA
 * library in `nvidia/cudnn/lib/` that needs another, `libdep.so.1`.
 */
async function layout(dir: string): Promise<{ addon: string; dep: string }> {
  const tf = join(dir, "libtensorflow", "tensorflow");
  const cudnn = join(dir, "libtensorflow", "nvidia", "cudnn", "lib");
  await Deno.mkdir(tf, { recursive: true });
  await Deno.mkdir(cudnn, { recursive: true });
  await library(join(tf, "libtensorflow_framework.so.2"), "libtensorflow_framework.so.2");
  await library(join(tf, "libtensorflow_cc.so.2"), "libtensorflow_cc.so.2");
  const dep = join(cudnn, "libdep.so.1");
  await library(dep, "libdep.so.1");
  await library(join(cudnn, "libcudnn.so.9"), "libcudnn.so.9", [
    dep,
    "-Wl,-rpath,$ORIGIN",
  ]);
  const addon = join(dir, "tfjs_binding.node");
  await library(addon, "tfjs_binding.node", [
    `-L${tf}`,
    "-l:libtensorflow_cc.so.2",
    `-Wl,-rpath,${tf}`,
  ]);
  return { addon, dep };
}

Deno.test("checkCudaLibraries follows the addon to libtensorflow and its nvidia/ folder", async () => {
  await withTempDir(async (dir) => {
    const { addon, dep } = await layout(dir);
    const nvidiaDir = join(dir, "libtensorflow", "nvidia");
    const ok = await checkCudaLibraries(addon);
    assert.deepEqual(ok, { nvidiaDir, checked: 5, cudaLibraries: 2, missingDriverLibraries: [] });
    assert.equal(
      describeCudaCheck(ok),
      `CUDA libraries in ${nvidiaDir}; all 5 libraries resolve; no NVIDIA driver`,
    );
    await Deno.remove(dep);
    const broken = await checkCudaLibraries(addon);
    assert.equal(broken.unresolved, "libcudnn.so.9 needs libdep.so.1");
    assert.equal(describeCudaCheck(broken), "incomplete: libcudnn.so.9 needs libdep.so.1");
  });
});

Deno.test("checkCudaLibraries says so when the nvidia/ folder is missing", async () => {
  await withTempDir(async (dir) => {
    const { addon } = await layout(dir);
    await Deno.remove(join(dir, "libtensorflow", "nvidia"), { recursive: true });
    const check = await checkCudaLibraries(addon);
    assert.equal(check.unresolved, `no CUDA libraries in ${join(dir, "libtensorflow", "nvidia")}`);
  });
});

Deno.test("CUDA's and cuDNN's integer versions read as dotted versions", () => {
  assert.equal(cudaVersionString(12090), "12.9");
  assert.equal(cudaVersionString(13000), "13.0");
  assert.equal(cudnnVersionString(92800), "9.28.0");
  assert.equal(cudnnVersionString(90301), "9.3.1");
});
