/**
 * The filter gradient of a 2-D convolution (`Conv2DBackpropFilter`) for
 * tfjs-backend-wasm, which 4.22 lacks: the one kernel a CNN's training needs
 * that the stock backend does not have. It is built from the backend's own
 * kernels (Transpose, PadV2, StridedSlice, Reshape, BatchMatMul, Concat),
 * called directly, so the sums run in XNNPACK's matrix product (SIMD, and the
 * backend's threads where it has them) and no JavaScript loop touches the data.
 *
 * With the input padded and the output gradient `dy` of `N×Ho×Wo×Cout`, the
 * filter gradient at tap `(i, j)` is `patch(i, j)ᵀ · dy`: `patch(i, j)` is the
 * padded input shifted by `(i, j)` and strided, an `N·Ho·Wo × Cin` matrix.
 * Inputs with few channels gather the `kh·kw` patches channels-first into one
 * `kh·kw·Cin × N·Ho·Wo` matrix and take one product with `dy`; wider inputs
 * take one product per tap, `dyᵀ · patch(i, j)`, laid out so that each patch
 * is a few long copies and neither operand is transposed (the backend's
 * transposed product is a plain loop, ten times slower).
 *
 * NHWC only, any strides, `same`, `valid` or explicit padding; TF.js's
 * convolution gradients have dilation 1 (the op refuses others before the
 * kernel runs).
 *
 * @module
 */
import type { Tf } from "./types.ts";

/** The kernel's name in TF.js's registry. */
export const CONV2D_BACKPROP_FILTER = "Conv2DBackpropFilter";

/** The words results use for the kernel the suite adds to tfjs-backend-wasm. */
export const WASM_CONV_FILTER_NOTE = "+ the suite's Conv2DBackpropFilter";

/** Inputs with at most this many channels take the one-product (im2col) path. */
const FEW_CHANNELS = 8;

/** A tensor as kernels see it. */
interface Info {
  dataId: object;
  shape: number[];
  dtype: string;
}

/** What the kernel uses of the wasm backend. */
interface WasmBackendLike {
  disposeData(dataId: object): boolean;
}

/** The attributes TF.js passes to `Conv2DBackpropFilter`. */
interface FilterAttrs {
  strides: number | [number, number];
  pad: "valid" | "same" | number | [[number, number], [number, number], [number, number], [
    number,
    number,
  ]];
  dataFormat?: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
  filterShape: [number, number, number, number];
  dilations?: number | [number, number];
}

/** The backend's kernels, called directly; each result is disposed by the caller. */
class WasmKernels {
  constructor(private readonly tf: Tf, private readonly backend: WasmBackendLike) {}

  run(name: string, inputs: Record<string, Info> | Info[], attrs: object = {}): Info {
    const kernel = this.tf.getKernel(name, "wasm");
    if (!kernel) throw new Error(`backend wasm: expected a ${name} kernel, got none registered`);
    // Concat takes its inputs as a list; the kernel registry's type says a map.
    const args = { inputs, backend: this.backend, attrs } as unknown as Parameters<
      typeof kernel.kernelFunc
    >[0];
    return kernel.kernelFunc(args) as unknown as Info;
  }

  dispose(...infos: Info[]): void {
    for (const info of infos) this.backend.disposeData(info.dataId);
  }

  reshape(x: Info, shape: number[]): Info {
    return this.run("Reshape", { x }, { shape });
  }

  transpose(x: Info, perm: number[]): Info {
    return this.run("Transpose", { x }, { perm });
  }

  /** `x` with zeros before and after each axis; `x` itself when there are none. */
  pad(x: Info, paddings: [number, number][]): Info {
    if (paddings.every(([a, b]) => a === 0 && b === 0)) return this.reshape(x, x.shape);
    return this.run("PadV2", { x }, { paddings, constantValue: 0 });
  }

  /** `size` elements of `x` from `begin`, every `strides` apart. */
  stridedSlice(x: Info, begin: number[], size: number[], strides: number[]): Info {
    const end = begin.map((b, k) => b + (size[k] - 1) * strides[k] + 1);
    return this.run("StridedSlice", { x }, {
      begin,
      end,
      strides,
      beginMask: 0,
      endMask: 0,
      ellipsisMask: 0,
      newAxisMask: 0,
      shrinkAxisMask: 0,
    });
  }

  matMul(a: Info, b: Info): Info {
    return this.run("BatchMatMul", { a, b }, { transposeA: false, transposeB: false });
  }

  concat(parts: Info[], axis: number): Info {
    return this.run("Concat", parts, { axis });
  }
}

/** The convolution's geometry, from its input, output gradient and attributes. */
interface Geometry {
  n: number;
  cin: number;
  cout: number;
  kh: number;
  kw: number;
  outH: number;
  outW: number;
  strides: [number, number];
  /** Zeros before and after the rows and the columns, as many as the taps reach. */
  rows: [number, number];
  cols: [number, number];
}

function geometry(tf: Tf, x: Info, dy: Info, attrs: FilterAttrs): Geometry {
  const format = attrs.dataFormat ?? "NHWC";
  if (format !== "NHWC") {
    throw new Error(`${CONV2D_BACKPROP_FILTER} on wasm: expected dataFormat NHWC, got ${format}`);
  }
  const dilations = [attrs.dilations ?? 1].flat();
  if (dilations.some((d) => d !== 1)) {
    throw new Error(
      `${CONV2D_BACKPROP_FILTER} on wasm: expected dilation 1, got ${dilations.join("×")}`,
    );
  }
  if (x.shape.length !== 4 || x.dtype !== "float32" || dy.dtype !== "float32") {
    throw new Error(
      `${CONV2D_BACKPROP_FILTER} on wasm: expected a float32 NHWC input and gradient, got ` +
        `${x.dtype} [${x.shape}] and ${dy.dtype} [${dy.shape}]`,
    );
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    "channelsLast",
  );
  const want = [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
  if (dy.shape.join() !== want.join()) {
    throw new Error(
      `${CONV2D_BACKPROP_FILTER} on wasm: expected dy of shape [${want}], got [${dy.shape}]`,
    );
  }
  const { top, left } = info.padInfo;
  const [sh, sw] = [info.strideHeight, info.strideWidth];
  // The last tap reads row (kh − 1) + (outH − 1)·sh of the padded input: pad up to it.
  const bottom = Math.max(0, info.filterHeight + (info.outHeight - 1) * sh - info.inHeight - top);
  const right = Math.max(0, info.filterWidth + (info.outWidth - 1) * sw - info.inWidth - left);
  return {
    n: info.batchSize,
    cin: info.inChannels,
    cout: info.outChannels,
    kh: info.filterHeight,
    kw: info.filterWidth,
    outH: info.outHeight,
    outW: info.outWidth,
    strides: [sh, sw],
    rows: [top, bottom],
    cols: [left, right],
  };
}

/**
 * Few input channels: the patches channels-first, `[kh·kw·Cin, N·Ho·Wo]`, times
 * `dy` as `[N·Ho·Wo, Cout]` is the filter gradient in its own layout.
 */
function fewChannels(k: WasmKernels, x: Info, dy: Info, g: Geometry): Info {
  const m = g.n * g.outH * g.outW;
  const xt = k.transpose(x, [3, 0, 1, 2]);
  const padded = k.pad(xt, [[0, 0], [0, 0], g.rows, g.cols]);
  k.dispose(xt);
  const patches: Info[] = [];
  for (let i = 0; i < g.kh; i++) {
    for (let j = 0; j < g.kw; j++) {
      const size = [g.cin, g.n, g.outH, g.outW];
      const patch = k.stridedSlice(padded, [0, 0, i, j], size, [1, 1, ...g.strides]);
      patches.push(k.reshape(patch, [g.cin, m]));
      k.dispose(patch);
    }
  }
  k.dispose(padded);
  const columns = k.concat(patches, 0);
  k.dispose(...patches);
  const dy2 = k.reshape(dy, [m, g.cout]);
  const product = k.matMul(columns, dy2);
  k.dispose(columns, dy2);
  const dw = k.reshape(product, [g.kh, g.kw, g.cin, g.cout]);
  k.dispose(product);
  return dw;
}

/**
 * Many input channels: the input as `[H, W, N·Cin]`, so that a tap's patch is
 * `Ho` long copies, and per tap `dyᵀ · patch` as `[Cout, Ho·Wo·N] · [Ho·Wo·N, Cin]`.
 */
function manyChannels(k: WasmKernels, x: Info, dy: Info, g: Geometry): Info {
  const m = g.n * g.outH * g.outW;
  const xt = k.transpose(x, [1, 2, 0, 3]);
  const padded4 = k.pad(xt, [g.rows, g.cols, [0, 0], [0, 0]]);
  k.dispose(xt);
  const padded = k.reshape(padded4, [padded4.shape[0], padded4.shape[1], g.n * g.cin]);
  k.dispose(padded4);
  const dyt = k.transpose(dy, [3, 1, 2, 0]);
  const dyT = k.reshape(dyt, [g.cout, m]);
  k.dispose(dyt);
  const taps: Info[] = [];
  for (let i = 0; i < g.kh; i++) {
    for (let j = 0; j < g.kw; j++) {
      const size = [g.outH, g.outW, g.n * g.cin];
      const patch = k.stridedSlice(padded, [i, j, 0], size, [...g.strides, 1]);
      const patch2 = k.reshape(patch, [m, g.cin]);
      taps.push(k.matMul(dyT, patch2));
      k.dispose(patch, patch2);
    }
  }
  k.dispose(padded, dyT);
  const stacked = k.concat(taps, 0);
  k.dispose(...taps);
  const byTap = k.reshape(stacked, [g.kh * g.kw, g.cout, g.cin]);
  k.dispose(stacked);
  const swapped = k.transpose(byTap, [0, 2, 1]);
  k.dispose(byTap);
  const dw = k.reshape(swapped, [g.kh, g.kw, g.cin, g.cout]);
  k.dispose(swapped);
  return dw;
}

/**
 * The kernel function: `dw` of shape `filterShape` from `x` and `dy`.
 *
 * @param tf The TF.js namespace the wasm backend is registered in.
 */
export function conv2DBackpropFilterWasm(
  tf: Tf,
): (args: { inputs: { x?: Info; dy?: Info }; backend: unknown; attrs?: unknown }) => Info {
  return ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs;
    if (!x || !dy) throw new Error(`${CONV2D_BACKPROP_FILTER} on wasm: expected inputs x and dy`);
    const g = geometry(tf, x, dy, attrs as FilterAttrs);
    const kernels = new WasmKernels(tf, backend as WasmBackendLike);
    return g.cin <= FEW_CHANNELS ? fewChannels(kernels, x, dy, g) : manyChannels(kernels, x, dy, g);
  };
}

/** Marks the suite's kernel functions, so that a registered one can be told from a stock one. */
const SUITE_KERNEL = Symbol("fmnist-bench Conv2DBackpropFilter");

/**
 * Registers the suite's `Conv2DBackpropFilter` for the `wasm` backend, unless
 * a kernel of that name is registered already (the suite's from an earlier
 * call, or a later tfjs-backend-wasm's own).
 *
 * @returns Whether the registered kernel is the suite's: results say so.
 */
export function registerWasmConvFilter(tf: Tf): boolean {
  const held = tf.getKernel(CONV2D_BACKPROP_FILTER, "wasm");
  if (held !== undefined) return SUITE_KERNEL in held.kernelFunc;
  const kernelFunc = Object.assign(conv2DBackpropFilterWasm(tf), { [SUITE_KERNEL]: true });
  tf.registerKernel({
    kernelName: CONV2D_BACKPROP_FILTER,
    backendName: "wasm",
    kernelFunc: kernelFunc as unknown as Parameters<Tf["registerKernel"]>[0]["kernelFunc"],
  });
  return true;
}
