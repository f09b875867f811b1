/**
 * What an op is, whoever named it: TF.js kernels (`Conv2D`, `FusedConv2D`,
 * `BatchMatMul`), TensorFlow ops as the `native` engine and Keras call them
 * (`Conv2DBackpropFilter`, `_FusedMatMul`, oneDNN's `_MklNativeConv2D…`),
 * sorted into the kinds a step's time is split by, and the floating-point
 * operations of the ones that do the arithmetic (convolutions and matrix
 * products), from their input and output shapes.
 *
 * @module
 */

/** The kinds a step's time is split by, in the order charts stack them. */
export const OP_KINDS = [
  "conv forward",
  "conv grad input",
  "conv grad filter",
  "pooling",
  "pooling grad",
  "relu",
  "relu grad",
  "dense",
  "optimizer",
  "other",
] as const;

/** A name in {@link OP_KINDS}. */
export type OpKind = typeof OP_KINDS[number];

/**
 * Each kind's op names, checked in order; the first match wins. oneDNN's
 * rewrites (`_MklNativeConv2DBackpropFilter`, `_MklFusedConv2D`) keep the
 * name of the op they replace after their prefix, so the prefix is dropped
 * before matching. `Conv2DBackpropFilterWithBias` is oneDNN's filter
 * gradient with the bias's gradient fused in.
 */
const RULES: readonly [OpKind, RegExp][] = [
  [
    "conv grad input",
    /^(Conv2DBackpropInput|Conv2DBackpropInputV2|DepthwiseConv2dNativeBackpropInput)$/,
  ],
  [
    "conv grad filter",
    /^(Conv2DBackpropFilter|Conv2DBackpropFilterV2|Conv2DBackpropFilterWithBias|DepthwiseConv2dNativeBackpropFilter)$/,
  ],
  [
    "conv forward",
    /^(Conv2D|FusedConv2D|FusedConv2DWithBias|DepthwiseConv2dNative|Conv2DWithBias|FusedDepthwiseConv2D)$/,
  ],
  ["pooling grad", /^(MaxPoolGrad|MaxPoolGradV2|MaxPoolBackprop|AvgPoolGrad|AvgPoolBackprop)$/],
  ["pooling", /^(MaxPool|MaxPoolV2|AvgPool|MaxPoolWithArgmax)$/],
  // TF.js has no ReluGrad kernel: its gradient is dy · Step(x), and Step serves nothing else here.
  ["relu grad", /^(ReluGrad|Step|Relu6Grad|LeakyReluGrad|EluGrad)$/],
  ["relu", /^(Relu|Relu6|LeakyRelu|Elu)$/],
  [
    "dense",
    /^(MatMul|BatchMatMul|BatchMatMulV2|BatchMatMulV3|FusedMatMul|FusedBatchMatMul|MatMulWithBias)$/,
  ],
  [
    "optimizer",
    /^(ApplyAdam|ResourceApplyAdam|ResourceApplyAdamWithAmsgrad|AssignVariableOp|AssignAddVariableOp|AssignSubVariableOp|Assign)$/,
  ],
];

/** The op's name without TensorFlow's internal prefixes (`_Mkl`, `_MklNative`, `_`). */
export function baseOpName(name: string): string {
  return name.replace(/^_Mkl(Native)?/, "").replace(/^_/, "");
}

/**
 * The kind of an op. `phase` says where the op ran when the caller knows
 * it: every op of the optimizer's update is `optimizer`, whatever its name,
 * since TF.js's Adam runs as plain elementwise kernels.
 */
export function opKind(name: string, phase?: "step" | "update"): OpKind {
  if (phase === "update") return "optimizer";
  const base = baseOpName(name);
  for (const [kind, pattern] of RULES) if (pattern.test(base)) return kind;
  return "other";
}

const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Floating-point operations of one call of a convolution or matrix product
 * (a multiply and an add counted as two), from the shapes of its inputs and
 * outputs; null for other ops, or when the shapes do not say.
 *
 * - convolutions (NHWC, filter `[kh, kw, in, out]`): forward, gradient with
 *   respect to the input and to the filter each cost
 *   2 × (N·Ho·Wo·Cout) × (kh·kw·Cin);
 * - matrix products: 2 × (the output's elements) × K, K the shared inner
 *   dimension, found from the sizes alone so that transposes need no
 *   attribute: |A|·|B| = batch · K² · |out| / batch².
 */
export function opFlops(
  name: string,
  inputShapes: readonly (readonly number[])[],
  outputShapes: readonly (readonly number[])[],
): number | null {
  const kind = opKind(name);
  const out = outputShapes[0];
  if (kind === "conv forward") {
    const [x, filter] = inputShapes;
    if (!out || !filter || filter.length !== 4 || !x) return null;
    if (baseOpName(name).startsWith("Depthwise")) {
      return 2 * product(out) * filter[0] * filter[1];
    }
    return 2 * product(out) * filter[0] * filter[1] * filter[2];
  }
  if (kind === "conv grad input" || kind === "conv grad filter") {
    // dy is the last input of both (TensorFlow's order: sizes, filter, dy or
    // x, sizes, dy; TF.js's: dy, filter or x, dy) except TF.js's grad input,
    // which has two inputs, dy first. The filter is an input of grad input
    // and the output of grad filter.
    const tfjsGradInput = kind === "conv grad input" && inputShapes.length === 2;
    const dy = tfjsGradInput ? inputShapes[0] : inputShapes[inputShapes.length - 1];
    const filter = kind === "conv grad input" ? inputShapes[1] : out;
    if (!dy || dy.length !== 4 || !filter || filter.length !== 4) return null;
    return 2 * product(dy) * filter[0] * filter[1] * filter[2];
  }
  if (kind === "dense") {
    const [a, b] = inputShapes;
    if (!a || !b || !out || out.length < 2) return null;
    const batch = out.length > 2 ? product(out.slice(0, -2)) : 1;
    const k = Math.sqrt((product(a) * product(b)) / (product(out) * batch));
    if (!Number.isFinite(k) || Math.abs(k - Math.round(k)) > 1e-6) return null;
    return 2 * product(out) * Math.round(k);
  }
  return null;
}
