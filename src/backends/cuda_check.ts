/**
 * Whether a built GPU addon has everything it needs but the GPU: the addon,
 * the libtensorflow it links and every CUDA library in the `nvidia/` folder
 * its run paths name all resolve, and what versions the CUDA runtime and
 * cuDNN there report. `deno task setup --gpu` and `doctor` both ask this.
 *
 * The versions come from the libraries themselves: `cudaRuntimeGetVersion`
 * and `cudaDriverGetVersion` from `libcudart.so.12`, `cudnnGetVersion` from
 * `libcudnn.so.9`, called through Deno's FFI (`--allow-ffi`). None of the
 * three needs a GPU; without a driver, `cudaDriverGetVersion` reports 0.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { cudaSharedLibraries, nvidiaDirOf } from "./cuda_wheels.ts";
import { isFile } from "../_util/fs.ts";
import { checkSharedLibraries, describeUnresolved } from "./shared_libraries.ts";

/** What {@link checkCudaLibraries} found. */
export interface CudaCheck {
  /** The `nvidia/` folder beside the addon's libtensorflow. */
  nvidiaDir: string;
  /** Shared libraries checked: the addon, libtensorflow's two and the CUDA ones. */
  checked: number;
  /** CUDA libraries found in `nvidiaDir`. */
  cudaLibraries: number;
  /** One line on what does not resolve (driver libraries aside), or `undefined`. */
  unresolved?: string;
  /** Driver libraries (`libcuda.so.1`) some CUDA library needs and this machine lacks. */
  missingDriverLibraries: string[];
  /** What the libraries report, when the CUDA runtime and cuDNN are there and load. */
  versions?: CudaVersions;
}

/**
 * Checks the addon at `addon` and the CUDA libraries its libtensorflow finds.
 *
 * @throws {SetupError} When `ldd` is missing or cannot read the addon.
 */
export async function checkCudaLibraries(addon: string): Promise<CudaCheck> {
  const [addonCheck] = await checkSharedLibraries([addon]);
  const tfPath = addonCheck.resolved["libtensorflow_cc.so.2"] ??
    addonCheck.resolved["libtensorflow.so.2"];
  if (tfPath === undefined) {
    return {
      nvidiaDir: "",
      checked: 1,
      cudaLibraries: 0,
      unresolved: describeUnresolved([addonCheck]) ??
        `${basename(addon)}: expected it to link libtensorflow_cc.so.2, it does not`,
      missingDriverLibraries: [],
    };
  }
  const libDir = dirname(tfPath);
  const nvidiaDir = nvidiaDirOf(libDir);
  const cuda = await cudaSharedLibraries(nvidiaDir);
  const tfLibraries = [tfPath, join(libDir, "libtensorflow_framework.so.2")];
  const checks = [addonCheck, ...(await checkSharedLibraries([...tfLibraries, ...cuda]))];
  const unresolved = describeUnresolved(checks) ??
    (cuda.length === 0 ? `no CUDA libraries in ${nvidiaDir}` : undefined);
  const missingDriverLibraries = [...new Set(checks.flatMap((c) => c.missingDriver))];
  const result: CudaCheck = {
    nvidiaDir,
    checked: checks.length,
    cudaLibraries: cuda.length,
    ...(unresolved ? { unresolved } : {}),
    missingDriverLibraries,
  };
  if (unresolved) return result;
  const versions = await readCudaVersions(nvidiaDir);
  return versions ? { ...result, versions } : result;
}

/**
 * One line on a check, e.g. `CUDA runtime 12.9 and cuDNN 9.28.0 in DIR, all
 * 38 libraries resolve; no NVIDIA driver`.
 */
export function describeCudaCheck(check: CudaCheck): string {
  if (check.unresolved) return `incomplete: ${check.unresolved}`;
  const versions = check.versions
    ? `CUDA runtime ${check.versions.cudaRuntime} and cuDNN ${check.versions.cudnn}`
    : "CUDA libraries";
  const missing = check.missingDriverLibraries.join(", ");
  const driver = check.versions?.driverCuda
    ? `NVIDIA driver for CUDA ${check.versions.driverCuda}`
    : `no NVIDIA driver${missing ? ` (${missing} missing)` : ""}`;
  return `${versions} in ${check.nvidiaDir}; all ${check.checked} libraries resolve; ${driver}`;
}

/** What the CUDA libraries in an `nvidia/` folder report. */
export interface CudaVersions {
  /** The CUDA runtime's version, e.g. `"12.9"`. */
  cudaRuntime: string;
  /** cuDNN's version, e.g. `"9.28.0"`. */
  cudnn: string;
  /**
   * The newest CUDA version the installed NVIDIA driver supports, e.g.
   * `"13.0"`, or `null` when no driver is present (the runtime reports 0).
   */
  driverCuda: string | null;
}

/** The libraries read, relative to the `nvidia/` folder. */
const CUDART = join("cuda_runtime", "lib", "libcudart.so.12");
const CUDNN = join("cudnn", "lib", "libcudnn.so.9");

/**
 * Opens the CUDA runtime and cuDNN in `nvidiaDir` and asks each for its
 * version.
 *
 * @returns `undefined` when either library is not there.
 * @throws {Error} When a library is there but does not load (a dependency
 *   does not resolve), naming it.
 */
export async function readCudaVersions(nvidiaDir: string): Promise<CudaVersions | undefined> {
  const cudartPath = join(nvidiaDir, CUDART);
  const cudnnPath = join(nvidiaDir, CUDNN);
  if (!(await isFile(cudartPath)) || !(await isFile(cudnnPath))) return undefined;
  const cudart = Deno.dlopen(cudartPath, {
    cudaRuntimeGetVersion: { parameters: ["buffer"], result: "i32" },
    cudaDriverGetVersion: { parameters: ["buffer"], result: "i32" },
  });
  const cudnn = Deno.dlopen(cudnnPath, { cudnnGetVersion: { parameters: [], result: "usize" } });
  try {
    const out = new Int32Array(1);
    const status = cudart.symbols.cudaRuntimeGetVersion(out);
    if (status !== 0) throw new Error(`${cudartPath}: cudaRuntimeGetVersion returned ${status}`);
    const runtime = out[0];
    out[0] = 0;
    const driverStatus = cudart.symbols.cudaDriverGetVersion(out);
    const driver = driverStatus === 0 ? out[0] : 0;
    return {
      cudaRuntime: cudaVersionString(runtime),
      cudnn: cudnnVersionString(Number(cudnn.symbols.cudnnGetVersion())),
      driverCuda: driver > 0 ? cudaVersionString(driver) : null,
    };
  } finally {
    cudart.close();
    cudnn.close();
  }
}

/** CUDA's integer version (`major * 1000 + minor * 10`) as `"major.minor"`. */
export function cudaVersionString(version: number): string {
  return `${Math.floor(version / 1000)}.${Math.floor((version % 1000) / 10)}`;
}

/** cuDNN 9's integer version (`major * 10000 + minor * 100 + patch`) as `"major.minor.patch"`. */
export function cudnnVersionString(version: number): string {
  return `${Math.floor(version / 10000)}.${Math.floor((version % 10000) / 100)}.${version % 100}`;
}
