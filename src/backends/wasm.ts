/**
 * TF.js's WebAssembly backend (tfjs-backend-wasm) in Deno: XNNPACK kernels
 * compiled to WebAssembly, with SIMD where the runtime has it. Deno gives it
 * no thread pool (the threaded build needs Emscripten's classic workers), so
 * it computes on one core. tfjs-backend-wasm 4.22 has no
 * `Conv2DBackpropFilter` kernel, which training a CNN needs: the suite
 * registers its own (`wasm_conv_filter.ts`, built from the backend's kernels)
 * when it loads the backend, and the device description says so. It is the
 * fastest TF.js CPU backend that needs no native library: three `.wasm` files
 * of about 0.4 MB each, which is why the GPU kit carries it as TF.js's CPU side.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { packageRoot } from "../_util/package_root.ts";
import { isFile } from "../_util/fs.ts";
import type { LoadedBackend, ProbeResult, Tf } from "./types.ts";
import { registerWasmConvFilter, WASM_CONV_FILTER_NOTE } from "./wasm_conv_filter.ts";

/** The npm package. */
export const WASM_PACKAGE = "@tensorflow/tfjs-backend-wasm";

/** The `.wasm` builds the package loads from its `dist/` folder. */
export const WASM_FILES: readonly string[] = Object.freeze([
  "tfjs-backend-wasm.wasm",
  "tfjs-backend-wasm-simd.wasm",
  "tfjs-backend-wasm-threaded-simd.wasm",
]);

/**
 * The folder holding the package's `.wasm` files: `dist/` of the nearest
 * installed copy (`node_modules/`), from this module up.
 *
 * @throws {Error} When the package or a file is missing; the message names it.
 */
export async function wasmDistDir(from: string = import.meta.url): Promise<string> {
  const start = dirname(from.startsWith("file:") ? fileURLToPath(from) : from);
  const dist = join(await packageRoot(start, WASM_PACKAGE), "dist");
  for (const file of WASM_FILES) {
    if (!(await isFile(join(dist, file)))) {
      throw new Error(`${join(dist, file)}: expected ${WASM_PACKAGE}'s build, got no such file`);
    }
  }
  return dist;
}

/** Available where the package and its `.wasm` files are installed. */
export async function probeWasm(): Promise<ProbeResult> {
  try {
    const dist = await wasmDistDir();
    return { name: "wasm", available: true, reason: `WebAssembly kernels from ${dist}` };
  } catch (err) {
    return { name: "wasm", available: false, reason: (err as Error).message };
  }
}

/**
 * Makes the WebAssembly backend the active one, with the suite's
 * `Conv2DBackpropFilter` where the package has none, and reports SIMD and its threads.
 */
export async function loadWasm(): Promise<LoadedBackend> {
  const tf: Tf = await import("@tensorflow/tfjs");
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  // A file path: Emscripten reads the module with node:fs, as under Node.
  wasm.setWasmPaths(`${await wasmDistDir()}/`);
  const suiteKernel = registerWasmConvFilter(tf);
  if (!(await tf.setBackend("wasm"))) throw new Error('backend wasm: tf.setBackend("wasm") failed');
  const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT") as boolean;
  const threads = wasm.getThreadsCount();
  const multithread = await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT") as boolean;
  return {
    name: "wasm",
    tf,
    device: {
      kind: "cpu",
      description: `WebAssembly (tfjs-backend-wasm ${tf.version_core}${
        suiteKernel ? ` ${WASM_CONV_FILTER_NOTE}` : ""
      }) in Deno: SIMD ${simd ? "on" : "off"}, ${threads} thread${threads === 1 ? "" : "s"}`,
      wasm: { simd, threads, multithread },
    },
  };
}
