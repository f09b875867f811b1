/**
 * Kernels of tfjs-node replaced by TensorFlow's fused ones, for inference.
 *
 * - `FusedConv2D` (what a Conv2D layer with a bias and ReLU runs when no
 *   gradient is recorded): tfjs-node runs it as three ops, Conv2D, a
 *   broadcast Add and Relu, each a full pass over the output. oneDNN's
 *   `_MklNativeFusedConv2D` applies the bias and the ReLU while it writes
 *   the output, as Keras's graph does on the CPU, with the same result to
 *   the bit (BENCHMARKS.md's op table has the timings).
 *
 * The fused op takes list attributes, which only the binding compiled by
 * `deno task setup` passes (`DeviceReport.patchedBinding`), and runs only on
 * the CPU in oneDNN builds of TensorFlow; it is installed where a check run
 * succeeds. Anything the fused op does not cover (no bias, another
 * activation, PReLU weights, NCHW, explicit padding) runs tfjs-node's kernel.
 *
 * @module
 */
import type { KernelConfig, KernelFunc, NamedAttrMap, Tensor, TensorInfo } from "@tensorflow/tfjs";
import { convAttrs, fusedConvAttrs, passesListAttrs, type TfjsNodeBackend } from "./binding.ts";
import type { Tf } from "../backends/types.ts";

/** Names of the kernels {@link installNativeKernels} can replace. */
export const NATIVE_KERNELS: readonly string[] = Object.freeze(["FusedConv2D"]);

/** An installed kernel; it keeps the one it replaced. */
type Override = KernelConfig & { native: true; stock: KernelConfig };

/** Options for {@link installNativeKernels}. */
export interface NativeKernelOptions {
  /**
   * oneDNN's CPU kernels may be used: the work runs on the CPU and oneDNN is
   * on. Default `true`; with `false` nothing is replaced.
   */
  cpu?: boolean;
}

/**
 * Replaces the kernels in {@link NATIVE_KERNELS} on the `tensorflow` backend
 * where their fused op runs (see the module doc). Idempotent.
 */
export function installNativeKernels(tf: Tf, options: NativeKernelOptions = {}): void {
  const { cpu = true } = options;
  if (!cpu || tf.getBackend() !== "tensorflow") return;
  const backend = tf.backend() as unknown as TfjsNodeBackend;
  if (!passesListAttrs(backend)) return; // tfjs-node's stock addon
  const stock = tf.getKernel("FusedConv2D", "tensorflow");
  if (!stock || (stock as Partial<Override>).native) return;
  const override: Override = {
    kernelName: "FusedConv2D",
    backendName: "tensorflow",
    native: true,
    stock,
    kernelFunc: (args) => fusedConv2D(tf, args, stock.kernelFunc),
  };
  replace(tf, override);
  if (!fusedConvWorks(tf)) replace(tf, stock);
}

/** Puts tfjs-node's own kernels back. */
export function uninstallNativeKernels(tf: Tf): void {
  const current = tf.getKernel("FusedConv2D", "tensorflow") as Partial<Override> | undefined;
  if (current?.native && current.stock) replace(tf, current.stock);
}

/** The names from {@link NATIVE_KERNELS} whose fused kernel is installed in this process. */
export function installedNativeKernels(tf: Tf): string[] {
  return NATIVE_KERNELS.filter((name) =>
    (tf.getKernel(name, "tensorflow") as Partial<Override> | undefined)?.native === true
  );
}

function replace(tf: Tf, config: KernelConfig): void {
  tf.unregisterKernel(config.kernelName, config.backendName);
  tf.registerKernel(config);
}

function fusedConv2D(
  tf: Tf,
  args: Parameters<KernelFunc>[0],
  stock: KernelFunc,
): TensorInfo | TensorInfo[] {
  const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, Tensor>;
  const attrs = args.attrs as NamedAttrMap & Record<string, never>;
  const { strides, pad, dataFormat, dilations, dimRoundingMode: rounding, activation } = attrs;
  const backend = args.backend as unknown as TfjsNodeBackend;
  if (
    !bias || preluActivationWeights || (activation !== "relu" && activation !== "linear") ||
    dataFormat !== "NHWC" || typeof pad !== "string" || x.dtype !== "float32"
  ) {
    return stock(args);
  }
  const xShape = x.shape as [number, number, number, number];
  const wShape = filter.shape as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(xShape, wShape, strides, dilations, pad, rounding);
  return backend.executeSingleOutput("_MklNativeFusedConv2D", [
    ...convAttrs(
      backend,
      info.padInfo.type,
      [info.strideHeight, info.strideWidth],
      [info.dilationHeight, info.dilationWidth],
    ),
    ...fusedConvAttrs(backend, activation === "relu"),
  ], [x, filter, bias]);
}

/** Runs the installed kernel once against the unfused ops; false where it fails or differs. */
function fusedConvWorks(tf: Tf): boolean {
  try {
    return tf.tidy(() => {
      const x = tf.tensor4d([1, -2, 3, 4, -5, 6, 7, 8, -9], [1, 3, 3, 1]);
      const filter = tf.tensor4d([1, 0, -1, 2], [2, 2, 1, 1]);
      const bias = tf.tensor1d([0.5]);
      const conv = { x, filter, bias, strides: 1, pad: "same", activation: "relu" } as const;
      const fused = tf.fused.conv2d(conv);
      const plain = tf.relu(tf.add(tf.conv2d(x, filter, 1, "same"), bias));
      return fused.dataSync().join() === plain.dataSync().join();
    });
  } catch {
    return false;
  }
}
