/**
 * The registry of backends. A backend is a checked value looked up here by
 * name, never an edited import; adding one means adding one entry to
 * {@link BACKENDS}.
 *
 * @module
 */
import {
  loadLibtensorflow,
  probeLibtensorflow,
  TFJS_NODE,
  TFJS_NODE_GPU,
  type TfjsNodePackage,
} from "./libtensorflow.ts";
import type {
  BackendName,
  BackendSpec,
  DeviceReport,
  LoadedBackend,
  ProbeResult,
  Tf,
} from "./types.ts";
import { loadWasm, probeWasm } from "./wasm.ts";
import { loadWebGpu, probeWebGpu } from "./webgpu.ts";
import { findChromium } from "./chromium.ts";
import { denoRunArgs } from "../_util/deno_run.ts";
import { type QuietRun, runQuiet } from "../_util/run_quiet.ts";
import { lastLines } from "./setup_tools.ts";
import { parseTfGpuLog } from "./tf_gpu_log.ts";

/** What the backends of TF.js's own that load into this process share. */
const TFJS_IN_DENO = { libtensorflow: false, runsIn: "deno", slow: false } as const;

/** Every backend the suite can run on, best first (the order `pickBackend` tries). */
export const BACKENDS: readonly BackendSpec[] = Object.freeze([
  libtensorflowBackend(TFJS_NODE_GPU, "libtensorflow with CUDA (tfjs-node-gpu)"),
  libtensorflowBackend(TFJS_NODE, "libtensorflow on the CPU (tfjs-node)"),
  {
    ...TFJS_IN_DENO,
    name: "webgpu",
    tfjsName: "webgpu",
    description: "WebGPU on Deno's navigator.gpu (tfjs-backend-webgpu)",
    probe: probeWebGpu,
    load: loadWebGpu,
  },
  {
    ...TFJS_IN_DENO,
    name: "wasm",
    tfjsName: "wasm",
    description:
      "WebAssembly kernels with SIMD in Deno, one thread (tfjs-backend-wasm, with the suite's Conv2DBackpropFilter, which it lacks)",
    slow: true,
    probe: probeWasm,
    load: loadWasm,
  },
  {
    ...TFJS_IN_DENO,
    name: "cpu",
    tfjsName: "cpu",
    description: "pure JavaScript kernels (tfjs-backend-cpu)",
    slow: true,
    probe: probeCpu,
    load: loadCpu,
  },
  browserBackend(
    "wasm",
    "WebAssembly in Chromium (tfjs-backend-wasm, with the suite's Conv2DBackpropFilter), SIMD and its threaded build",
    true,
  ),
  browserBackend(
    "webgl",
    "WebGL in Chromium (tfjs-backend-webgl); SwiftShader, a software renderer, without a GPU",
    true,
  ),
  browserBackend(
    "webgpu",
    "WebGPU in Chromium (tfjs-backend-webgpu); SwiftShader, a software adapter, without a GPU",
    true,
  ),
  browserBackend("cpu", "pure JavaScript kernels in Chromium (tfjs-backend-cpu)", true),
]);

/** The names of all registered backends, in registry order. */
export const BACKEND_NAMES: readonly BackendName[] = BACKENDS.map((b) => b.name);

/** The backends that run in the suite's own process: `compare`'s default. */
export const DENO_BACKEND_NAMES: readonly BackendName[] = BACKENDS.filter((b) =>
  b.runsIn === "deno"
).map((b) => b.name);

/** A libtensorflow backend, loaded into this process from its tfjs-node package. */
function libtensorflowBackend(pkg: TfjsNodePackage, description: string): BackendSpec {
  return {
    name: pkg.backend,
    tfjsName: "tensorflow",
    description,
    libtensorflow: true,
    runsIn: "deno",
    slow: false,
    probe: () => probeLibtensorflow(pkg.backend, pkg),
    load: (options) => loadLibtensorflow(pkg, options),
  };
}

/** The pure-JS backend that ships with `@tensorflow/tfjs`: always there. */
function probeCpu(): Promise<ProbeResult> {
  return Promise.resolve({
    name: "cpu",
    available: true,
    reason: "pure JavaScript kernels from @tensorflow/tfjs-backend-cpu",
  });
}

/** Makes the pure-JS backend the active one. */
async function loadCpu(): Promise<LoadedBackend> {
  const tf: Tf = await import("@tensorflow/tfjs");
  // tfjs prints a hint to install tfjs-node when it sees Node; the choice here is deliberate.
  tf.env().set("IS_TEST", true);
  if (!(await tf.setBackend("cpu"))) throw new Error('backend cpu: tf.setBackend("cpu") failed');
  return {
    name: "cpu",
    tf,
    device: { kind: "cpu", description: `TensorFlow.js ${tf.version_core} pure-JS CPU kernels` },
  };
}

/** A backend that runs in a Chromium page the suite drives (`src/browser/run.ts`). */
function browserBackend(
  pageBackend: NonNullable<BackendSpec["pageBackend"]>,
  description: string,
  slow: boolean,
): BackendSpec {
  const name = `browser-${pageBackend}` as const;
  return {
    name,
    tfjsName: pageBackend,
    description,
    libtensorflow: false,
    runsIn: "browser",
    pageBackend,
    slow,
    probe: () => Promise.resolve(probeBrowser(name)),
    load: () =>
      Promise.reject(
        new Error(
          `backend ${name} runs in a Chromium page, not in this process: run it with deno task train-all --backend ${name}`,
        ),
      ),
  };
}

/**
 * Looks a backend up by name.
 *
 * @throws {RangeError} For an unknown name; the message lists the valid ones.
 */
export function getBackendSpec(name: string): BackendSpec {
  const spec = BACKENDS.find((b) => b.name === name);
  if (!spec) {
    throw new RangeError(
      `unknown backend ${JSON.stringify(name)}: expected one of ${BACKEND_NAMES.join(", ")}`,
    );
  }
  return spec;
}

/** The usual places of a Chromium binary: a probe reads no environment variable. */
const CHROMIUM_DIRS = "/usr/local/bin:/usr/bin:/bin:/snap/bin";

/** A browser backend can run where Chromium is installed. */
function probeBrowser(name: BackendName): ProbeResult {
  const found = findChromium({ searchPath: CHROMIUM_DIRS });
  return "path" in found
    ? {
      name,
      available: true,
      reason: `runs in ${found.path} (headless), driven by puppeteer-core`,
    }
    : { name, available: false, reason: found.missing };
}

/** Probes every registered backend, in registry order. Loads nothing. */
export function probeAll(): Promise<ProbeResult[]> {
  return Promise.all(BACKENDS.map((b) => b.probe()));
}

/** Options for {@link loadBackend}. */
export interface LoadBackendOptions {
  /**
   * Accept a GPU backend that ended up on the CPU (tfjs-node-gpu without a
   * usable GPU, or WebGPU on a software adapter). Default `false`: such a
   * load is refused, so no CPU run is ever reported as a GPU run.
   */
  allowFallback?: boolean;
}

/**
 * Probes and loads a backend into this process and makes it the active one.
 * It loads TF.js's stock backend and nothing more: TF.js's own gradients and
 * kernels stay in place (an engine that replaces some installs them itself;
 * see `prepareEngine` in `src/tf_ops/install.ts`).
 *
 * @throws {RangeError} For an unknown name.
 * @throws {Error} When the backend is unavailable (the message gives the
 *   probe's reason) or fell back to the CPU and `allowFallback` is false.
 */
export async function loadBackend(
  name: string,
  options: LoadBackendOptions = {},
): Promise<LoadedBackend> {
  const spec = getBackendSpec(name);
  const probe = await spec.probe();
  if (!probe.available && !(probe.wouldFallBack && options.allowFallback)) {
    throw new Error(`backend ${spec.name} is not available: ${probe.reason}`);
  }
  const loaded = await spec.load();
  const fellBack = loaded.device.fellBackToCpu || loaded.device.isFallbackAdapter;
  if (fellBack && !options.allowFallback) {
    throw new Error(
      `backend ${spec.name} runs on the CPU here (${loaded.device.description}); ` +
        `pick a CPU backend, or allow the fallback explicitly`,
    );
  }
  return loaded;
}

/**
 * The first backend, best first, that loads and runs on the device it is
 * named for: `tensorflow-gpu` with a real GPU, else `tensorflow`, else WebGPU
 * on a real GPU, else `cpu`. Each candidate is tried with {@link deepProbe}
 * (in a child process), so a GPU package that would fall back to the CPU, or
 * a software WebGPU adapter, is never picked.
 */
export async function pickBackend(options: DeepProbeOptions = {}): Promise<BackendName> {
  for (const spec of BACKENDS) {
    if (spec.runsIn === "browser") continue;
    if (spec.name === "cpu") return "cpu";
    const probe = await deepProbe(spec.name, options);
    if (probe.available && probe.device?.kind === "gpu") return spec.name;
    if (probe.available && spec.name === "tensorflow") return spec.name;
  }
  return "cpu";
}

/** Options for {@link deepProbe} and {@link loadInChild}. */
export interface DeepProbeOptions {
  /** Give up after this many milliseconds. Default 120 000 (WebGPU compiles shaders on first use). */
  timeoutMs?: number;
}

/** What a child process saw when it loaded a backend. */
export type ChildLoadResult =
  | { ok: true; device: DeviceReport }
  | { ok: false; reason: string };

/**
 * Loads a backend in a child Deno process and runs a 2×2 matmul there, so
 * that this process is not tied to a libtensorflow backend. Skips the shallow probe
 * and accepts a GPU package that fell back to the CPU (the device says so).
 * Needs `--allow-run`.
 */
export async function loadInChild(
  name: string,
  options: DeepProbeOptions = {},
): Promise<ChildLoadResult> {
  const spec = getBackendSpec(name);
  const { timeoutMs = 120_000 } = options;
  const args = denoRunArgs(new URL("./probe_child.ts", import.meta.url), spec.name);
  // The GPU build's own log says which GPUs TensorFlow created, or why none.
  const env = spec.name === "tensorflow-gpu" ? { TF_CPP_MIN_LOG_LEVEL: "0" } : undefined;
  let out: QuietRun | undefined;
  try {
    out = await runQuiet(Deno.execPath(), args, { env, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    return { ok: false, reason: `probe process failed: ${String(err)}` };
  }
  let parsed: { ok: boolean; device?: DeviceReport; error?: string; check?: number[] };
  try {
    parsed = JSON.parse(out?.stdout.trim().split("\n").at(-1) ?? "");
  } catch {
    const reason = `loading it crashed the probe process (exit ${out?.code}): ${lastLines(out)}`;
    return { ok: false, reason };
  }
  if (parsed.ok && parsed.device) {
    if (!env) return { ok: true, device: parsed.device };
    return { ok: true, device: withTfGpuLog(parsed.device, out?.stderr ?? "") };
  }
  return {
    ok: false,
    reason: parsed.error ?? `a 2×2 matmul gave ${parsed.check?.join(",")}, expected 7,10,15,22`,
  };
}

/** Adds what TensorFlow's log says about GPUs to a `tensorflow-gpu` device report. */
function withTfGpuLog(device: DeviceReport, stderr: string): DeviceReport {
  const log = parseTfGpuLog(stderr);
  if (device.kind === "gpu" && log.devices.length > 0) {
    const names = log.devices.map((d) => `${d.name}, compute capability ${d.computeCapability}`);
    return {
      ...device,
      description: `${device.description}: ${names.join("; ")}`,
      gpus: log.devices,
    };
  }
  if (device.fellBackToCpu && log.problems.length > 0) {
    const noGpuReason = `TensorFlow: ${log.problems.join("; ")}`;
    return { ...device, description: `${device.description}; ${noGpuReason}`, noGpuReason };
  }
  return device;
}

/**
 * Probes a backend for real: the shallow probe first, then a load and a
 * matmul in a child process ({@link loadInChild}). A GPU package that fell
 * back to the CPU is reported unavailable, with the device that says so.
 */
export async function deepProbe(
  name: string,
  options: DeepProbeOptions = {},
): Promise<ProbeResult> {
  const spec = getBackendSpec(name);
  const shallow = await spec.probe();
  // A browser backend's device is known once its page has run; Chromium's presence is the probe.
  if (!shallow.available || spec.runsIn === "browser") return shallow;
  const loaded = await loadInChild(spec.name, options);
  if (!loaded.ok) return { name: spec.name, available: false, reason: loaded.reason };
  const device = loaded.device;
  return { name: spec.name, available: !device.fellBackToCpu, reason: device.description, device };
}
