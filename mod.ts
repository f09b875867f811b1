/**
 * fmnist-bench: train three CNNs on Fashion-MNIST with TensorFlow.js under
 * Deno, and measure accuracy, time per epoch and inference latency on each
 * backend (native libtensorflow on the CPU or a CUDA GPU, WebGPU, pure JS).
 *
 * This module only re-exports the public API; importing it has no side
 * effects and loads no backend.
 *
 * @example Probe the backends, load the best one and run a matmul on it
 * ```ts
 * import { loadBackend, pickBackend, probeAll } from "./mod.ts";
 *
 * for (const p of await probeAll()) console.log(p.name, p.available, p.reason);
 * const { tf, device } = await loadBackend(await pickBackend());
 * console.log(device.description);
 * const y = tf.matMul(tf.ones([2, 2]), tf.ones([2, 2]));
 * console.log(await y.data()); // Float32Array [2, 2, 2, 2]
 * y.dispose();
 * ```
 *
 * @module
 */
export {
  BACKEND_NAMES,
  BACKENDS,
  type ChildLoadResult,
  deepProbe,
  type DeepProbeOptions,
  getBackendSpec,
  loadBackend,
  type LoadBackendOptions,
  loadInChild,
  pickBackend,
  probeAll,
} from "./src/backends/registry.ts";
export type {
  BackendName,
  BackendSpec,
  DeviceReport,
  LoadedBackend,
  ProbeResult,
  Tf,
} from "./src/backends/types.ts";
export {
  type NativePackage,
  TFJS_NODE,
  TFJS_NODE_GPU,
  type WheelPin,
} from "./src/backends/native.ts";
export {
  collectEnvironment,
  type CollectEnvironmentOptions,
  type Environment,
} from "./src/results/environment.ts";
