/**
 * Types shared by the backend registry.
 *
 * @module
 */
import type * as tfjs from "@tensorflow/tfjs";
import type { TfGpuDevice } from "./tf_gpu_log.ts";

/** The TensorFlow.js namespace every backend is used through. */
export type Tf = typeof tfjs;

/** Names of the backends this suite knows; see `BACKENDS` in `registry.ts`. */
export type BackendName =
  | "tensorflow"
  | "tensorflow-gpu"
  | "webgpu"
  | "wasm"
  | "cpu"
  | "browser-wasm"
  | "browser-webgl"
  | "browser-webgpu"
  | "browser-cpu";

/** What a probe found out about a backend without committing the process to it. */
export interface ProbeResult {
  /** The backend probed. */
  name: BackendName;
  /** Whether the backend can be loaded and will run on the device it is named for. */
  available: boolean;
  /** Why it is unavailable, or a short note on what was found when it is available. */
  reason: string;
  /**
   * Unavailable only because it would run on the CPU (a GPU build without a
   * driver): it loads, and `loadBackend` accepts it with `allowFallback`.
   */
  wouldFallBack?: boolean;
  /** What the probe saw of the device, when it loaded the backend (deep probe). */
  device?: DeviceReport;
}

/** The device a loaded backend really computes on. */
export interface DeviceReport {
  /** `"gpu"` only when the work really runs on a GPU; a GPU package that fell back reports `"cpu"`. */
  kind: "cpu" | "gpu";
  /** Human-readable description, e.g. `"libtensorflow 2.21.0 (CPU)"` or the WebGPU adapter's description. */
  description: string;
  /** The libtensorflow version the native binding reports (`TF_Version`), for the libtensorflow backends. */
  tensorflowVersion?: string;
  /** For `tensorflow-gpu`: the package is the GPU build but TensorFlow found no GPU device. */
  fellBackToCpu?: boolean;
  /** For `tensorflow-gpu`, from a child's load (`loadInChild`): the GPUs TensorFlow's log says it created. */
  gpus?: TfGpuDevice[];
  /** For `tensorflow-gpu` without a GPU, from a child's load: TensorFlow's own words on why. */
  noGpuReason?: string;
  /**
   * For the libtensorflow backends: the addon was compiled by `deno task setup`
   * with its patch for list attributes, so TensorFlow's fused kernels
   * (`_FusedConv2D`, `_FusedMatMul`) can be called.
   */
  patchedBinding?: boolean;
  /** For `webgpu`: the adapter is a software rasteriser (e.g. llvmpipe), not a GPU. */
  isFallbackAdapter?: boolean;
  /** For `webgpu`: the adapter's vendor/architecture/device strings. */
  adapter?: { vendor: string; architecture: string; device: string; description: string };
  /** For `wasm`: SIMD, the threads of its XNNPACK pool, and whether the threaded build loaded. */
  wasm?: WasmPool;
}

/** tfjs-backend-wasm's build as it runs: SIMD, and the threads of its XNNPACK pool. */
export interface WasmPool {
  /** Whether the SIMD build runs. */
  simd: boolean;
  /** The threads of its pool (`getThreadsCount`), the calling thread included. */
  threads: number;
  /** Whether the threaded build loaded (`WASM_HAS_MULTITHREAD_SUPPORT`). */
  multithread: boolean;
}

/** A backend that has been loaded and made the active TensorFlow.js backend. */
export interface LoadedBackend {
  /** Registry name. */
  name: BackendName;
  /** The TensorFlow.js namespace; its active backend is this one. */
  tf: Tf;
  /** The device the backend really uses. */
  device: DeviceReport;
}

/** Options for {@link BackendSpec.load}. */
export interface BackendLoadOptions {
  /**
   * Leave libtensorflow's log on (libtensorflow backends): TensorFlow then reports
   * on standard error the GPUs it creates, or why it found none. Default
   * `false`: its start-up lines are silenced.
   */
  tfLog?: boolean;
}

/** One entry of the backend registry. Adding a backend means adding one of these. */
export interface BackendSpec {
  /** Registry name, used on the command line. */
  name: BackendName;
  /** The TensorFlow.js backend name it registers (`tf.getBackend()` after loading). */
  tfjsName: string;
  /** One line for tables and `--help`. */
  description: string;
  /** True for the libtensorflow backends: only one of them can live in a process. */
  libtensorflow: boolean;
  /**
   * Where it computes: `"deno"`, loaded into the suite's process, or
   * `"browser"`, in a Chromium page the suite drives (`src/browser/`), where
   * {@link BackendSpec.load} cannot bring it.
   */
  runsIn: "deno" | "browser";
  /** For a browser backend: the TF.js backend its page sets up. */
  pageBackend?: "wasm" | "webgl" | "webgpu" | "cpu";
  /**
   * Trains one to two orders of magnitude slower than libtensorflow on a CPU
   * (pure JS, WebAssembly, or a GPU API on a software renderer here): `compare`
   * gives it a short run unless `--train-size` says otherwise.
   */
  slow: boolean;
  /** Finds out, without loading it, whether the backend can run here. */
  probe(): Promise<ProbeResult>;
  /** Loads the backend into this process and makes it the active one. */
  load(options?: BackendLoadOptions): Promise<LoadedBackend>;
}
