/**
 * The browser backends as a page sets them up (this module runs in the
 * browser, inside the page's bundle): TF.js's WebAssembly, WebGL, WebGPU and
 * pure-JS backends, and what each really runs on: the WebGL renderer and
 * vendor, the WebGPU adapter, whether either is a software renderer
 * (SwiftShader, llvmpipe), and WebAssembly's SIMD and threads.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { getThreadsCount, setThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import "@tensorflow/tfjs-backend-webgpu";
import type { WasmPool } from "./types.ts";
import { adapterFacts } from "./webgpu.ts";
import { registerWasmConvFilter, WASM_CONV_FILTER_NOTE } from "./wasm_conv_filter.ts";

/** The TF.js backend names a page can set up. */
export type PageBackend = "wasm" | "webgl" | "webgpu" | "cpu";

/** What a page's backend really computes on, as the page found it. */
export interface PageDevice {
  /** `"gpu"` only when a real GPU does the work (not a software renderer). */
  kind: "cpu" | "gpu";
  /** In words, e.g. `WebGL: Google Inc. (Google) ANGLE (…SwiftShader…) (software renderer)`. */
  description: string;
  /** WebGL or WebGPU on a software renderer: the CPU doing a GPU's work. */
  softwareRenderer: boolean;
  /** The browser's user agent. */
  userAgent: string;
  /** Whether the page is cross-origin isolated (WebAssembly threads need it). */
  crossOriginIsolated: boolean;
  /** WebGL: the unmasked vendor and renderer strings. */
  webgl?: { vendor: string; renderer: string; version: string };
  /** WebGPU: the adapter's info. */
  webgpu?: { vendor: string; architecture: string; device: string; description: string };
  /** WebAssembly: SIMD, and the threads of its pool (1 without threads). */
  wasm?: WasmPool;
  /** Seconds from the page's start to a backend that has computed once. */
  readySeconds: number;
}

/** A software renderer's names, in WebGL renderer strings and WebGPU adapter info. */
const SOFTWARE = /swiftshader|llvmpipe|softpipe|software|lavapipe/i;

/**
 * Makes `name` the active backend and reports its device.
 *
 * @param wasmPaths Where the page serves tfjs-backend-wasm's `.wasm` files (a URL prefix ending in `/`).
 * @throws {Error} When the browser cannot run the backend; the message says why.
 */
export async function setUpPageBackend(name: PageBackend, wasmPaths: string): Promise<PageDevice> {
  const base = {
    userAgent: navigator.userAgent,
    crossOriginIsolated:
      (globalThis as unknown as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
  };
  let device: BackendDevice;
  if (name === "wasm") device = await wasmDevice(wasmPaths);
  else if (name === "webgl") device = await webglDevice();
  else if (name === "webgpu") device = await webgpuDevice();
  else {
    await setBackend("cpu");
    device = {
      kind: "cpu",
      softwareRenderer: false,
      description: `TensorFlow.js ${tf.version_core} pure-JS CPU kernels, in the browser`,
    };
  }
  // One op computed and read back: the backend is ready, its first shader or module compiled.
  const check = tf.tidy(() => tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.eye(2)));
  const values = Array.from(await check.data());
  check.dispose();
  if (values.join(",") !== "1,2,3,4") {
    throw new Error(`backend ${name}: a 2×2 product gave ${values.join(",")}, expected 1,2,3,4`);
  }
  return { ...device, ...base, readySeconds: performance.now() / 1000 };
}

/** What a backend reports of its device, before the page's facts are added. */
type BackendDevice = Omit<PageDevice, "readySeconds" | "userAgent" | "crossOriginIsolated">;

/**
 * Makes WebAssembly the active backend, with one thread per core and the
 * suite's `Conv2DBackpropFilter` where the package has none, and reports its device.
 */
async function wasmDevice(wasmPaths: string): Promise<BackendDevice> {
  setWasmPaths(wasmPaths);
  const suiteKernel = registerWasmConvFilter(tf);
  await startWasmPool(navigator.hardwareConcurrency);
  const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT") as boolean;
  const multithread = await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT") as boolean;
  const threads = getThreadsCount();
  const noThreads =
    " (no threads: the page is not cross-origin isolated or lacks SharedArrayBuffer)";
  return {
    kind: "cpu",
    softwareRenderer: false,
    description:
      `WebAssembly (tfjs-backend-wasm ${tf.version_core}${
        suiteKernel ? ` ${WASM_CONV_FILTER_NOTE}` : ""
      }): SIMD ${simd ? "on" : "off"}, ` +
      `${threads} thread${threads === 1 ? "" : "s"}${multithread ? "" : noThreads}`,
    wasm: { simd, threads, multithread },
  };
}

/**
 * Starts the WebAssembly backend asking for `threads` threads in its XNNPACK
 * pool: one per logical core, as libtensorflow takes on the CPU.
 * tfjs-backend-wasm 4.22.0 caps the pool at half of
 * `navigator.hardwareConcurrency` whatever `setThreadsCount` asks (it assumes
 * two logical cores per physical one; tensorflow/tfjs#6081), and at the 8
 * workers its threaded build starts. It reads that count once, as its module
 * starts; so, for as long as the backend starts, the page reports twice the
 * cores, and puts the real count back after. Where the page has no threads
 * (not cross-origin isolated) the single-threaded build loads and none of
 * this matters; `getThreadsCount` says what the pool really has.
 */
export async function startWasmPool(threads: number): Promise<void> {
  const nav = navigator as unknown as { hardwareConcurrency?: number };
  Object.defineProperty(nav, "hardwareConcurrency", { value: 2 * threads, configurable: true });
  try {
    setThreadsCount(threads);
    await setBackend("wasm");
  } finally {
    // Uncovers Navigator.prototype's own getter again.
    delete nav.hardwareConcurrency;
  }
}

/** Makes WebGL the active backend and reports its device, a software renderer as the CPU. */
async function webglDevice(): Promise<BackendDevice> {
  await setBackend("webgl");
  const webgl = webglInfo();
  const software = SOFTWARE.test(webgl.renderer);
  const note = " (software renderer, not a GPU)";
  return {
    kind: software ? "cpu" : "gpu",
    softwareRenderer: software,
    description: `${webgl.version}: ${webgl.vendor}, ${webgl.renderer}${software ? note : ""}`,
    webgl,
  };
}

/**
 * Makes WebGPU the active backend and reports its adapter, a fallback or
 * software adapter as the CPU.
 *
 * @throws {Error} When the browser has no WebGPU or no adapter.
 */
async function webgpuDevice(): Promise<BackendDevice> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) throw new Error("this browser has no navigator.gpu (WebGPU is off or unsupported)");
  const adapter = await gpu.requestAdapter() as Parameters<typeof adapterFacts>[0] | null;
  if (!adapter) throw new Error("navigator.gpu.requestAdapter() found no adapter");
  const { isFallbackAdapter, ...webgpu } = adapterFacts(adapter);
  const software = isFallbackAdapter || SOFTWARE.test(Object.values(webgpu).join(" "));
  await setBackend("webgpu");
  const words = Object.values(webgpu).filter(Boolean).join(", ") || "adapter info not given";
  return {
    kind: software ? "cpu" : "gpu",
    softwareRenderer: software,
    description: `WebGPU: ${words}${software ? " (software adapter, not a GPU)" : ""}`,
    webgpu,
  };
}

async function setBackend(name: string): Promise<void> {
  const ok = await tf.setBackend(name).catch((err: Error) => {
    throw new Error(`tf.setBackend("${name}") failed: ${err.message}`);
  });
  if (!ok) throw new Error(`tf.setBackend("${name}") failed: the browser cannot run it`);
  await tf.ready();
}

/** The WebGL context's unmasked vendor and renderer. */
function webglInfo(): { vendor: string; renderer: string; version: string } {
  const Offscreen = (globalThis as unknown as {
    OffscreenCanvas: new (w: number, h: number) => { getContext(kind: string): unknown };
  }).OffscreenCanvas;
  const canvas = new Offscreen(1, 1);
  const gl = (canvas.getContext("webgl2") ?? canvas.getContext("webgl")) as
    | { getExtension(name: string): unknown; getParameter(p: number): unknown }
    | null;
  if (!gl) return { vendor: "unknown", renderer: "unknown", version: "unknown" };
  const ext = gl.getExtension("WEBGL_debug_renderer_info") as
    | { UNMASKED_VENDOR_WEBGL: number; UNMASKED_RENDERER_WEBGL: number }
    | null;
  return {
    vendor: String(ext ? gl.getParameter(ext.UNMASKED_VENDOR_WEBGL) : gl.getParameter(0x1f00)),
    renderer: String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(0x1f01)),
    version: String(gl.getParameter(0x1f02)),
  };
}
