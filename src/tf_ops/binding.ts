/**
 * Calling TensorFlow ops by name through tfjs-node's backend, as the native
 * gradients, kernels and training step do: the backend's shape, and the
 * attribute lists of the ops they share (convolution, max-pool, oneDNN's
 * fused convolution).
 *
 * @module
 */
import type { Tensor } from "@tensorflow/tfjs";
import { BINDING_PATCH_MARKER } from "../backends/libtensorflow.ts";
import type { Tf } from "../backends/types.ts";

/** The parts of tfjs-node's `NodeJSKernelBackend` that run an op by name. */
export interface TfjsNodeBackend {
  binding: {
    TF_ATTR_TYPE: number;
    TF_ATTR_INT: number;
    TF_ATTR_STRING: number;
    TF_ATTR_BOOL: number;
    TF_ATTR_SHAPE: number;
    TF_FLOAT: number;
    TF_INT32: number;
    [BINDING_PATCH_MARKER]?: number;
  };
  executeSingleOutput(name: string, attrs: unknown[], inputs: unknown[]): Tensor;
  executeMultipleOutputs(
    name: string,
    attrs: unknown[],
    inputs: unknown[],
    numOutputs: number,
  ): Tensor[];
}

/** One op attribute as tfjs-node's binding takes it. */
interface OpAttr {
  name: string;
  type: number;
  value: unknown;
}

/** oneDNN's native-format kernels are registered under this `_kernel` label. */
const ONEDNN_LABEL = "MklNameChangeOp";

/** The `_kernel` attribute that picks oneDNN's native-format kernel of an `_MklNative…` op. */
export function oneDnnKernelAttr(backend: TfjsNodeBackend): OpAttr {
  return { name: "_kernel", type: backend.binding.TF_ATTR_STRING, value: ONEDNN_LABEL };
}

/** Whether the loaded binding passes list attributes (the one `deno task setup` compiles). */
export function passesListAttrs(backend: TfjsNodeBackend): boolean {
  return backend.binding[BINDING_PATCH_MARKER] === 1;
}

/** The float32 type attribute `T`. */
export function floatAttr(backend: TfjsNodeBackend): OpAttr {
  return { name: "T", type: backend.binding.TF_ATTR_TYPE, value: backend.binding.TF_FLOAT };
}

/** `Conv2D` (and its gradients') attributes, NHWC. */
export function convAttrs(
  backend: TfjsNodeBackend,
  padding: string,
  strides: [number, number] = [1, 1],
  dilations: [number, number] = [1, 1],
): OpAttr[] {
  const { TF_ATTR_INT, TF_ATTR_STRING } = backend.binding;
  return [
    floatAttr(backend),
    { name: "strides", type: TF_ATTR_INT, value: [1, ...strides, 1] },
    { name: "padding", type: TF_ATTR_STRING, value: padding },
    { name: "data_format", type: TF_ATTR_STRING, value: "NHWC" },
    { name: "dilations", type: TF_ATTR_INT, value: [1, ...dilations, 1] },
  ];
}

/**
 * The attributes `_MklNativeFusedConv2D` takes beyond {@link convAttrs}: one
 * bias input, then the bias and optionally a ReLU fused in. Lists of strings
 * and types: only a binding that {@link passesListAttrs} can set them.
 */
export function fusedConvAttrs(backend: TfjsNodeBackend, relu: boolean): OpAttr[] {
  return [...eigenFusedAttrs(backend, relu, true), oneDnnKernelAttr(backend)];
}

/**
 * The attributes Eigen's `_FusedConv2D` (with `conv`, beyond
 * {@link convAttrs}) and `_FusedMatMul` take: one bias input, then the bias
 * and optionally a ReLU fused in. Only a binding that
 * {@link passesListAttrs} can set them.
 */
export function eigenFusedAttrs(backend: TfjsNodeBackend, relu: boolean, conv: boolean): OpAttr[] {
  const { TF_ATTR_INT, TF_ATTR_TYPE, TF_ATTR_STRING, TF_FLOAT } = backend.binding;
  return [
    { name: "num_args", type: TF_ATTR_INT, value: 1 },
    ...(conv ? [{ name: "TArgs", type: TF_ATTR_TYPE, value: [TF_FLOAT] }] : []),
    { name: "fused_ops", type: TF_ATTR_STRING, value: relu ? ["BiasAdd", "Relu"] : ["BiasAdd"] },
  ];
}

/**
 * Max-pool attributes, NHWC. With `oneDnn`, those of oneDNN's
 * `_MklNativeMaxPool`/`_MklNativeMaxPoolGrad`, which pass the argmax
 * workspace from the forward op to the gradient (`workspace`, default true;
 * inference needs none).
 */
export function poolAttrs(
  backend: TfjsNodeBackend,
  size: [number, number],
  strides: [number, number],
  padding: string,
  oneDnn: boolean,
  workspace = true,
): OpAttr[] {
  const { TF_ATTR_INT, TF_ATTR_STRING, TF_ATTR_BOOL } = backend.binding;
  const attrs: OpAttr[] = [
    floatAttr(backend),
    { name: "ksize", type: TF_ATTR_INT, value: [1, ...size, 1] },
    { name: "strides", type: TF_ATTR_INT, value: [1, ...strides, 1] },
    { name: "padding", type: TF_ATTR_STRING, value: padding },
    { name: "data_format", type: TF_ATTR_STRING, value: "NHWC" },
  ];
  if (!oneDnn) return attrs;
  const workspaceAttr = { name: "workspace_enabled", type: TF_ATTR_BOOL, value: workspace };
  return [...attrs, workspaceAttr, oneDnnKernelAttr(backend)];
}

/** oneDNN's max-pool gradient: the forward pass again, for its argmax workspace, then the scatter. */
export function oneDnnMaxPoolGrad(
  backend: TfjsNodeBackend,
  attrs: unknown[],
  x: Tensor,
  dy: Tensor,
): Tensor {
  const [y, workspace] = backend.executeMultipleOutputs("_MklNativeMaxPool", attrs, [x], 2);
  try {
    return backend.executeSingleOutput("_MklNativeMaxPoolGrad", attrs, [x, y, dy, workspace]);
  } finally {
    y.dispose();
    workspace.dispose();
  }
}

/**
 * Whether oneDNN's max-pool ops run here: runs them once on a 2×2 window
 * with the maximum in a known place. False where the ops are missing (a
 * TensorFlow built without oneDNN) or the active backend is not tfjs-node.
 */
export function oneDnnMaxPoolAvailable(tf: Tf): boolean {
  if (tf.getBackend() !== "tensorflow") return false;
  const backend = tf.backend() as unknown as TfjsNodeBackend;
  try {
    return tf.tidy(() => {
      const x = tf.tensor4d([1, 4, 2, 3], [1, 2, 2, 1]);
      const attrs = poolAttrs(backend, [2, 2], [2, 2], "VALID", true);
      const dx = oneDnnMaxPoolGrad(backend, attrs, x, tf.tensor4d([5], [1, 1, 1, 1]));
      return dx.dataSync().join(",") === "0,5,0,0";
    });
  } catch {
    return false;
  }
}
