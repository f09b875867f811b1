/**
 * Builds the conformance bundle: tfjs-node's test harness
 * (`dist/run_tests.js`) together with tfjs-core's backend tests
 * (`@tensorflow/tfjs-core/dist/tests.js` and its `*_test.js` files), made
 * into one CommonJS file with esbuild.
 *
 * Why a bundle: tfjs-core's test files are extensionless ESM
 * (`import './ops/abs_test'`), which neither Deno nor Node loads as they are.
 * Why inside tfjs-node's `dist/`: tfjs-node finds its native addon relative
 * to its own code (`binary.find(path.resolve(__dirname + '/../package.json'))`),
 * so the bundle must sit where `index.js` sits.
 *
 * @module
 */
import { dirname, join, resolve } from "node:path";
import { bundleInMemory } from "../_util/esbuild.ts";
import { unlessNotFound, writeFileAtomic } from "../_util/fs.ts";

/** The harness inside tfjs-node's package folder: the bundle's entry point. */
const HARNESS_ENTRY = "dist/run_tests.js";

/** The bundle inside tfjs-node's package folder; named so that nobody mistakes it for tfjs-node's own. */
const BUNDLE_FILE = "dist/fmnist_bench_conformance.js";

/** What {@link buildConformanceBundle} made. */
export interface BundleInfo {
  /** Absolute path of the bundle. */
  path: string;
  /** `false` when the file already held exactly this bundle and was left alone. */
  written: boolean;
  /** Size in bytes. */
  bytes: number;
  /** How many of tfjs-core's test files it holds (all that `dist/tests.js` imports). */
  testFiles: number;
  /** The version of the `@tensorflow/tfjs-core` package the tests came from. */
  tfjsCoreVersion: string;
  /** Seconds the build took. */
  seconds: number;
}

/**
 * Bundles tfjs-node's harness with tfjs-core's tests into
 * {@link BUNDLE_FILE} inside `packageDir`, atomically. It is built on every
 * call (about a second); the file is only rewritten when its bytes change.
 *
 * @param packageDir tfjs-node's installed package folder (see `tfjsNodePackageDir`).
 * @throws {Error} When esbuild fails, or the bundle lacks any of the test
 *   files `@tensorflow/tfjs-core/dist/tests.js` imports.
 */
export async function buildConformanceBundle(packageDir: string): Promise<BundleInfo> {
  const t0 = performance.now();
  const entry = join(packageDir, HARNESS_ENTRY);
  const outfile = join(packageDir, BUNDLE_FILE);
  // `ignoreAnnotations`: tfjs-core's package.json declares `sideEffects`, and without this
  // esbuild drops `dist/tests.js`'s bare `import './x_test'` lines, that is, every test.
  // `external`: jasmine and yargs are loaded by the harness at run time (`require('jasmine')`
  // must be the module the child patches), and node-pre-gyp only finds the addon path; none is
  // worth bundling.
  const result = await bundleInMemory(entry, {
    platform: "node",
    format: "cjs",
    ignoreAnnotations: true,
    external: ["jasmine", "yargs", "@mapbox/node-pre-gyp"],
    entryPoints: [entry],
    outfile,
    absWorkingDir: packageDir,
  });
  const inputs = new Set(Object.keys(result.metafile.inputs).map((p) => resolve(packageDir, p)));
  const { testFiles, tfjsCoreVersion } = await checkTestFiles(inputs, entry);
  const output = result.outputFiles.find((f) => f.path === outfile);
  if (!output) {
    const made = result.outputFiles.map((f) => f.path).join(", ") || "nothing";
    throw new Error(`esbuild did not produce ${outfile}; it produced ${made}`);
  }
  return {
    path: outfile,
    written: await writeIfChanged(outfile, output.contents),
    bytes: output.contents.length,
    testFiles,
    tfjsCoreVersion,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** `import './ops/abs_test';` lines of tfjs-core's `dist/tests.js`. */
const TEST_IMPORT = /^import '(\.[^']+)';$/gm;

/**
 * Checks that the bundle holds every test file tfjs-core's `dist/tests.js`
 * imports, so that a build that silently lost tests (the `sideEffects`
 * trap) cannot pass as a small, green suite.
 *
 * @returns The number of test files, and the version of the tfjs-core they came from.
 */
async function checkTestFiles(
  inputs: ReadonlySet<string>,
  entry: string,
): Promise<{ testFiles: number; tfjsCoreVersion: string }> {
  const testsJs = [...inputs].find((p) => p.endsWith("/@tensorflow/tfjs-core/dist/tests.js"));
  if (testsJs === undefined) {
    throw new Error(
      `the bundle of ${entry} does not include @tensorflow/tfjs-core/dist/tests.js; ` +
        `expected the harness to import it`,
    );
  }
  const text = await Deno.readTextFile(testsJs);
  const wanted = [...text.matchAll(TEST_IMPORT)].map((m) =>
    resolve(dirname(testsJs), `${m[1]}.js`)
  );
  if (wanted.length === 0) {
    throw new Error(
      `${testsJs}: expected import lines like "import './ops/abs_test';", found none`,
    );
  }
  const lost = wanted.filter((p) => !inputs.has(p));
  if (lost.length > 0) {
    throw new Error(
      `the bundle lost ${lost.length} of the ${wanted.length} test files ${testsJs} imports ` +
        `(e.g. ${lost[0]}); was ignoreAnnotations turned off?`,
    );
  }
  const pkg = JSON.parse(await Deno.readTextFile(resolve(dirname(testsJs), "../package.json")));
  return { testFiles: wanted.length, tfjsCoreVersion: String(pkg.version) };
}

/** Writes `bytes` to `path` via a temporary file and a rename, unless it already holds them. */
async function writeIfChanged(path: string, bytes: Uint8Array): Promise<boolean> {
  const old = await unlessNotFound(() => Deno.readFile(path));
  if (old?.length === bytes.length && old.every((b, i) => b === bytes[i])) return false;
  try {
    await writeFileAtomic(path, bytes);
  } catch (err) {
    throw new Error(`cannot write the conformance bundle ${path}: ${(err as Error).message}`);
  }
  return true;
}
