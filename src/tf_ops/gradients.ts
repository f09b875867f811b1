/**
 * Gradients that the libtensorflow backends compute with TensorFlow's own fused
 * ops where TF.js composes several, or calls a slow kernel.
 *
 * - `Relu`: TF.js differentiates it as `dy * step(x)`, and tfjs-node builds
 *   `Step` from six full-size ops (IsNan, Greater, Ones, Fill, two Selects).
 *   TensorFlow's `ReluGrad(dy, x)` is one op with the same result: `dy`
 *   where `x > 0`, else 0. Keras's graph uses it.
 * - `MaxPool`: tfjs-node runs TensorFlow's generic `MaxPoolGrad`, which
 *   searches every window again, a large part of the training step
 *   (BENCHMARKS.md's op table). Keras's graph on the same libtensorflow runs
 *   oneDNN's max-pool instead (`_MklNativeMaxPool` saves where each maximum
 *   was; `_MklNativeMaxPoolGrad` scatters `dy` there), several times faster,
 *   forward recomputation included. The same
 *   result to the bit where windows do not overlap, ties included; where
 *   they overlap, the sums into one input differ in order (by ~1e-7). oneDNN kernels exist only on the CPU
 *   and only in oneDNN builds of TensorFlow, so this gradient is installed
 *   where a check run succeeds and the caller says the work runs on the CPU.
 *
 * The gradient registry of TF.js is global to the process, so every override
 * checks that the active backend is a native one and otherwise runs the stock
 * gradient.
 *
 * @module
 */
import type { GradConfig, NamedAttrMap, Tensor } from "@tensorflow/tfjs";
import {
  floatAttr,
  oneDnnMaxPoolAvailable,
  oneDnnMaxPoolGrad,
  poolAttrs as tfPoolAttrs,
  type TfjsNodeBackend,
} from "./binding.ts";
import type { Tf } from "../backends/types.ts";

/** Names of the gradients {@link installNativeGradients} can replace, in install order. */
export const NATIVE_GRADIENTS: readonly string[] = Object.freeze(["Relu", "MaxPool"]);

/** Options for {@link installNativeGradients}. */
export interface NativeGradientOptions {
  /**
   * oneDNN's CPU kernels may be used (the `MaxPool` gradient): the work runs
   * on the CPU and oneDNN is on. Default `true`; pass `false` for
   * `tensorflow-gpu` on a GPU, where a CPU-only op would copy every tensor,
   * and where oneDNN is off.
   */
  cpu?: boolean;
  /** Which of {@link NATIVE_GRADIENTS} to install. Default: all of them. */
  names?: readonly string[];
}

/** An installed override; it keeps the stock gradient it replaced. */
type Override = GradConfig & { native: true; stock: GradConfig };

/**
 * Replaces the gradients in {@link NATIVE_GRADIENTS} with native TensorFlow
 * ops, each where it can run (see the module doc). Idempotent.
 *
 * @returns A function that puts back the stock gradients this call replaced.
 * @throws {RangeError} For a name not in {@link NATIVE_GRADIENTS}.
 */
export function installNativeGradients(tf: Tf, options: NativeGradientOptions = {}): () => void {
  const { cpu = true, names = NATIVE_GRADIENTS } = options;
  for (const name of names) {
    if (!NATIVE_GRADIENTS.includes(name)) {
      throw new RangeError(
        `installNativeGradients: expected names from ${NATIVE_GRADIENTS.join(", ")}, got ${name}`,
      );
    }
  }
  const stock = new Map<string, GradConfig>();
  for (const name of names) {
    const current = tf.getGradient(name);
    if (!current) throw new Error(`installNativeGradients: TF.js has no gradient for ${name}`);
    if ((current as Partial<Override>).native) continue;
    const override = name === "Relu"
      ? reluGrad(tf, current)
      : cpu && oneDnnMaxPoolAvailable(tf)
      ? maxPoolGrad(tf, current)
      : undefined;
    if (!override) continue;
    stock.set(name, current);
    silently(tf, () => tf.registerGradient(override));
  }
  return () => silently(tf, () => stock.forEach((g) => tf.registerGradient(g)));
}

/** Puts TF.js's stock gradients back for every installed native gradient. */
export function uninstallNativeGradients(tf: Tf): void {
  for (const name of NATIVE_GRADIENTS) {
    const current = tf.getGradient(name) as Partial<Override> | undefined;
    const stock = current?.native ? current.stock : undefined;
    if (stock) silently(tf, () => tf.registerGradient(stock));
  }
}

/** The names from {@link NATIVE_GRADIENTS} whose native gradient is installed in this process. */
export function installedNativeGradients(tf: Tf): string[] {
  return NATIVE_GRADIENTS.filter((name) =>
    (tf.getGradient(name) as Partial<Override> | undefined)?.native === true
  );
}

/** Whether any native gradient is installed in this process. */
export function nativeGradientsInstalled(tf: Tf): boolean {
  return installedNativeGradients(tf).length > 0;
}

/** Whether `tensor` can take a native gradient: on tfjs-node, float32. */
function onNative(tf: Tf, tensor: Tensor): boolean {
  return tf.getBackend() === "tensorflow" && tensor.dtype === "float32";
}

function reluGrad(tf: Tf, stock: GradConfig): Override {
  return {
    kernelName: "Relu",
    inputsToSave: ["x"],
    native: true,
    stock,
    gradFunc: (dy, saved, attrs) => {
      if (!onNative(tf, dy as Tensor)) return stock.gradFunc(dy, saved, attrs);
      const backend = tf.backend() as unknown as TfjsNodeBackend;
      const type = [floatAttr(backend)];
      return { x: () => backend.executeSingleOutput("ReluGrad", type, [dy, saved[0]]) };
    },
  };
}

function maxPoolGrad(tf: Tf, stock: GradConfig): Override {
  return {
    kernelName: "MaxPool",
    inputsToSave: ["x"],
    outputsToSave: [true],
    native: true,
    stock,
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const backend = tf.backend() as unknown as TfjsNodeBackend;
      const opAttrs = onNative(tf, dy as Tensor) ? poolAttrs(tf, backend, x, attrs) : undefined;
      if (!opAttrs) return stock.gradFunc(dy, saved, attrs);
      return { x: () => oneDnnMaxPoolGrad(backend, opAttrs, x, dy as Tensor) };
    },
  };
}

/** The oneDNN max-pool attributes for TF.js's MaxPool attributes; `undefined` for a padding oneDNN lacks. */
function poolAttrs(
  tf: Tf,
  backend: TfjsNodeBackend,
  x: Tensor,
  attrs: NamedAttrMap | undefined,
): unknown[] | undefined {
  const { filterSize, strides, pad, dimRoundingMode } = (attrs ?? {}) as Record<string, never>;
  const { computePool2DInfo } = tf.backend_util;
  const shape = x.shape as [number, number, number, number];
  const info = computePool2DInfo(shape, filterSize, strides, 1, pad, dimRoundingMode);
  if (info.padInfo.type !== "VALID" && info.padInfo.type !== "SAME") return undefined;
  return tfPoolAttrs(
    backend,
    [info.filterHeight, info.filterWidth],
    [info.strideHeight, info.strideWidth],
    info.padInfo.type,
    true,
  );
}

/** TF.js warns when a gradient is overridden; the override here is deliberate. */
function silently(tf: Tf, register: () => void): void {
  const wasTest = tf.env().getBool("IS_TEST");
  tf.env().set("IS_TEST", true); // tfjs-core's warn() is silent in test mode
  try {
    register();
  } finally {
    tf.env().set("IS_TEST", wasTest);
  }
}
