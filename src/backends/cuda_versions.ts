/**
 * The CUDA runtime, cuDNN and NVIDIA driver versions, as the CUDA libraries
 * laid out for libtensorflow report them: `cudaRuntimeGetVersion` and
 * `cudaDriverGetVersion` from `libcudart.so.12`, `cudnnGetVersion` from
 * `libcudnn.so.9`, called through Deno's FFI (`--allow-ffi`). None of the
 * three needs a GPU; without a driver, `cudaDriverGetVersion` reports 0.
 *
 * @module
 */
import { join } from "node:path";
import { isFile } from "../_util/fs.ts";

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
