/**
 * The browser page's program: `page_main.ts` with the suite's trainer,
 * evaluation and latency code and TF.js with its WebAssembly, WebGL, WebGPU
 * and pure-JS backends, bundled by esbuild into one ES module for the
 * browser, and the `.wasm` files of tfjs-backend-wasm that it loads.
 *
 * The suite's modules that a page reaches but never calls (TensorFlow's
 * native ops, which the `native` engine uses) import Node built-ins; in the
 * bundle those imports resolve to a stub that throws if anything calls it.
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleInMemory, stubModules } from "../_util/esbuild.ts";
import { WASM_FILES, wasmDistDir } from "../backends/wasm.ts";

/** The root of the repository, from this module's place in it. */
const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** What {@link bundlePage} made. */
export interface PageBundle {
  /** The page's script, an ES module. */
  code: string;
  /** Each `.wasm` file by name. */
  wasm: Record<string, Uint8Array>;
}

const NODE_STUB =
  `const fail = () => { throw new Error("a Node built-in was called in a browser page"); };
module.exports = new Proxy(fail, { get: (_t, key) => key === "__esModule" ? false : fail });`;

/**
 * Bundles the page's program and reads the `.wasm` files.
 *
 * @param entry The program's entry, a path; default `src/browser/page_main.ts`
 *   (tests bundle their own page with the same rules).
 * @throws {Error} When esbuild fails or a `.wasm` file is missing; the message says which.
 */
export async function bundlePage(
  entry: string = join(REPO_ROOT, "src/browser/page_main.ts"),
): Promise<PageBundle> {
  const result = await bundleInMemory("the browser page", {
    entryPoints: [entry],
    platform: "browser",
    format: "esm",
    target: "es2022",
    absWorkingDir: REPO_ROOT,
    external: ["@tensorflow/tfjs-node", "@tensorflow/tfjs-node-gpu"],
    define: { "import.meta.main": "false" },
    minify: true,
    plugins: [
      stubModules(
        "node-stub",
        /^node:|^(fs|path|os|util|crypto|module|url|worker_threads|perf_hooks)$/,
        NODE_STUB,
      ),
    ],
  });
  const wasmDir = await wasmDistDir();
  const wasm: Record<string, Uint8Array> = {};
  for (const file of WASM_FILES) wasm[file] = await Deno.readFile(join(wasmDir, file));
  return { code: result.outputFiles[0].text, wasm };
}
