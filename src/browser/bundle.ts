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
import * as esbuild from "esbuild";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The root of the repository, from this module's place in it. */
const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The `.wasm` files tfjs-backend-wasm picks from (plain, SIMD, SIMD with threads). */
export const WASM_FILES = [
  "tfjs-backend-wasm.wasm",
  "tfjs-backend-wasm-simd.wasm",
  "tfjs-backend-wasm-threaded-simd.wasm",
] as const;

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
 * @throws {Error} When esbuild fails or a `.wasm` file is missing; the message says which.
 */
export async function bundlePage(): Promise<PageBundle> {
  let result;
  try {
    result = await esbuild.build({
      entryPoints: [join(REPO_ROOT, "src/browser/page_main.ts")],
      bundle: true,
      platform: "browser",
      format: "esm",
      target: "es2022",
      absWorkingDir: REPO_ROOT,
      external: ["@tensorflow/tfjs-node", "@tensorflow/tfjs-node-gpu"],
      define: { "import.meta.main": "false" },
      write: false,
      minify: true,
      legalComments: "none",
      logLevel: "silent",
      plugins: [{
        name: "node-builtins-stub",
        setup(build) {
          build.onResolve({
            filter: /^node:|^(fs|path|os|util|crypto|module|url|worker_threads|perf_hooks)$/,
          }, (args) => ({ path: args.path, namespace: "node-stub" }));
          build.onLoad({ filter: /.*/, namespace: "node-stub" }, () => ({
            contents: NODE_STUB,
            loader: "js",
          }));
        },
      }],
    });
  } catch (err) {
    throw new Error(`esbuild could not bundle the browser page: ${(err as Error).message}`);
  } finally {
    await esbuild.stop();
  }
  const wasmDir = await wasmFolder();
  const wasm: Record<string, Uint8Array> = {};
  for (const file of WASM_FILES) wasm[file] = await Deno.readFile(join(wasmDir, file));
  return { code: result.outputFiles[0].text, wasm };
}

/** tfjs-backend-wasm's `dist/`, found from the repository's `node_modules`. */
async function wasmFolder(): Promise<string> {
  const dir = join(REPO_ROOT, "node_modules", "@tensorflow", "tfjs-backend-wasm", "dist");
  const first = join(dir, WASM_FILES[0]);
  try {
    await Deno.stat(first);
    return dir;
  } catch {
    throw new Error(
      `${first}: not found; expected @tensorflow/tfjs-backend-wasm in node_modules: run deno install`,
    );
  }
}
