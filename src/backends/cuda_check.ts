/**
 * Whether a built GPU addon has everything it needs but the GPU: the addon,
 * the libtensorflow it links and every CUDA library in the `nvidia/` folder
 * its run paths name all resolve, and what versions the CUDA runtime and
 * cuDNN there report. `deno task setup --gpu` and `doctor` both ask this.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { cudaSharedLibraries, nvidiaDirOf } from "./cuda_wheels.ts";
import { type CudaVersions, readCudaVersions } from "./cuda_versions.ts";
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
  const driver = check.versions?.driverCuda
    ? `NVIDIA driver for CUDA ${check.versions.driverCuda}`
    : `no NVIDIA driver${
      check.missingDriverLibraries.length
        ? ` (${check.missingDriverLibraries.join(", ")} missing)`
        : ""
    }`;
  return `${versions} in ${check.nvidiaDir}; all ${check.checked} libraries resolve; ${driver}`;
}
