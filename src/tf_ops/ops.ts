/**
 * The TensorFlow ops the native training step and predictor run, by name
 * through tfjs-node's backend ({@link NativeOps}): resource variables, Adam,
 * convolution, max-pool, dense and their gradients, in oneDNN's or the
 * generic kernels.
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
} from "./binding.ts";

/** A max-pool's window, strides and padding. */
type Pool = { size: [number, number]; strides: [number, number]; padding: string };

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
  private none(name: string, attrs: unknown[], inputs: tf.Tensor[]): void {
    this.backend.executeMultipleOutputs(name, attrs, inputs, 0);
  }
  private get dtype() {
    return { name: "dtype", type: this.b.TF_ATTR_TYPE, value: this.b.TF_FLOAT };
  }
  /** `BiasAdd`, then `Relu` when `relu`. */
  private biasRelu(z: tf.Tensor, bias: tf.Tensor, relu: boolean) {
    const out = this.one("BiasAdd", [this.T, this.str("data_format", "NHWC")], [z, bias]);
    return relu ? this.one("Relu", [this.T], [out]) : out;
  }
  private convAttrs(padding: string) {
    return convAttrs(this.backend, padding);
  }
  private poolAttrs(s: Pool) {
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
    const handle = this.one("VarHandleOp", [
      this.dtype,
      { name: "shape", type: this.b.TF_ATTR_SHAPE, value: initial.shape },
      this.str("container", ""),
      this.str("shared_name", name),
    ], []);
    this.none("AssignVariableOp", [this.dtype], [handle, initial]);
    return handle;
  }
  read(handle: tf.Tensor): tf.Tensor {
    return this.one("ReadVariableOp", [this.dtype], [handle]);
  }
  destroy(handle: tf.Tensor): void {
    this.none("DestroyResourceOp", [this.bool("ignore_lookup_error", true)], [handle]);
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
    this.none(
      "ResourceApplyAdam",
      [this.T, this.bool("use_locking", false), this.bool("use_nesterov", false)],
      [variable, m, v, b1p, b2p, c.lr, c.beta1, c.beta2, eps, grad],
    );
  }
  conv(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor, padding: string, relu: boolean) {
    if (this.fusedConv) {
      return this.one("_MklNativeFusedConv2D", [
        ...this.convAttrs(padding),
        ...fusedConvAttrs(this.backend, relu),
      ], [x, kernel, bias]);
    }
    return this.biasRelu(this.one("Conv2D", this.convAttrs(padding), [x, kernel]), bias, relu);
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
  maxPool(x: tf.Tensor, s: Pool) {
    if (!this.oneDnnPool) return [this.one("MaxPool", this.poolAttrs(s), [x])];
    return this.backend.executeMultipleOutputs("_MklNativeMaxPool", this.poolAttrs(s), [x], 2);
  }
  /** oneDNN's max-pool without the argmax workspace: for inference, where it is often faster. */
  oneDnnMaxPool(x: tf.Tensor, s: Pool) {
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
    s: Pool,
  ) {
    return workspace
      ? this.one("_MklNativeMaxPoolGrad", this.poolAttrs(s), [x, y, dy, workspace])
      : this.one("MaxPoolGrad", this.poolAttrs(s), [x, y, dy]);
  }
  dense(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor, relu: boolean) {
    return this.biasRelu(this.matMul(x, kernel, false, false), bias, relu);
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
