/**
 * The environment a result was measured in. Every result file carries one,
 * because a time means nothing without the machine, versions and settings
 * behind it.
 *
 * @module
 */
import { cpus, hostname, totalmem } from "node:os";
import type { PageDevice } from "../backends/browser_page.ts";
import { type OneDnnState, oneDnnState, readCpuFeatures } from "../backends/onednn.ts";
import type { WasmPool } from "../backends/types.ts";
import { runQuiet } from "../_util/run_quiet.ts";

/** What the backend reported about the device it computes on. */
export interface DeviceInfo {
  /** `"gpu"` only when the work really runs on a GPU. */
  kind: "cpu" | "gpu";
  /** A GPU package (tfjs-node-gpu) that found no GPU and runs on the CPU. */
  fellBackToCpu?: boolean;
  /** A WebGPU adapter that is a software rasteriser (e.g. llvmpipe), not a GPU. */
  softwareAdapter?: boolean;
}

/** Where and with what a measurement was taken. */
export interface Environment {
  /** Deno version. */
  deno: string;
  /** V8 version inside Deno. */
  v8: string;
  /** TypeScript version inside Deno. */
  typescript: string;
  /** TensorFlow.js (tfjs-core) version. */
  tfjs: string;
  /** libtensorflow version of the libtensorflow backend, or `null` when none was loaded. */
  tensorflow: string | null;
  /** Registry name of the backend used, or `null` when the record is not tied to one. */
  backend: string | null;
  /** The device the backend really used, in words, or `null`. */
  device: string | null;
  /** What the backend reported about its device; absent in records not tied to a backend. */
  deviceInfo?: DeviceInfo;
  /** A name for the machine, to tell results from several machines apart (default: the hostname). */
  machine?: string;
  /** Operating system and architecture, e.g. `linux x86_64`. */
  os: string;
  /**
   * CPU model name, logical core count and the vector extensions that decide
   * which kernels run (`CPU_FEATURES` in `src/backends/onednn.ts`, as named in
   * `/proc/cpuinfo`; absent in older records and where it cannot be read).
   */
  cpu: { model: string; cores: number; features?: string[] };
  /**
   * Whether libtensorflow runs oneDNN's kernels in this process, and why
   * (the CPU's default or `TF_ENABLE_ONEDNN_OPTS`). It concerns the native
   * backends; absent in older records.
   */
  onednn?: OneDnnState;
  /** Total memory in bytes. */
  memoryBytes: number;
  /** TensorFlow's thread pools: a number when pinned, `"default"` (one per core) otherwise. */
  threads: { intraOp: number | "default"; interOp: number | "default" };
  /**
   * The first NVIDIA GPU's name and driver, or `null` with the reason there is
   * none; with its memory, maximum clocks and power limit where `nvidia-smi`
   * reports them (absent in older files, null where it says N/A).
   */
  gpu: {
    name: string;
    driver: string;
    memoryMiB?: number | null;
    maxSmClockMHz?: number | null;
    maxMemoryClockMHz?: number | null;
    powerLimitW?: number | null;
  } | null;
  /** Why `gpu` is null. */
  gpuReason?: string;
  /** `git rev-parse HEAD`, with `-dirty` when the tree has changes; `null` outside git. */
  gitCommit: string | null;
  /** For Keras runs only: Keras, the backend it ran on, that framework and the device it saw. */
  keras?: KerasEnvironment;
  /** For the browser backends only: the browser, and what its backend ran on. */
  browser?: BrowserEnvironment;
  /**
   * For `wasm` (tfjs-backend-wasm in Deno) only: SIMD and the threads of its
   * pool, as `browser.wasm` records them for `browser-wasm`.
   */
  wasm?: WasmPool;
}

/** What a browser backend's run ran in (`Environment.browser`): the page's facts, and the browser. */
export interface BrowserEnvironment extends
  Pick<
    PageDevice,
    "userAgent" | "crossOriginIsolated" | "softwareRenderer" | "webgl" | "webgpu" | "wasm"
  > {
  /** The browser's product and version, e.g. `Chrome/156.0.8078.129` (`HeadlessChrome` headless). */
  version: string;
  /** How it was run: `headless` (driven by the suite) or `open` (a person's own browser). */
  mode: "headless" | "open";
}

/** What a Keras run ran on (`Environment.keras`). */
export interface KerasEnvironment {
  /** Keras's version. */
  version: string;
  /** The Keras backend: `tensorflow`, `jax` or `torch`. */
  backend: string;
  /** That framework's version. */
  backendVersion: string;
  /** The device the framework computed on, in words. */
  device: string;
  /** Python's version. */
  python: string;
}

/** Options for {@link collectEnvironment}. */
export interface CollectEnvironmentOptions {
  /** tfjs-core version (`tf.version_core`). */
  tfjsVersion: string;
  /** libtensorflow version of the loaded libtensorflow backend. Default `null`. */
  tensorflowVersion?: string | null;
  /** Registry name of the backend. Default `null`. */
  backend?: string | null;
  /** Device description. Default `null`. */
  device?: string | null;
  /** What the backend reported about its device. Default: not recorded. */
  deviceInfo?: DeviceInfo;
  /** For `wasm`: its build and pool. Default: not recorded. */
  wasm?: WasmPool;
  /** Machine name. Default: `os.hostname()`. */
  machine?: string;
  /** Thread settings the caller applied (read from `TF_NUM_*_THREADS` by CLIs). Default both `"default"`. */
  threads?: Environment["threads"];
  /**
   * The value of `TF_ENABLE_ONEDNN_OPTS` in the measured process (read by
   * CLIs), from which the oneDNN state is worked out. Default: unset.
   */
  oneDnnVariable?: string;
  /**
   * The CPU's recorded extensions, when the caller has read them already
   * (`readCpuFeatures`; `null` where they cannot be read). Default: read here.
   */
  cpuFeatures?: string[] | null;
  /** This process's oneDNN state, when the caller has worked it out already. Default: worked out here. */
  oneDnn?: OneDnnState;
  /** Folder whose git commit is recorded. Default: the current directory. */
  cwd?: string;
}

/** Gathers the {@link Environment}. Runs `git` and `nvidia-smi` when present; reads `/proc/cpuinfo`. */
export async function collectEnvironment(options: CollectEnvironmentOptions): Promise<Environment> {
  const gpu = await nvidiaGpu();
  const features = options.cpuFeatures !== undefined
    ? options.cpuFeatures
    : await readCpuFeatures();
  return {
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
    tfjs: options.tfjsVersion,
    tensorflow: options.tensorflowVersion ?? null,
    backend: options.backend ?? null,
    device: options.device ?? null,
    ...(options.deviceInfo ? { deviceInfo: options.deviceInfo } : {}),
    machine: options.machine ?? hostname(),
    os: `${Deno.build.os} ${Deno.build.arch}`,
    cpu: {
      model: cpuModel(),
      cores: navigator.hardwareConcurrency,
      ...(features ? { features } : {}),
    },
    onednn: options.oneDnn ?? oneDnnState(features, options.oneDnnVariable),
    memoryBytes: totalmem(),
    threads: options.threads ?? { intraOp: "default", interOp: "default" },
    gpu: gpu.gpu,
    ...(gpu.reason ? { gpuReason: gpu.reason } : {}),
    gitCommit: await gitCommit(options.cwd),
    ...(options.wasm ? { wasm: options.wasm } : {}),
  };
}

/** The CPU in one line: model, logical cores and recorded extensions (`none` when it has none of them). */
export function describeCpu(env: Pick<Environment, "cpu">): string {
  const { model, cores, features } = env.cpu;
  const extensions = features === undefined
    ? "extensions not recorded"
    : `extensions: ${features.length ? features.join(" ") : "none of those recorded"}`;
  return `${model}, ${cores} logical cores; ${extensions}`;
}

/** The oneDNN state in one line, e.g. `on: TF_ENABLE_ONEDNN_OPTS=1`. */
export function describeOneDnn(env: Pick<Environment, "onednn">): string {
  return env.onednn?.reason ?? "not recorded";
}

function cpuModel(): string {
  const model = cpus()[0]?.model?.trim();
  return model || "unknown";
}

async function nvidiaGpu(): Promise<{ gpu: Environment["gpu"]; reason?: string }> {
  const out = await runQuiet("nvidia-smi", [
    "--query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem,power.limit",
    "--format=csv,noheader,nounits",
  ]);
  if (out === undefined) return { gpu: null, reason: "nvidia-smi not found" };
  if (out.code !== 0) {
    const said = (out.stderr || out.stdout).trim().split("\n")[0];
    return {
      gpu: null,
      reason: said ? `nvidia-smi failed: ${said}` : `nvidia-smi failed with exit code ${out.code}`,
    };
  }
  // Only stdout lists GPUs; a warning on stderr is not a GPU's name.
  return parseNvidiaSmiGpu(out.stdout);
}

/** The GPU in words: `NVIDIA H100 (driver 580.1, 81,559 MiB, SM up to 1,980 MHz, 700 W limit)`, or why there is none. */
export function describeGpu(env: Pick<Environment, "gpu" | "gpuReason">): string {
  const g = env.gpu;
  if (!g) return `none (${env.gpuReason ?? "not found"})`;
  const parts = [`driver ${g.driver}`];
  if (g.memoryMiB) parts.push(`${g.memoryMiB.toLocaleString("en-US")} MiB`);
  if (g.maxSmClockMHz) parts.push(`SM up to ${g.maxSmClockMHz.toLocaleString("en-US")} MHz`);
  if (g.powerLimitW) parts.push(`${g.powerLimitW.toLocaleString("en-US")} W limit`);
  return `${g.name} (${parts.join(", ")})`;
}

/**
 * The first GPU of `nvidia-smi --query-gpu=name,driver_version,memory.total,
 * clocks.max.sm,clocks.max.mem,power.limit --format=csv,noheader,nounits`.
 */
export function parseNvidiaSmiGpu(stdout: string): { gpu: Environment["gpu"]; reason?: string } {
  const [name, driver, ...numbers] = stdout.trim().split("\n")[0].split(",").map((s) => s.trim());
  if (!name) return { gpu: null, reason: "nvidia-smi lists no GPU" };
  // "[N/A]" or "N/A" where a figure is not supported.
  const num = (i: number) => {
    const n = Number(numbers[i]);
    return numbers[i] !== undefined && numbers[i] !== "" && Number.isFinite(n) ? n : null;
  };
  return {
    gpu: {
      name,
      driver: driver ?? "",
      memoryMiB: num(0),
      maxSmClockMHz: num(1),
      maxMemoryClockMHz: num(2),
      powerLimitW: num(3),
    },
  };
}

/**
 * `git rev-parse HEAD` in `cwd` (default: the current folder), with `-dirty`
 * when tracked files have changes; `null` outside git or without git.
 */
export async function gitCommit(cwd?: string): Promise<string | null> {
  const head = await runQuiet("git", ["rev-parse", "HEAD"], { cwd });
  if (!head || head.code !== 0) return null;
  const status = await runQuiet("git", ["status", "--porcelain", "--untracked-files=no"], { cwd });
  const dirty = status && status.code === 0 && status.stdout.trim() !== "";
  return `${head.stdout.trim()}${dirty ? "-dirty" : ""}`;
}
