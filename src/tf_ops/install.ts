/**
 * What an engine sets up on a loaded backend before it trains: an engine
 * that patches TF.js (see `EngineSpec.patchesTfjs`) gets TensorFlow's
 * gradients and kernels in place of some of TF.js's (`gradients.ts`,
 * `kernels.ts`), with the kernel library its ops use chosen first; a stock
 * engine gets TF.js as it is, and is refused where a patch is already in the
 * process. `loadBackend` itself never installs anything.
 *
 * @module
 */
import { getBackendSpec } from "../backends/registry.ts";
import {
  chooseKernelLibrary,
  type KernelLibraryChoice,
  type OneDnnState,
} from "../backends/onednn.ts";
import type { LoadedBackend } from "../backends/types.ts";
import type { EngineSpec } from "../engines/registry.ts";
import { installedNativeGradients, installNativeGradients } from "./gradients.ts";
import { installedNativeKernels, installNativeKernels } from "./kernels.ts";
import { oneDnnMaxPoolAvailable } from "./binding.ts";

/** Options for {@link prepareEngine}. */
export interface PrepareEngineOptions {
  /**
   * This process's oneDNN state (`oneDnnState`, worked out by the caller
   * from the CPU and `TF_ENABLE_ONEDNN_OPTS`). For an engine that patches
   * TF.js on a libtensorflow backend it decides, with the device, the kernels of
   * this suite's own TensorFlow ops (`chooseKernelLibrary`): where oneDNN is
   * off, no oneDNN kernel runs at all. Default: on.
   */
  oneDnn?: OneDnnState;
}

/** What {@link prepareEngine} set up. */
export interface PreparedEngine {
  /**
   * The kernels this suite's own TensorFlow ops use, and why: for an engine
   * that patches TF.js on a libtensorflow backend only.
   */
  kernelLibrary?: KernelLibraryChoice;
  /** The TF.js gradients TensorFlow ops now replace (`NATIVE_GRADIENTS`' names); `[]` for none. */
  nativeGradients: string[];
  /** The TF.js kernels TensorFlow's fused ops now replace (`NATIVE_KERNELS`' names); `[]` for none. */
  nativeKernels: string[];
}

/** {@link PrepareEngineOptions.oneDnn}'s default, for callers that do not work the state out. */
const ASSUMED_ONEDNN: OneDnnState = {
  enabled: true,
  source: "cpu-default",
  reason: "on: assumed (the caller did not work out the state)",
};

/**
 * Sets `loaded` up for `engine`. For an engine that patches TF.js, on a
 * libtensorflow backend: chooses the kernel library (oneDNN's ops only where the
 * work runs on the CPU, oneDNN is on and its ops run here) and installs
 * TensorFlow's gradients and kernels where they can run. For a stock
 * engine: checks that TF.js's own gradients and kernels are in place, and
 * installs nothing. On other backends there is nothing to patch.
 *
 * Call it right after `loadBackend`, while `loaded` is the active backend.
 *
 * @throws {Error} For a stock engine in a process where TensorFlow's
 *   gradients or kernels are already installed (they cannot be taken back
 *   for certain): expected TF.js's own, got the patched ones.
 */
export function prepareEngine(
  loaded: LoadedBackend,
  engine: EngineSpec,
  options: PrepareEngineOptions = {},
): PreparedEngine {
  const { tf } = loaded;
  if (!engine.patchesTfjs) {
    const installed = [...installedNativeGradients(tf), ...installedNativeKernels(tf)];
    if (installed.length > 0) {
      throw new Error(
        `prepareEngine: engine ${engine.name} expected TF.js's own gradients and kernels, got ` +
          `TensorFlow's for ${installed.join(", ")} installed in this process; ` +
          `run ${engine.name} in a fresh process`,
      );
    }
    return { nativeGradients: [], nativeKernels: [] };
  }
  if (!getBackendSpec(loaded.name).libtensorflow) return { nativeGradients: [], nativeKernels: [] };
  const onednn = options.oneDnn ?? ASSUMED_ONEDNN;
  const gpu = loaded.device.kind === "gpu";
  // The check runs a oneDNN op, so only where one may run.
  const opsRun = onednn.enabled && !gpu && oneDnnMaxPoolAvailable(tf);
  const kernelLibrary = chooseKernelLibrary({ onednn, gpu, opsRun });
  const oneDnn = kernelLibrary.library === "onednn";
  installNativeGradients(tf, { cpu: oneDnn });
  installNativeKernels(tf, { cpu: oneDnn });
  return {
    kernelLibrary,
    nativeGradients: installedNativeGradients(tf),
    nativeKernels: installedNativeKernels(tf),
  };
}
