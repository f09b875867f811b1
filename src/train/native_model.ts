/**
 * What the native training step and the native predictor share: a model's
 * layers read into {@link Stage}s, and the TensorFlow ops they run by name
 * through tfjs-node's backend ({@link NativeOps}).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  convAttrs,
  eigenFusedAttrs,
  floatAttr,
  fusedConvAttrs,
  poolAttrs,
  type TfjsNodeBackend,
} from "../backends/tf_ops.ts";

/** One layer as the native step and predictor run it. */
export type Stage =
  | { kind: "conv"; kernel: number; bias: number; padding: string; relu: boolean }
  | { kind: "pool"; size: [number, number]; strides: [number, number]; padding: string }
  | { kind: "flatten" }
  | { kind: "dense"; kernel: number; bias: number; relu: boolean }
  | { kind: "dropout"; layer: tf.layers.Layer; rate: number };

/**
 * Reads the model's layers into stages.
 *
 * @param label Begins every error message, e.g. `"native step"`.
 * @throws {TypeError} Naming the layer and what about it is not supported.
 */
export function planStages(model: tf.LayersModel, label: string): Stage[] {
  const index = new Map(model.trainableWeights.map((w, i) => [w, i]));
  const weightOf = (layer: tf.layers.Layer, k: number) => {
    const i = index.get(layer.trainableWeights[k]);
    if (i === undefined) throw new TypeError(`${layer.name}: expected a trainable weight`);
    return i;
  };
  const stages: Stage[] = [];
  const layers = model.layers.filter((l) => l.getClassName() !== "InputLayer");
  for (const [i, layer] of layers.entries()) {
    const kind = layer.getClassName();
    // Not getConfig() for Dropout: its config reads `seed`, which draws the next mask's seed.
    const c = (kind === "Dropout" ? layer : layer.getConfig()) as Record<string, unknown>;
    const last = i === layers.length - 1;
    const activation = c.activation as string | undefined;
    const unsupported = (what: string) =>
      new TypeError(
        `${label}: ${layer.name} (${kind}) has ${what}; it supports only buildModel's layers`,
      );
    switch (kind) {
      case "Conv2D": {
        if (activation !== "relu" && activation !== "linear") {
          throw unsupported(`activation ${activation}`);
        }
        if (!c.useBias || c.dataFormat !== "channelsLast") throw unsupported("no bias or NCHW");
        if (!same(c.strides, [1, 1]) || !same(c.dilationRate, [1, 1])) {
          throw unsupported("strides or dilation other than 1");
        }
        stages.push({
          kind: "conv",
          kernel: weightOf(layer, 0),
          bias: weightOf(layer, 1),
          padding: (c.padding as string).toUpperCase(),
          relu: activation === "relu",
        });
        break;
      }
      case "MaxPooling2D": {
        if (c.dataFormat !== "channelsLast") throw unsupported("NCHW");
        const size = c.poolSize as [number, number];
        stages.push({
          kind: "pool",
          size,
          strides: (c.strides as [number, number] | null) ?? size,
          padding: (c.padding as string).toUpperCase(),
        });
        break;
      }
      case "Flatten":
        stages.push({ kind: "flatten" });
        break;
      case "Dense": {
        const want = last ? "softmax" : "relu";
        if (activation !== want) throw unsupported(`activation ${activation}, expected ${want}`);
        if (!c.useBias) throw unsupported("no bias");
        stages.push({
          kind: "dense",
          kernel: weightOf(layer, 0),
          bias: weightOf(layer, 1),
          relu: !last,
        });
        break;
      }
      case "Dropout":
        if (c.noiseShape != null) throw unsupported("a noise shape");
        stages.push({ kind: "dropout", layer, rate: c.rate as number });
        break;
      default:
        throw unsupported(`a layer type the ${label} does not know`);
    }
  }
  if (stages.at(-1)?.kind !== "dense") {
    throw new TypeError(`${label}: expected the last layer to be a softmax Dense`);
  }
  if (stages.filter((s) => "kernel" in s).length * 2 !== model.trainableWeights.length) {
    throw new TypeError(`${label}: expected every trainable weight to be a kernel or a bias`);
  }
  return stages;
}

function same(a: unknown, b: number[]): boolean {
  return Array.isArray(a) && a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * TensorFlow ops by name, with the attributes tfjs-node's binding expects:
 * the ones the native step and predictor run.
 */
export class NativeOps {
  /**
   * @param oneDnnPool Max-pool as oneDNN's `_MklNativeMaxPool`, which also
   *   returns the argmax workspace its gradient takes (training only).
   * @param fusedConv Convolution + bias + ReLU as oneDNN's `_MklNativeFusedConv2D`
   *   (needs a binding that passes list attributes).
   */
  constructor(
    readonly backend: TfjsNodeBackend,
    readonly oneDnnPool: boolean,
    readonly fusedConv: boolean,
  ) {}

  #shapes = new Map<string, tf.Tensor>();

  private get b() {
    return this.backend.binding;
  }
  private get T() {
    return floatAttr(this.backend);
  }
  private str(name: string, value: string) {
    return { name, type: this.b.TF_ATTR_STRING, value };
  }
  private bool(name: string, value: boolean) {
    return { name, type: this.b.TF_ATTR_BOOL, value };
  }
  private one(name: string, attrs: unknown[], inputs: tf.Tensor[]): tf.Tensor {
    return this.backend.executeSingleOutput(name, attrs, inputs);
  }
  private convAttrs(padding: string) {
    return convAttrs(this.backend, padding);
  }
  private poolAttrs(s: { size: [number, number]; strides: [number, number]; padding: string }) {
    return poolAttrs(this.backend, s.size, s.strides, s.padding, this.oneDnnPool);
  }
  /** An int32 shape tensor, kept for the epoch (the backprop ops take shapes as tensors). */
  private shape(shape: number[]): tf.Tensor {
    const key = shape.join(",");
    let t = this.#shapes.get(key);
    if (!t) {
      t = tf.keep(tf.tensor1d(shape, "int32"));
      this.#shapes.set(key, t);
    }
    return t;
  }

  variable(name: string, initial: tf.Tensor): tf.Tensor {
    const dtype = { name: "dtype", type: this.b.TF_ATTR_TYPE, value: this.b.TF_FLOAT };
    const handle = this.one("VarHandleOp", [
      dtype,
      { name: "shape", type: this.b.TF_ATTR_SHAPE, value: initial.shape },
      this.str("container", ""),
      this.str("shared_name", name),
    ], []);
    this.backend.executeMultipleOutputs("AssignVariableOp", [dtype], [handle, initial], 0);
    return handle;
  }
  read(handle: tf.Tensor): tf.Tensor {
    const dtype = { name: "dtype", type: this.b.TF_ATTR_TYPE, value: this.b.TF_FLOAT };
    return this.one("ReadVariableOp", [dtype], [handle]);
  }
  destroy(handle: tf.Tensor): void {
    this.backend.executeMultipleOutputs(
      "DestroyResourceOp",
      [this.bool("ignore_lookup_error", true)],
      [handle],
      0,
    );
  }
  /** Frees the shape tensors kept for the epoch. */
  dispose(): void {
    tf.dispose([...this.#shapes.values()]);
    this.#shapes.clear();
  }
  adam(
    variable: tf.Tensor,
    m: tf.Tensor,
    v: tf.Tensor,
    [b1p, b2p, eps]: tf.Tensor[],
    c: { lr: tf.Tensor; beta1: tf.Tensor; beta2: tf.Tensor },
    grad: tf.Tensor,
  ): void {
    this.backend.executeMultipleOutputs(
      "ResourceApplyAdam",
      [this.T, this.bool("use_locking", false), this.bool("use_nesterov", false)],
      [variable, m, v, b1p, b2p, c.lr, c.beta1, c.beta2, eps, grad],
      0,
    );
  }
  conv(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor, padding: string, relu: boolean) {
    if (this.fusedConv) {
      return this.one("_MklNativeFusedConv2D", [
        ...this.convAttrs(padding),
        ...fusedConvAttrs(this.backend, relu),
      ], [x, kernel, bias]);
    }
    const z = this.one("BiasAdd", [this.T, this.str("data_format", "NHWC")], [
      this.one("Conv2D", this.convAttrs(padding), [x, kernel]),
      bias,
    ]);
    return relu ? this.one("Relu", [this.T], [z]) : z;
  }
  /** Convolution + bias (+ ReLU) as Eigen's `_FusedConv2D` (list attributes needed). */
  eigenConv(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor, padding: string, relu: boolean) {
    return this.one("_FusedConv2D", [
      ...this.convAttrs(padding),
      ...eigenFusedAttrs(this.backend, relu, true),
    ], [x, kernel, bias]);
  }
  convFilterGrad(x: tf.Tensor, kernelShape: number[], dz: tf.Tensor, padding: string) {
    return this.one("Conv2DBackpropFilter", this.convAttrs(padding), [
      x,
      this.shape(kernelShape),
      dz,
    ]);
  }
  convInputGrad(inputShape: number[], kernel: tf.Tensor, dz: tf.Tensor, padding: string) {
    return this.one("Conv2DBackpropInput", this.convAttrs(padding), [
      this.shape(inputShape),
      kernel,
      dz,
    ]);
  }
  maxPool(x: tf.Tensor, s: { size: [number, number]; strides: [number, number]; padding: string }) {
    if (!this.oneDnnPool) return [this.one("MaxPool", this.poolAttrs(s), [x])];
    return this.backend.executeMultipleOutputs("_MklNativeMaxPool", this.poolAttrs(s), [x], 2);
  }
  /** oneDNN's max-pool without the argmax workspace: for inference, where it is often faster. */
  oneDnnMaxPool(
    x: tf.Tensor,
    s: { size: [number, number]; strides: [number, number]; padding: string },
  ) {
    const attrs = poolAttrs(this.backend, s.size, s.strides, s.padding, true, false);
    const [y, unused] = this.backend.executeMultipleOutputs("_MklNativeMaxPool", attrs, [x], 2);
    unused.dispose();
    return y;
  }
  maxPoolGrad(
    x: tf.Tensor,
    y: tf.Tensor,
    dy: tf.Tensor,
    workspace: tf.Tensor | undefined,
    s: { size: [number, number]; strides: [number, number]; padding: string },
  ) {
    return workspace
      ? this.one("_MklNativeMaxPoolGrad", this.poolAttrs(s), [x, y, dy, workspace])
      : this.one("MaxPoolGrad", this.poolAttrs(s), [x, y, dy]);
  }
  dense(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor, relu: boolean) {
    const z = this.one("BiasAdd", [this.T, this.str("data_format", "NHWC")], [
      this.matMul(x, kernel, false, false),
      bias,
    ]);
    return relu ? this.one("Relu", [this.T], [z]) : z;
  }
  /** Dense + bias (+ ReLU) as Eigen's `_FusedMatMul` (list attributes needed). */
  eigenDense(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor, relu: boolean) {
    return this.one("_FusedMatMul", [
      this.T,
      this.bool("transpose_a", false),
      this.bool("transpose_b", false),
      ...eigenFusedAttrs(this.backend, relu, false),
    ], [x, kernel, bias]);
  }
  matMul(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean) {
    return this.one("MatMul", [
      this.T,
      this.bool("transpose_a", transposeA),
      this.bool("transpose_b", transposeB),
    ], [a, b]);
  }
  reluGrad(dy: tf.Tensor, y: tf.Tensor) {
    return this.one("ReluGrad", [this.T], [dy, y]);
  }
  biasGrad(dz: tf.Tensor) {
    return this.one("BiasAddGrad", [this.T, this.str("data_format", "NHWC")], [dz]);
  }
  /** `Reshape` with a kept shape tensor: `tf.reshape` makes a new one per call. */
  reshape(x: tf.Tensor, shape: number[]) {
    const int32 = { name: "Tshape", type: this.b.TF_ATTR_TYPE, value: this.b.TF_INT32 };
    return this.one("Reshape", [this.T, int32], [x, this.shape(shape)]);
  }
  softmax(logits: tf.Tensor) {
    return this.one("Softmax", [this.T], [logits]);
  }
  softmaxCrossEntropy(logits: tf.Tensor, labels: tf.Tensor): tf.Tensor[] {
    return this.backend.executeMultipleOutputs(
      "SoftmaxCrossEntropyWithLogits",
      [this.T],
      [logits, labels],
      2,
    );
  }
}
