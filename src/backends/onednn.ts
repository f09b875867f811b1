/**
 * The CPU's vector extensions and whether libtensorflow runs its oneDNN
 * kernels: two facts that decide which kernels a native run executes, so
 * every result records them.
 *
 * TensorFlow 2.21 on Linux turns oneDNN on by default only on CPUs with one
 * of {@link ONEDNN_DEFAULT_FEATURES} (`DefaultOneDnnPolicy` in
 * `tensorflow/core/util/port.cc`); `TF_ENABLE_ONEDNN_OPTS` overrides that
 * either way. So an AVX2-only CPU runs TensorFlow's generic (Eigen) kernels
 * unless the variable is `1`, and `TF_ENABLE_ONEDNN_OPTS=0` or `=1` on any
 * one machine reproduces both classes. The rule is checked against
 * TensorFlow's own log line by `onednn_test.ts`.
 *
 * @module
 */

/**
 * The vector extensions recorded with every result, by their `/proc/cpuinfo`
 * flag names: the ones TensorFlow's and oneDNN's kernel choice depends on.
 */
export const CPU_FEATURES: readonly string[] = Object.freeze(
  "avx2 fma avx512f avx512bw avx512_vnni avx512_bf16 avx512_fp16 avx_vnni amx_tile amx_int8 amx_bf16"
    .split(" "),
);

/** The extensions any one of which makes TensorFlow turn oneDNN on by default (Linux x86). */
const ONEDNN_DEFAULT_FEATURES: readonly string[] = Object.freeze(
  "avx512_vnni avx512_bf16 avx_vnni amx_tile amx_int8 amx_bf16".split(" "),
);

/** The environment variable libtensorflow reads once, when it first needs the setting. */
export const ONEDNN_VARIABLE = "TF_ENABLE_ONEDNN_OPTS";

/** What a user can ask for: oneDNN forced on, forced off, or left to the CPU's default. */
export type OneDnnChoice = "on" | "off" | "default";

/** The choices, in `--help` order. */
export const ONEDNN_CHOICES: readonly OneDnnChoice[] = Object.freeze(["on", "off", "default"]);

/** Whether oneDNN is on in a process, and why. */
export interface OneDnnState {
  /** oneDNN's kernels replace TensorFlow's generic ones on the CPU. */
  enabled: boolean;
  /** `variable`: set by {@link ONEDNN_VARIABLE}; `cpu-default`: the CPU's default. */
  source: "variable" | "cpu-default";
  /** One line for reports, e.g. `off: this CPU's default (no AVX-512 VNNI/BF16, AVX-VNNI or AMX)`. */
  reason: string;
}

/**
 * The recorded extensions present in `/proc/cpuinfo`'s text (the `flags`
 * line of its first processor), in {@link CPU_FEATURES} order.
 */
export function parseCpuFeatures(cpuinfo: string): string[] {
  const line = cpuinfo.split("\n").find((l) => /^(flags|Features)\s*:/.test(l)) ?? "";
  const flags = new Set(line.slice(line.indexOf(":") + 1).trim().split(/\s+/));
  return CPU_FEATURES.filter((f) => flags.has(f));
}

/**
 * This machine's recorded extensions, from `/proc/cpuinfo`; `null` where
 * that file cannot be read (not Linux).
 */
export async function readCpuFeatures(): Promise<string[] | null> {
  try {
    return parseCpuFeatures(await Deno.readTextFile("/proc/cpuinfo"));
  } catch {
    return null;
  }
}

/**
 * Whether libtensorflow turns oneDNN on, by TensorFlow's own rule: the
 * variable's value where it is one TensorFlow accepts (`1`, `true`, `0`,
 * `false`, any case, nothing around them), else the CPU's default.
 *
 * @param features The CPU's extensions ({@link parseCpuFeatures}); `null` when unknown.
 * @param variable The value of {@link ONEDNN_VARIABLE}, or `undefined` when unset.
 */
export function oneDnnState(features: readonly string[] | null, variable?: string): OneDnnState {
  const value = variable?.toLowerCase();
  if (value === "1" || value === "true" || value === "0" || value === "false") {
    const enabled = value === "1" || value === "true";
    return {
      enabled,
      source: "variable",
      reason: `${enabled ? "on" : "off"}: ${ONEDNN_VARIABLE}=${variable}`,
    };
  }
  const triggers = (features ?? []).filter((f) => ONEDNN_DEFAULT_FEATURES.includes(f));
  const enabled = triggers.length > 0;
  const setting = `${ONEDNN_VARIABLE}=${JSON.stringify(variable)}`;
  const ignored = variable
    ? ` (${setting} is not 0, 1, true or false, so TensorFlow ignores it)`
    : "";
  return {
    enabled,
    source: "cpu-default",
    reason: enabled
      ? `on: this CPU's default (it has ${triggers.join(", ")})${ignored}`
      : features === null
      ? `off: the CPU's extensions are unknown; TensorFlow's default is off without AVX-512 VNNI/BF16, AVX-VNNI or AMX${ignored}`
      : `off: this CPU's default (no AVX-512 VNNI/BF16, AVX-VNNI or AMX)${ignored}`,
  };
}

/**
 * The value of {@link ONEDNN_VARIABLE} that a choice needs: `"1"`, `"0"`, or
 * `undefined` (unset) for `"default"`.
 */
export function oneDnnVariableFor(choice: OneDnnChoice): string | undefined {
  return choice === "on" ? "1" : choice === "off" ? "0" : undefined;
}

/** Which kernels this suite's own TensorFlow ops use (the native engine, the patched gradients), and why. */
export interface KernelLibraryChoice {
  /** `onednn`: oneDNN's CPU ops where they help; `generic`: TensorFlow's generic kernels only. */
  library: "onednn" | "generic";
  /** One line for reports. */
  reason: string;
}

/**
 * Picks the kernels of this suite's own TensorFlow ops: oneDNN's only where
 * the work runs on the CPU, oneDNN is on in the process and its ops run in
 * the loaded libtensorflow; TensorFlow's generic kernels otherwise, so that
 * "oneDNN off" means no oneDNN kernel at all.
 */
export function chooseKernelLibrary(options: {
  /** The process's oneDNN state. */
  onednn: OneDnnState;
  /** The backend computes on a GPU. */
  gpu: boolean;
  /** oneDNN's ops ran in a check on the loaded backend (false when the check was not run). */
  opsRun: boolean;
}): KernelLibraryChoice {
  const { onednn, gpu, opsRun } = options;
  if (gpu) {
    return { library: "generic", reason: "the work runs on a GPU; oneDNN's ops are CPU ops" };
  }
  if (!onednn.enabled) return { library: "generic", reason: `oneDNN is ${onednn.reason}` };
  if (!opsRun) {
    return { library: "generic", reason: "oneDNN's ops do not run in this libtensorflow" };
  }
  return { library: "onednn", reason: `oneDNN is ${onednn.reason}` };
}
