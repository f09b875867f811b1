/**
 * The WebGPU backend (`@tensorflow/tfjs-backend-webgpu`) on Deno's
 * `navigator.gpu`. Needs no CUDA: any GPU with a Vulkan/Metal/DX12 driver
 * works. Without one, Deno offers a software adapter (llvmpipe), which this
 * module reports as such.
 *
 * @module
 */
import type { DeviceReport, LoadedBackend, ProbeResult, Tf } from "./types.ts";

/** The adapter facts this suite reports: its four strings, and whether it is a software one. */
export interface AdapterFacts extends NonNullable<DeviceReport["adapter"]> {
  /** A software rasteriser (e.g. llvmpipe), not a GPU. */
  isFallbackAdapter: boolean;
}

/**
 * Asks `navigator.gpu` for an adapter, without loading TF.js;
 * `undefined` with a reason when there is none.
 */
export async function requestAdapterFacts(): Promise<
  { facts: AdapterFacts } | { facts: undefined; reason: string }
> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return { facts: undefined, reason: "navigator.gpu is not defined in this runtime" };
  const adapter = await gpu.requestAdapter();
  if (!adapter) {
    return { facts: undefined, reason: "navigator.gpu.requestAdapter() returned no adapter" };
  }
  return { facts: adapterFacts(adapter) };
}

/**
 * An adapter's four strings (empty where its info lacks one) and whether it
 * is a software one: newer runtimes (Deno 2.9) say so on its info, older on
 * the adapter itself. Deno's adapters and a browser page's alike.
 */
export function adapterFacts(
  adapter: { info?: { [K in keyof AdapterFacts]?: unknown }; isFallbackAdapter?: boolean },
): AdapterFacts {
  const info = adapter.info ?? {};
  return {
    vendor: String(info.vendor ?? ""),
    architecture: String(info.architecture ?? ""),
    device: String(info.device ?? ""),
    description: String(info.description ?? ""),
    isFallbackAdapter: info.isFallbackAdapter === true || adapter.isFallbackAdapter === true,
  };
}

/** The adapter's name: its description, or `vendor … device …` when it has none. */
export function adapterName(facts: AdapterFacts): string {
  return facts.description || `vendor ${facts.vendor} device ${facts.device}`;
}

function describe(facts: AdapterFacts): string {
  const name = adapterName(facts);
  return facts.isFallbackAdapter ? `${name} (software adapter, not a GPU)` : name;
}

/**
 * Probes WebGPU without opening an adapter: available when the runtime has
 * `navigator.gpu`. Opening an adapter here would be unsafe: once Mesa's
 * software adapter (llvmpipe) is up, loading libtensorflow into the same
 * process crashes it (seen with Deno 2.9.6 and TF 2.21). `deepProbe` opens
 * the adapter in a child process and reports it.
 */
export function probeWebGpu(): Promise<ProbeResult> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  const reason = gpu
    ? "navigator.gpu is present (adapter not opened)"
    : "navigator.gpu is not defined in this runtime";
  return Promise.resolve({ name: "webgpu", available: gpu !== undefined, reason });
}

function webGpuDevice(facts: AdapterFacts): DeviceReport {
  const { isFallbackAdapter, ...adapter } = facts;
  const kind = isFallbackAdapter ? "cpu" : "gpu";
  return { kind, description: `WebGPU: ${describe(facts)}`, isFallbackAdapter, adapter };
}

/** Loads the WebGPU backend and makes it the active one. */
export async function loadWebGpu(): Promise<LoadedBackend> {
  const found = await requestAdapterFacts();
  if (!found.facts) throw new Error(`backend webgpu is not available: ${found.reason}`);
  const tf: Tf = await import("@tensorflow/tfjs");
  await import("@tensorflow/tfjs-backend-webgpu");
  if (!(await tf.setBackend("webgpu"))) {
    throw new Error('backend webgpu: tf.setBackend("webgpu") failed to initialise');
  }
  return { name: "webgpu", tf, device: webGpuDevice(found.facts) };
}
