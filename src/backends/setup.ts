/**
 * The set-up of the libtensorflow backend (`deno task setup`): tries, in
 * order, and logs what it decided at each step:
 *  (a) an existing build that loads (in tfjs-node's package, or cached);
 *  (b) a TensorFlow the user points to;
 *  (c) the pinned TensorFlow wheel from pip, checked against its SHA-256;
 *  (d) tfjs-node's stock download, for users who can reach Google's storage.
 *
 * For the GPU build, route (c) also fetches the CUDA 12 and cuDNN 9 wheels of
 * the pinned TensorFlow's `and-cuda` extra and unpacks them where
 * libtensorflow opens them; every route then checks that all the GPU build's
 * libraries resolve before it says the backend is ready.
 *
 * @module
 */
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { exists, unlessNotFound } from "../_util/fs.ts";
import { sha256Hex } from "../_util/hash.ts";
import { buildDir, compileBinding, installAddon } from "./binding_build.ts";
import { checkCudaLibraries, type CudaCheck, describeCudaCheck } from "./cuda_check.ts";
import { cudaLibrariesInstalled, installCudaLibraries, nvidiaDirOf } from "./cuda_wheels.ts";
import {
  addonPath,
  TFJS_NODE,
  TFJS_NODE_GPU,
  type TfjsNodePackage,
  tfjsNodePackageDir,
} from "./libtensorflow.ts";
import { loadInChild } from "./registry.ts";
import { requireTool, SetupError, TOOLS } from "./setup_tools.ts";
import {
  downloadWheel,
  extractWheel,
  findTensorflowLibrary,
  type TensorflowLibrary,
} from "./tensorflow_wheel.ts";
import type { DeviceReport } from "./types.ts";

/** What {@link setUpLibtensorflow} is asked for. */
export interface SetupOptions {
  /** tfjs-node-gpu (CUDA) instead of tfjs-node. */
  gpu: boolean;
  /** Build against this TensorFlow (route b). */
  tensorflow?: string;
  /** Rebuild even if a working build is found. */
  force: boolean;
  /** Never try tfjs-node's stock download. */
  offline: boolean;
  /** Where wheels and builds are kept. */
  cacheDir: string;
  /** The Python that runs pip. */
  python: string;
  /** The C++ compiler. */
  cxx: string;
  /** Prints one line of what it decided. */
  log: (line: string) => void;
}

/** What a set-up works with: its options, `cacheDir` resolved. */
interface SetupContext extends SetupOptions {
  pkg: TfjsNodePackage;
  packageDir: string;
  /** `performance.now()` when the set-up started. */
  started: number;
}

/** The outcome of one route: done, or why it did not give a working backend. */
type RouteOutcome = { done: true } | { done: false; failure?: string };

const DONE: RouteOutcome = { done: true };

function failed(failure: string): RouteOutcome {
  return { done: false, failure };
}

/**
 * Makes the libtensorflow backend ready, by the first route that gives a
 * build that loads and computes.
 *
 * @throws {SetupError} Naming every route's failure, when none worked.
 */
export async function setUpLibtensorflow(options: SetupOptions): Promise<void> {
  const ctx = setupContext(options);
  const { log } = ctx;
  log(`backend ${ctx.pkg.backend}: ${ctx.pkg.npmPackage} at ${ctx.packageDir}`);
  const failures: string[] = [];
  const routes: (() => Promise<RouteOutcome>)[] = [
    () => options.force || options.tensorflow ? Promise.resolve({ done: false }) : existing(ctx),
    () => options.tensorflow ? custom(ctx, options.tensorflow) : Promise.resolve({ done: false }),
    () => pinnedWheel(ctx),
    () => options.offline ? Promise.resolve(failed("(d) skipped: --offline")) : stock(ctx),
  ];
  for (const route of routes) {
    const outcome = await route();
    if (outcome.done) return;
    if (outcome.failure) failures.push(outcome.failure);
  }
  throw new SetupError(
    `no route gave a working ${ctx.pkg.npmPackage}:\n  ${failures.join("\n  ")}`,
  );
}

function setupContext(options: SetupOptions): SetupContext {
  const pkg = options.gpu ? TFJS_NODE_GPU : TFJS_NODE;
  const packageDir = tfjsNodePackageDir(pkg);
  if (!packageDir) {
    throw new SetupError(
      `npm package ${pkg.npmPackage} is not installed; run \`deno install\` in the project first`,
    );
  }
  return {
    ...options,
    pkg,
    packageDir,
    cacheDir: resolve(options.cacheDir),
    started: performance.now(),
  };
}

/** (a) An existing build that loads: the installed addon, or a cached build. */
async function existing(ctx: SetupContext): Promise<RouteOutcome> {
  const { pkg, packageDir, cacheDir, log } = ctx;
  if (await exists(addonPath(packageDir))) {
    log(`(a) found an addon at ${addonPath(packageDir)}; loading it in a child process`);
    return (await ready(ctx, true, "(a)")) ? DONE : failed(
      "(a) the installed addon does not load, lacks the binding patch or its CUDA libraries",
    );
  }
  const cached = buildDir(cacheDir, pkg, `tf${pkg.wheel.tensorflowVersion}-wheel`);
  const built = join(cached, "tfjs_binding.node");
  if (!(await exists(built))) {
    log("(a) no existing build");
    return { done: false };
  }
  log(`(a) found a cached build at ${built}; installing and loading it`);
  await installAddon(built, packageDir);
  return (await ready(ctx, true, "(a)"))
    ? DONE
    : failed(`(a) the cached build at ${built} does not load, or lacks the binding patch`);
}

/** (b) A TensorFlow the user points to; its failure ends the set-up. */
async function custom(ctx: SetupContext, tensorflow: string): Promise<RouteOutcome> {
  const { pkg, cacheDir, log } = ctx;
  const dir = resolve(tensorflow);
  log(`(b) building against the TensorFlow in ${dir}`);
  const library = await findTensorflowLibrary(dir);
  const id = `custom-${sha256Hex(dir).slice(0, 12)}`;
  await build(ctx, library, join(buildDir(cacheDir, pkg, id), "tfjs_binding.node"));
  if (await ready(ctx, true, "(b)", { strict: true })) return DONE;
  const cuda = pkg.gpu ? ", or its CUDA libraries are incomplete," : "";
  const andCuda = pkg.wheel.requirement.replace("==", "[and-cuda]==");
  const fix = pkg.gpu ? `; a pip installation needs them beside it: pip install "${andCuda}"` : "";
  throw new SetupError(`the addon built against ${dir} does not load${cuda} (see above)${fix}`);
}

/** (c) The pinned wheel, downloaded with pip, extracted, and the binding compiled against it. */
async function pinnedWheel(ctx: SetupContext): Promise<RouteOutcome> {
  const { pkg, cacheDir, python, cxx, log } = ctx;
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
    await ensureRuntimeWheels(ctx, nvidiaDirOf(library.libDir));
    await build(ctx, library, join(dir, "tfjs_binding.node"));
    return (await ready(ctx, true, "(c)", { strict: true }))
      ? DONE
      : failed("(c) the addon built from the wheel does not load");
  } catch (err) {
    if (!(err instanceof SetupError)) throw err;
    log(`(c) failed: ${err.message}`);
    return failed(`(c) ${err.message}`);
  }
}

async function build(ctx: SetupContext, library: TensorflowLibrary, out: string): Promise<void> {
  const { pkg, packageDir, cxx, log } = ctx;
  const main = join(library.libDir, library.mainLib);
  log(`compiling ${pkg.npmPackage}'s binding against ${main} with ${cxx}`);
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
async function ensureRuntimeWheels(ctx: SetupContext, nvidiaDir: string): Promise<void> {
  const { pkg, cacheDir, python, log } = ctx;
  const wheels = pkg.runtimeWheels;
  if (wheels.length === 0) return;
  if (await cudaLibrariesInstalled(nvidiaDir, wheels)) {
    log(`(c) CUDA: the ${wheels.length} pinned wheels are already unpacked in ${nvidiaDir}`);
    return;
  }
  const paths: string[] = [];
  const dir = join(cacheDir, "wheels");
  for (const [i, wheel] of wheels.entries()) {
    log(`(c) CUDA ${i + 1}/${wheels.length}: ${wheel.requirement}`);
    paths.push(await downloadWheel(wheel, { dir, python, log: (l) => log(`(c)   ${l}`) }));
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
  ctx: SetupContext,
  needPatch: boolean,
  route: string,
  options: { strict?: boolean } = {},
): Promise<boolean> {
  const { pkg, packageDir, log } = ctx;
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
  const result = await loadInChild(pkg.backend);
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
  log(readyLine(ctx, result.device, cuda));
  return true;
}

/** The last line setup prints: what loads, and on which device. */
function readyLine(ctx: SetupContext, device: DeviceReport, cuda: CudaCheck | undefined): string {
  const { pkg: { backend }, started } = ctx;
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

/** Host of tfjs-node's stock libtensorflow download. */
const STOCK_HOST = "https://storage.googleapis.com/";

/**
 * (d) tfjs-node's stock download: its own install script (Node.js runs it),
 * after checking that its host can be reached.
 */
async function stock(ctx: SetupContext): Promise<RouteOutcome> {
  const { pkg, packageDir } = ctx;
  const log = (line: string) => ctx.log(`(d) ${line}`);
  log(`checking whether ${STOCK_HOST} can be reached for tfjs-node's stock download`);
  try {
    await fetch(STOCK_HOST, { method: "HEAD", signal: AbortSignal.timeout(5000) });
  } catch (err) {
    const why = err instanceof Error ? err.message : err;
    const reason = `stock download: ${STOCK_HOST} cannot be reached (${why})`;
    log(reason);
    return failed(`(d) ${reason}`);
  }
  const require = createRequire(join(packageDir, "package.json"));
  const preGypBin = join(dirname(require.resolve("@mapbox/node-pre-gyp/package.json")), "bin");
  log(`running node scripts/install.js${pkg.gpu ? " gpu download" : ""} in ${packageDir}`);
  const node = new Deno.Command("node", {
    args: ["scripts/install.js", ...(pkg.gpu ? ["gpu", "download"] : [])],
    cwd: packageDir,
    env: { PATH: `${preGypBin}:${Deno.env.get("PATH") ?? ""}` },
  });
  const out = await unlessNotFound(() => node.output());
  if (!out) return failed("(d) stock download: needs Node.js (`node`), which is missing");
  if (out.code !== 0) {
    return failed(`(d) stock download: scripts/install.js exited with ${out.code}`);
  }
  return (await ready(ctx, false, "(d)")) ? DONE : failed("(d) the stock addon does not load");
}
