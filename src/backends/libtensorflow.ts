/**
 * The libtensorflow backends: `@tensorflow/tfjs-node` (CPU) and
 * `@tensorflow/tfjs-node-gpu` (CUDA). This file knows where their native
 * addon lives, the pinned TensorFlow wheel each is built from, how to probe
 * them without loading, and how to load one.
 *
 * Both register the TensorFlow.js backend `"tensorflow"` and load their own
 * copy of libtensorflow, so a process can hold only one of them.
 *
 * @module
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { installNodeUtilShim } from "./node_util_shim.ts";
import type { BackendLoadOptions, DeviceReport, LoadedBackend, ProbeResult, Tf } from "./types.ts";
import { exists } from "../_util/fs.ts";
import type { PinnedWheel } from "./tensorflow_wheel.ts";
import { CUDA_12_WHEELS } from "./cuda_wheels.ts";

/** The TensorFlow pip wheel a libtensorflow backend is built from by `deno task setup`. */
export interface WheelPin extends PinnedWheel {
  /** The libtensorflow version inside. */
  tensorflowVersion: string;
}

/** A libtensorflow backend package and how to build its addon. */
export interface TfjsNodePackage {
  /** The registry name of its backend. */
  backend: "tensorflow" | "tensorflow-gpu";
  /** npm package name. */
  npmPackage: "@tensorflow/tfjs-node" | "@tensorflow/tfjs-node-gpu";
  /** Its version: the one deno.json's import map pins (tested). */
  version: string;
  /** Whether this is the CUDA build. */
  gpu: boolean;
  /** The wheel `deno task setup` uses when nothing else is given. */
  wheel: WheelPin;
  /**
   * The wheels of the user-space libraries that wheel's libtensorflow opens
   * at run time (CUDA 12 and cuDNN 9 for the GPU build); `[]` for none.
   */
  runtimeWheels: readonly PinnedWheel[];
  /** Imports the package (a literal `import()`, so the module graph knows it). */
  importPackage: () => Promise<unknown>;
}

/** TensorFlow 2.21.0's wheel `project` for CPython 3.11 on x86-64 Linux. */
function tensorflowWheel(project: string, sha256: string): WheelPin {
  return {
    requirement: `${project}==2.21.0`,
    file: `${project.replace("-", "_")}-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl`,
    sha256,
    tensorflowVersion: "2.21.0",
    pythonVersion: "3.11",
    platform: "manylinux_2_27_x86_64",
  };
}

/** tfjs-node (CPU), built against the `tensorflow-cpu` wheel. */
export const TFJS_NODE: TfjsNodePackage = {
  backend: "tensorflow",
  npmPackage: "@tensorflow/tfjs-node",
  version: "4.22.0",
  gpu: false,
  wheel: tensorflowWheel(
    "tensorflow-cpu",
    "2b847d217b02ee7731ed91431daf3250daa0196c3c94614d23be27232e6e5b6c",
  ),
  runtimeWheels: [],
  importPackage: () => import("@tensorflow/tfjs-node"),
};

/** tfjs-node-gpu (CUDA 12), built against the `tensorflow` wheel. */
export const TFJS_NODE_GPU: TfjsNodePackage = {
  backend: "tensorflow-gpu",
  npmPackage: "@tensorflow/tfjs-node-gpu",
  version: "4.22.0",
  gpu: true,
  wheel: tensorflowWheel(
    "tensorflow",
    "9056fbc9ba04235810b71ae6cbd958a196e8804fb53bbcffbf3e23b56155f124",
  ),
  runtimeWheels: CUDA_12_WHEELS,
  importPackage: () => import("@tensorflow/tfjs-node-gpu"),
};

/**
 * N-API version folder tfjs-node loads its addon from. node-pre-gyp picks the
 * highest of the package's `napi_versions` (3–8) that the runtime supports;
 * Deno 2.9 supports more than 8.
 */
const NAPI_FOLDER = "napi-v8";

/** The installed package folder of a libtensorflow backend, or `undefined` when it is not installed. */
export function tfjsNodePackageDir(pkg: TfjsNodePackage): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    return dirname(require.resolve(`${pkg.npmPackage}/package.json`));
  } catch {
    return undefined;
  }
}

/** Where tfjs-node(-gpu) loads its native addon from, inside its package folder. */
export function addonPath(packageDir: string): string {
  return join(packageDir, "lib", NAPI_FOLDER, "tfjs_binding.node");
}

/** Where an NVIDIA kernel driver announces itself on Linux. */
const NVIDIA_DRIVER_FILE = "/proc/driver/nvidia/version";

/**
 * Finds out, without loading libtensorflow, whether a libtensorflow backend can run:
 * the package is installed, its addon has been built, and (for the GPU build)
 * an NVIDIA driver is present.
 */
export async function probeLibtensorflow(
  name: "tensorflow" | "tensorflow-gpu",
  pkg: TfjsNodePackage,
): Promise<ProbeResult> {
  const setupCmd = pkg.gpu ? "deno task setup --gpu" : "deno task setup";
  const dir = tfjsNodePackageDir(pkg);
  const addon = dir === undefined ? undefined : addonPath(dir);
  const built = addon !== undefined && (await exists(addon));
  const unavailable = (reason: string): ProbeResult => ({ name, available: false, reason });
  if (pkg.gpu && !(await exists(NVIDIA_DRIVER_FILE))) {
    return {
      ...unavailable(
        `no NVIDIA driver (${NVIDIA_DRIVER_FILE} is missing), so TensorFlow would fall back to the CPU`,
      ),
      ...(built ? { wouldFallBack: true } : {}),
    };
  }
  if (addon === undefined) {
    return unavailable(`npm package ${pkg.npmPackage} is not installed; run \`deno install\``);
  }
  if (!built) {
    return unavailable(`native addon not built (${addon} is missing); run \`${setupCmd}\``);
  }
  return { name, available: true, reason: `native addon at ${addon}` };
}

/**
 * Loads a libtensorflow backend into this process and makes `"tensorflow"` the
 * active TensorFlow.js backend.
 *
 * @throws {Error} When the other native package already lives in this process.
 */
export async function loadLibtensorflow(
  pkg: TfjsNodePackage,
  options: BackendLoadOptions = {},
): Promise<LoadedBackend> {
  const name = pkg.backend;
  const tf: Tf = await import("@tensorflow/tfjs");
  const held = tf.findBackend("tensorflow") as unknown as NodeBackendLike | null;
  if (held && held.isGPUPackage !== pkg.gpu) {
    const other = held.isGPUPackage ? "tensorflow-gpu" : "tensorflow";
    throw new Error(
      `backend ${name}: this process already holds the ${other} backend, and the two native ` +
        `packages cannot share a process; run ${name} in its own process`,
    );
  }
  if (!held && tf.findBackend("webgpu")) {
    throw new Error(
      `backend ${name}: the WebGPU backend is already running in this process, and loading ` +
        `libtensorflow after a WebGPU adapter is open crashes the process; run ${name} in its own process`,
    );
  }
  if (!held) {
    // Without tfLog, libtensorflow's start-up log lines are silenced before the library loads.
    if (!options.tfLog) Deno.env.set("TF_CPP_MIN_LOG_LEVEL", "2");
    installNodeUtilShim();
    await pkg.importPackage();
  }
  if (!(await tf.setBackend("tensorflow"))) {
    throw new Error(
      `backend ${name}: ${pkg.npmPackage} loaded but tf.setBackend("tensorflow") failed`,
    );
  }
  const backend = tf.backend() as unknown as NodeBackendLike;
  return { name, tf, device: nativeDevice(backend, pkg) };
}

/**
 * The property a binding compiled by `deno task setup` exports (value 1):
 * it has `BINDING_PATCHES` (see `binding_build.ts`), so it passes list
 * attributes and TensorFlow's fused kernels can be called.
 */
export const BINDING_PATCH_MARKER = "FMNIST_BENCH_LIST_ATTRS";

/** The parts of tfjs-node's `NodeJSKernelBackend` this suite reads. */
interface NodeBackendLike {
  isGPUPackage: boolean;
  isUsingGpuDevice: boolean;
  binding: { TF_Version: string; [BINDING_PATCH_MARKER]?: number };
}

function nativeDevice(backend: NodeBackendLike, pkg: TfjsNodePackage): DeviceReport {
  const version = backend.binding.TF_Version;
  const patched = backend.binding[BINDING_PATCH_MARKER] === 1 ? { patchedBinding: true } : {};
  const gpu = backend.isUsingGpuDevice;
  const fellBack = !gpu && pkg.gpu;
  return {
    kind: gpu ? "gpu" : "cpu",
    description: gpu
      ? `libtensorflow ${version} (CUDA GPU)`
      : fellBack
      ? `libtensorflow ${version} (GPU package, but TensorFlow found no GPU: running on the CPU)`
      : `libtensorflow ${version} (CPU)`,
    tensorflowVersion: version,
    ...(fellBack ? { fellBackToCpu: true } : {}),
    ...patched,
  };
}
