/**
 * `deno task setup [--gpu]`: makes the libtensorflow backend ready.
 *
 * Tries, in order, and prints what it decided at each step:
 *  (a) an existing build that loads (in tfjs-node's package, or cached);
 *  (b) a TensorFlow the user points to with `--tensorflow DIR`;
 *  (c) the pinned TensorFlow wheel from pip, checked against its SHA-256;
 *  (d) tfjs-node's stock download, for users who can reach Google's storage.
 *
 * With `--gpu`, route (c) also fetches the CUDA 12 and cuDNN 9 wheels of the
 * pinned TensorFlow's `and-cuda` extra and unpacks them where libtensorflow
 * opens them; every route then checks that all the GPU build's libraries
 * resolve before it says the backend is ready.
 *
 * @module
 */
import { join, resolve } from "node:path";
import {
  addonPath,
  TFJS_NODE,
  TFJS_NODE_GPU,
  type TfjsNodePackage,
  tfjsNodePackageDir,
} from "../backends/libtensorflow.ts";
import { buildDir, compileBinding, installAddon } from "../backends/binding_build.ts";
import {
  downloadWheel,
  extractWheel,
  findTensorflowLibrary,
  type TensorflowLibrary,
} from "../backends/tensorflow_wheel.ts";
import { SetupError } from "../backends/setup_error.ts";
import { requireTool, TOOLS } from "../backends/setup_tools.ts";
import { loadInChild } from "../backends/registry.ts";
import type { DeviceReport } from "../backends/types.ts";
import {
  cudaLibrariesInstalled,
  installCudaLibraries,
  nvidiaDirOf,
} from "../backends/cuda_wheels.ts";
import { checkCudaLibraries, type CudaCheck, describeCudaCheck } from "../backends/cuda_check.ts";
import { cacheDirFromEnv, parseFlags, runCli } from "./_cli.ts";
import { stockInstall } from "./_stock_install.ts";
import { exists } from "../_util/fs.ts";
import { sha256Hex } from "../_util/hash.ts";

const HELP = `Usage: deno task setup [options]

Makes the native TensorFlow backend (tfjs-node) ready: finds or builds its
addon against libtensorflow 2.21 from TensorFlow's pip wheel.

Options:
  --gpu              set up tfjs-node-gpu (CUDA) instead of tfjs-node (CPU): the
                     tensorflow==2.21.0 wheel and the 12 CUDA 12 / cuDNN 9 wheels
                     of its and-cuda extra (3.4 GB of downloads, 5.7 GB unpacked),
                     pinned by SHA-256; needs only the NVIDIA driver to use a GPU
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

const started = performance.now();

function log(line: string): void {
  console.log(`setup: ${line}`);
}

/** What a set-up works with, from the flags and the environment. */
interface SetupContext {
  pkg: TfjsNodePackage;
  backend: "tensorflow" | "tensorflow-gpu";
  packageDir: string;
  cacheDir: string;
  python: string;
  cxx: string;
}

/** The outcome of one route: done, or why it did not give a working backend. */
type RouteOutcome = { done: true } | { done: false; failure?: string };

const DONE: RouteOutcome = { done: true };

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
  const ctx = setupContext(values.gpu ?? false, values);
  log(`backend ${ctx.backend}: ${ctx.pkg.npmPackage} at ${ctx.packageDir}`);
  const failures: string[] = [];
  const routes: (() => Promise<RouteOutcome>)[] = [
    () => values.force || values.tensorflow ? Promise.resolve({ done: false }) : existing(ctx),
    () => values.tensorflow ? custom(ctx, values.tensorflow) : Promise.resolve({ done: false }),
    () => pinnedWheel(ctx),
    () =>
      values.offline
        ? Promise.resolve({ done: false, failure: "(d) skipped: --offline" })
        : stock(ctx),
  ];
  for (const route of routes) {
    const outcome = await route();
    if (outcome.done) return 0;
    if (outcome.failure) failures.push(outcome.failure);
  }
  throw new SetupError(
    `no route gave a working ${ctx.pkg.npmPackage}:\n  ${failures.join("\n  ")}`,
  );
}

function setupContext(
  gpu: boolean,
  values: { "cache-dir"?: string; python?: string; cxx?: string },
): SetupContext {
  const pkg = gpu ? TFJS_NODE_GPU : TFJS_NODE;
  const packageDir = tfjsNodePackageDir(pkg);
  if (!packageDir) {
    throw new SetupError(
      `npm package ${pkg.npmPackage} is not installed; run \`deno install\` in the project first`,
    );
  }
  return {
    pkg,
    backend: gpu ? "tensorflow-gpu" : "tensorflow",
    packageDir,
    cacheDir: resolve(values["cache-dir"] ?? cacheDirFromEnv()),
    python: values.python ?? Deno.env.get("PYTHON") ?? "python3",
    cxx: values.cxx ?? Deno.env.get("CXX") ?? "c++",
  };
}

/** (a) An existing build that loads: the installed addon, or a cached build. */
async function existing(ctx: SetupContext): Promise<RouteOutcome> {
  const { pkg, backend, packageDir, cacheDir } = ctx;
  if (await exists(addonPath(packageDir))) {
    log(`(a) found an addon at ${addonPath(packageDir)}; loading it in a child process`);
    if (await ready(pkg, backend, packageDir, true, "(a)")) return DONE;
    return {
      done: false,
      failure:
        "(a) the installed addon does not load, lacks the binding patch or its CUDA libraries",
    };
  }
  const cached = buildDir(cacheDir, pkg, `tf${pkg.wheel.tensorflowVersion}-wheel`);
  const built = join(cached, "tfjs_binding.node");
  if (!(await exists(built))) {
    log("(a) no existing build");
    return { done: false };
  }
  log(`(a) found a cached build at ${built}; installing and loading it`);
  await installAddon(built, packageDir);
  if (await ready(pkg, backend, packageDir, true, "(a)")) return DONE;
  return {
    done: false,
    failure: `(a) the cached build at ${built} does not load, or lacks the binding patch`,
  };
}

/** (b) A TensorFlow the user points to; its failure ends the set-up. */
async function custom(ctx: SetupContext, tensorflow: string): Promise<RouteOutcome> {
  const { pkg, backend, packageDir, cacheDir, cxx } = ctx;
  const dir = resolve(tensorflow);
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
  if (await ready(pkg, backend, packageDir, true, "(b)", { strict: true })) return DONE;
  throw new SetupError(
    `the addon built against ${dir} does not load${
      pkg.gpu ? ", or its CUDA libraries are incomplete," : ""
    } (see above)${
      pkg.gpu
        ? `; a pip installation needs them beside it: pip install "${
          pkg.wheel.requirement.replace("==", "[and-cuda]==")
        }"`
        : ""
    }`,
  );
}

/** (c) The pinned wheel, downloaded with pip, extracted, and the binding compiled against it. */
async function pinnedWheel(ctx: SetupContext): Promise<RouteOutcome> {
  const { pkg, backend, packageDir, cacheDir, python, cxx } = ctx;
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
    await ensureRuntimeWheels(pkg, nvidiaDirOf(library.libDir), cacheDir, python);
    await build(pkg, packageDir, library, join(dir, "tfjs_binding.node"), cxx);
    if (await ready(pkg, backend, packageDir, true, "(c)", { strict: true })) return DONE;
    return { done: false, failure: "(c) the addon built from the wheel does not load" };
  } catch (err) {
    if (!(err instanceof SetupError)) throw err;
    log(`(c) failed: ${err.message}`);
    return { done: false, failure: `(c) ${err.message}` };
  }
}

/** (d) tfjs-node's stock download. */
async function stock(ctx: SetupContext): Promise<RouteOutcome> {
  const { pkg, backend, packageDir } = ctx;
  const reason = await stockInstall(pkg, packageDir, (line) => log(`(d) ${line}`));
  if (reason === undefined && (await ready(pkg, backend, packageDir, false, "(d)"))) return DONE;
  return { done: false, failure: `(d) ${reason ?? "the stock addon does not load"}` };
}

async function build(
  pkg: TfjsNodePackage,
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
 * Fetches and unpacks the wheels of the libraries `pkg`'s libtensorflow opens
 * at run time (the CUDA ones for the GPU build), unless `nvidiaDir` already
 * holds exactly those.
 */
async function ensureRuntimeWheels(
  pkg: TfjsNodePackage,
  nvidiaDir: string,
  cacheDir: string,
  python: string,
): Promise<void> {
  const wheels = pkg.runtimeWheels;
  if (wheels.length === 0) return;
  if (await cudaLibrariesInstalled(nvidiaDir, wheels)) {
    log(`(c) CUDA: the ${wheels.length} pinned wheels are already unpacked in ${nvidiaDir}`);
    return;
  }
  const paths: string[] = [];
  for (const [i, wheel] of wheels.entries()) {
    log(`(c) CUDA ${i + 1}/${wheels.length}: ${wheel.requirement}`);
    paths.push(
      await downloadWheel(wheel, {
        dir: join(cacheDir, "wheels"),
        python,
        log: (l) => log(`(c)   ${l}`),
      }),
    );
  }
  const t0 = performance.now();
  log(`(c) CUDA: unpacking ${wheels.length} wheels into ${nvidiaDir}`);
  await installCudaLibraries(wheels, paths, nvidiaDir, { python });
  log(`(c) CUDA: unpacked in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

/**
 * Whether the installed addon is ready: it loads in a child process and
 * computes, has the binding patch when `needPatch` (a build from an older
 * setup lacks it and is rebuilt) and, for the GPU build, every library it and
 * its CUDA libraries need resolves. Prints the one line that says so.
 *
 * @param strict For a build made just now: an unresolved library is an error,
 *   not a reason to try the next route.
 */
async function ready(
  pkg: TfjsNodePackage,
  backend: "tensorflow" | "tensorflow-gpu",
  packageDir: string,
  needPatch: boolean,
  route: string,
  options: { strict?: boolean } = {},
): Promise<boolean> {
  let cuda: CudaCheck | undefined;
  if (pkg.gpu) {
    cuda = await checkCudaLibraries(addonPath(packageDir));
    if (cuda.unresolved) {
      const line = `the GPU build's libraries do not all resolve: ${cuda.unresolved}`;
      if (options.strict) {
        throw new SetupError(
          `${line}; install the system library it names, or run ` +
            `\`deno task setup --gpu --force\` to unpack the CUDA wheels again`,
        );
      }
      log(`${route} ${line}`);
      return false;
    }
    log(`${route} CUDA: ${describeCudaCheck(cuda)}`);
  }
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
  log(readyLine(backend, result.device, cuda));
  return true;
}

/** The last line setup prints: what loads, and on which device. */
function readyLine(backend: string, device: DeviceReport, cuda: CudaCheck | undefined): string {
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const libraries = cuda?.versions
    ? `CUDA runtime ${cuda.versions.cudaRuntime}, cuDNN ${cuda.versions.cudnn}, all ${cuda.checked} libraries resolve`
    : `all ${cuda?.checked} libraries resolve`;
  if (!device.fellBackToCpu) {
    return `ready in ${seconds} s: ${backend} loads and computes: ${device.description}${
      cuda ? ` (${libraries})` : ""
    }`;
  }
  const why = device.noGpuReason ? ` (${device.noGpuReason})` : "";
  const driver = cuda?.versions?.driverCuda
    ? `an NVIDIA driver for CUDA ${cuda.versions.driverCuda} is present, but TensorFlow sees no GPU`
    : "no NVIDIA driver is present";
  return `ready in ${seconds} s: ${backend} loads; the CUDA libraries are complete ` +
    `(${libraries}) and ${driver}, so it runs on the CPU here and stays unavailable ` +
    `for runs until a GPU is visible${why}`;
}

if (import.meta.main) await runCli(main);
