/**
 * The GPU kit's program: `src/cli/gpu_kit_run.ts` with the suite's code and
 * the npm packages of TF.js and its WebGPU backend, bundled by esbuild into
 * one ES module that Deno runs with no `deno.json`, no lock file and no
 * `node_modules` (`deno run -A --no-config --no-lock`).
 *
 * In the bundle every module's `import.meta.url` is the bundle's own, so the
 * kit places it where the repository has its entry point,
 * {@link KIT_BUNDLE_PATH}: the Keras script (`./keras_peer.py`) and the
 * files it reads from `node_modules/` are then found beside it as in the
 * repository. `import.meta.main` is false in every bundled module (no task's
 * own entry point fires); a small entry calls the kit's runner instead.
 * tfjs-node and tfjs-node-gpu stay out: only the WebGPU, WebAssembly and
 * pure-JS backends run from the kit. So does the browser executor's page
 * driver (`src/browser/run.ts`, with puppeteer-core and esbuild): the kit runs
 * no browser backend, and a stub that refuses stands in for it.
 *
 * @module
 */
import { bundleInMemory, stubModules } from "../_util/esbuild.ts";

/** Where the bundle sits inside the kit: the entry point's place in the repository. */
export const KIT_BUNDLE_PATH = "app/src/cli/gpu_kit_run.js";

/** The root of the repository, from this module's place in it. */
const REPO_ROOT = new URL("../../", import.meta.url).pathname;

/** The bundle's entry: the runner, given the bundle's own path. */
const ENTRY = `import { runKitCli } from "./src/cli/gpu_kit_run.ts";
await runKitCli(new URL(import.meta.url).pathname);
`;

/** What stands in for `src/browser/run.ts` in the bundle. */
const BROWSER_STUB = `export function runInBrowser() {
  throw new Error("the GPU kit runs no browser backend");
}
`;

/** What {@link bundleKitProgram} made. */
export interface KitBundle {
  /** The bundle's text. */
  code: Uint8Array;
  /** The npm packages inside, `name@version`, sorted. */
  packages: string[];
}

/**
 * Bundles the kit's program.
 *
 * @throws {Error} When esbuild fails; the message has its first error.
 */
export async function bundleKitProgram(): Promise<KitBundle> {
  const result = await bundleInMemory("the GPU kit", {
    stdin: {
      contents: ENTRY,
      resolveDir: REPO_ROOT,
      sourcefile: "gpu_kit_entry.ts",
      loader: "ts",
    },
    platform: "node",
    format: "esm",
    target: "esnext",
    external: ["node:*", "@tensorflow/tfjs-node", "@tensorflow/tfjs-node-gpu"],
    define: { "import.meta.main": "false" },
    // CommonJS packages inside an ES module call `require` and read `__dirname`
    // (tfjs-backend-wasm's Emscripten loader): Node's are made from the bundle's place.
    banner: {
      js: 'import { createRequire as __kitRequire } from "node:module";\n' +
        'import { dirname as __kitDirname } from "node:path";\n' +
        'import { fileURLToPath as __kitFilePath } from "node:url";\n' +
        "const require = __kitRequire(import.meta.url);\n" +
        "const __filename = __kitFilePath(import.meta.url);\n" +
        "const __dirname = __kitDirname(__filename);",
    },
    absWorkingDir: REPO_ROOT,
    plugins: [stubModules("no-browser", /\/browser\/run\.ts$/, BROWSER_STUB)],
  });
  const packages = new Set<string>();
  for (const input of Object.keys(result.metafile.inputs)) {
    const m = input.match(/node_modules\/\.deno\/([^/]+)\//);
    if (m) packages.add(m[1].replace("+", "/"));
  }
  return { code: result.outputFiles[0].contents, packages: [...packages].sort() };
}
