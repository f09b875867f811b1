/**
 * The GPU kit's check of WebGPU before anything trains: the adapter Deno's
 * `navigator.gpu` offers, and whether it is a software one. (The webgpu
 * backend reports the same facts when it loads; this check opens the
 * adapter without loading TF.js, so that a machine without a GPU is refused
 * at once.)
 *
 * @module
 */

/** The adapter's facts the kit reports. */
export interface KitAdapter {
  /** The adapter's description, or `vendor … device …` when it has none. */
  description: string;
  /** A software rasteriser (e.g. llvmpipe), not a GPU. */
  isFallbackAdapter: boolean;
}

/** Asks `navigator.gpu` for an adapter; `adapter` undefined with a reason when there is none. */
export async function webGpuAdapter(): Promise<
  { adapter: KitAdapter; reason?: undefined } | { adapter: undefined; reason: string }
> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return { adapter: undefined, reason: "navigator.gpu is not defined in this runtime" };
  const adapter = await gpu.requestAdapter();
  if (!adapter) {
    return { adapter: undefined, reason: "navigator.gpu.requestAdapter() returned no adapter" };
  }
  // Deno 2.9 puts isFallbackAdapter on the adapter info (newer spec); older on the adapter.
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const legacy = adapter as unknown as { isFallbackAdapter?: boolean };
  return {
    adapter: {
      description: info.description || `vendor ${info.vendor} device ${info.device}`,
      isFallbackAdapter: Boolean(info.isFallbackAdapter ?? legacy.isFallbackAdapter),
    },
  };
}
