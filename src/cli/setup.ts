/**
 * `deno task setup [--gpu]`: makes the native TensorFlow backend ready.
 *
 * Tries, in order, and prints what it decided at each step:
 *  (a) an existing build that loads (in tfjs-node's package, or cached);
 *  (b) a TensorFlow the user points to with `--tensorflow DIR`;
 *  (c) the pinned TensorFlow wheel from pip, checked against its SHA-256;
 *  (d) tfjs-node's stock download, for users who can reach Google's storage.
 *
 * @module
 */
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import {
  addonPath,
  type NativePackage,
  nativePackageDir,
  TFJS_NODE,
  TFJS_NODE_GPU,
} from "../backends/native.ts";
import { buildDir, compileBinding, installAddon } from "../backends/native_build.ts";
import {
  downloadWheel,
  extractWheel,
  findTensorflowLibrary,
  type TensorflowLibrary,
} from "../backends/native_wheel.ts";
import { SetupError } from "../backends/setup_error.ts";
import { requireTool, TOOLS } from "../backends/setup_tools.ts";
import { loadInChild } from "../backends/registry.ts";
import { cacheDirFromEnv, parseFlags, runCli } from "./_cli.ts";
import { exists } from "../_util/fs.ts";
import { sha256Hex } from "../_util/hash.ts";

const HELP = `Usage: deno task setup [options]

Makes the native TensorFlow backend (tfjs-node) ready: finds or builds its
addon against libtensorflow 2.21 from TensorFlow's pip wheel.

Options:
  --gpu              set up tfjs-node-gpu (CUDA) instead of tfjs-node (CPU)
  --tensorflow DIR   build against this TensorFlow (e.g. .../site-packages/tensorflow,
                     or an unpacked libtensorflow archive with lib/ and include/)
  --force            rebuild even if a working build is found
  --offline          never try tfjs-node's stock download from Google's storage
  --cache-dir DIR    where wheels and builds are kept
                     (default: $XDG_CACHE_HOME/fmnist-bench or ~/.cache/fmnist-bench)
  --python CMD       Python that runs pip (default: $PYTHON or python3)
  --cxx CMD          C++ compiler (default: $CXX or c++)
  -h, --help         show this help
`;

/** Host of tfjs-node's stock libtensorflow download. */
const STOCK_HOST = "https://storage.googleapis.com/";

const started = performance.now();

function log(line: string): void {
  console.log(`setup: ${line}`);
}

async function main(): Promise<number> {
  const { values } = parseFlags("setup", {
    args: Deno.args,
    options: {
      gpu: { type: "boolean", default: false },
      tensorflow: { type: "string" },
      force: { type: "boolean", default: false },
      offline: { type: "boolean", default: false },
      "cache-dir": { type: "string" },
      python: { type: "string" },
      cxx: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const pkg = values.gpu ? TFJS_NODE_GPU : TFJS_NODE;
  const backend = values.gpu ? "tensorflow-gpu" : "tensorflow";
  const cacheDir = resolve(values["cache-dir"] ?? cacheDirFromEnv());
  const python = values.python ?? Deno.env.get("PYTHON") ?? "python3";
  const cxx = values.cxx ?? Deno.env.get("CXX") ?? "c++";
  const packageDir = nativePackageDir(pkg);
  if (!packageDir) {
    throw new SetupError(
      `npm package ${pkg.npmPackage} is not installed; run \`deno install\` in the project first`,
    );
  }
  log(`backend ${backend}: ${pkg.npmPackage} at ${packageDir}`);

  const failures: string[] = [];

  // (a) an existing build that loads.
  if (!values.force && !values.tensorflow) {
    if (await exists(addonPath(packageDir))) {
      log(`(a) found an addon at ${addonPath(packageDir)}; loading it in a child process`);
      if (await verify(backend, true)) return 0;
      failures.push("(a) the installed addon does not load, or lacks the binding patch");
    } else {
      const cached = buildDir(cacheDir, pkg, `tf${pkg.wheel.tensorflowVersion}-wheel`);
      const built = join(cached, "tfjs_binding.node");
      if (await exists(built)) {
        log(`(a) found a cached build at ${built}; installing and loading it`);
        await installAddon(built, packageDir);
        if (await verify(backend, true)) return 0;
        failures.push(`(a) the cached build at ${built} does not load, or lacks the binding patch`);
      } else {
        log("(a) no existing build");
      }
    }
  }

  // (b) a TensorFlow the user points to.
  if (values.tensorflow) {
    const dir = resolve(values.tensorflow);
    log(`(b) building against the TensorFlow in ${dir}`);
    const library = await findTensorflowLibrary(dir);
    const id = `custom-${sha256Hex(dir).slice(0, 12)}`;
    await build(
      pkg,
      packageDir,
      library,
      join(buildDir(cacheDir, pkg, id), "tfjs_binding.node"),
      cxx,
    );
    if (await verify(backend, true)) return 0;
    throw new SetupError(`the addon built against ${dir} does not load (see above)`);
  }

  // (c) the pinned wheel.
  try {
    await requireTool(TOOLS.python, python, "to download TensorFlow's wheel");
    await requireTool(TOOLS.pip, python, "to download TensorFlow's wheel");
    await requireTool(TOOLS.cxx, cxx, "to compile tfjs-node's binding");
    const dir = buildDir(cacheDir, pkg, `tf${pkg.wheel.tensorflowVersion}-wheel`);
    let library: TensorflowLibrary;
    try {
      library = await findTensorflowLibrary(join(dir, "libtensorflow", "tensorflow"));
      log(`(c) libtensorflow already extracted in ${library.libDir}`);
    } catch {
      const wheel = await downloadWheel(pkg.wheel, {
        dir: join(cacheDir, "wheels"),
        python,
        log: (l) => log(`(c) ${l}`),
      });
      log(`(c) extracting the libraries and C headers from ${wheel}`);
      library = await extractWheel(wheel, join(dir, "libtensorflow"), { python });
    }
    await build(pkg, packageDir, library, join(dir, "tfjs_binding.node"), cxx);
    if (await verify(backend, true)) return 0;
    failures.push("(c) the addon built from the wheel does not load");
  } catch (err) {
    if (!(err instanceof SetupError)) throw err;
    log(`(c) failed: ${err.message}`);
    failures.push(`(c) ${err.message}`);
  }

  // (d) tfjs-node's stock download.
  if (values.offline) {
    failures.push("(d) skipped: --offline");
  } else {
    const reason = await stockInstall(pkg, packageDir);
    if (reason === undefined && (await verify(backend, false))) return 0;
    failures.push(`(d) ${reason ?? "the stock addon does not load"}`);
  }
  throw new SetupError(`no route gave a working ${pkg.npmPackage}:\n  ${failures.join("\n  ")}`);
}

async function build(
  pkg: NativePackage,
  packageDir: string,
  library: TensorflowLibrary,
  out: string,
  cxx: string,
): Promise<void> {
  log(
    `compiling ${pkg.npmPackage}'s binding against ${
      join(library.libDir, library.mainLib)
    } with ${cxx}`,
  );
  const t0 = performance.now();
  await compileBinding({ packageDir, library, out, cxx });
  log(`compiled in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${out}`);
  log(`installed to ${await installAddon(out, packageDir)}`);
}

/**
 * Loads the backend in a child process and says what it found. A build made
 * here must have the binding patch (`BINDING_PATCHES`); one from an older
 * setup does not, and is rebuilt.
 */
async function verify(
  backend: "tensorflow" | "tensorflow-gpu",
  needPatch: boolean,
): Promise<boolean> {
  const result = await loadInChild(backend);
  if (!result.ok) {
    log(`load check failed: ${result.reason}`);
    return false;
  }
  if (needPatch && !result.device.patchedBinding) {
    log("the addon loads but lacks the binding patch for list attributes; rebuilding");
    return false;
  }
  if (!result.device.patchedBinding) {
    log("note: tfjs-node's stock addon cannot call TensorFlow's fused kernels; they stay off");
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  log(`ready in ${seconds} s: ${backend} loads and computes: ${result.device.description}`);
  if (result.device.fellBackToCpu) {
    log(
      "note: TensorFlow sees no GPU here, so the tensorflow-gpu backend stays unavailable until one is visible",
    );
  }
  return true;
}

/** Runs tfjs-node's own install script; returns why it failed, or undefined. */
async function stockInstall(pkg: NativePackage, packageDir: string): Promise<string | undefined> {
  log(`(d) checking whether ${STOCK_HOST} can be reached for tfjs-node's stock download`);
  try {
    await fetch(STOCK_HOST, { method: "HEAD", signal: AbortSignal.timeout(5000) });
  } catch (err) {
    const reason = `stock download: ${STOCK_HOST} cannot be reached (${
      err instanceof Error ? err.message : err
    })`;
    log(`(d) ${reason}`);
    return reason;
  }
  const require = createRequire(join(packageDir, "package.json"));
  const preGypBin = join(dirname(require.resolve("@mapbox/node-pre-gyp/package.json")), "bin");
  log(`(d) running node scripts/install.js${pkg.gpu ? " gpu download" : ""} in ${packageDir}`);
  try {
    const out = await new Deno.Command("node", {
      args: ["scripts/install.js", ...(pkg.gpu ? ["gpu", "download"] : [])],
      cwd: packageDir,
      env: { PATH: `${preGypBin}:${Deno.env.get("PATH") ?? ""}` },
    }).output();
    return out.code === 0
      ? undefined
      : `stock download: scripts/install.js exited with ${out.code}`;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      return "stock download: needs Node.js (`node`), which is missing";
    }
    throw err;
  }
}

if (import.meta.main) await runCli(main);
