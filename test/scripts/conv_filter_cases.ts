/**
 * The convolutions `test/wasm_conv_filter_test.ts` takes the filter gradient
 * of, and that gradient on the active backend, from the same seeded inputs in
 * every process (`tf.randomNormal` draws its numbers in JavaScript, whatever
 * the backend).
 *
 * @module
 */
import type { Tensor, Tensor4D } from "@tensorflow/tfjs";
import type { Tf } from "../../src/backends/types.ts";

/** One convolution with a 3×3 filter: input shape, output channels, strides and padding. */
export interface ConvCase {
  name: string;
  x: [number, number, number, number];
  cout: number;
  strides: number | [number, number];
  pad: "same" | "valid" | [[number, number], [number, number], [number, number], [number, number]];
}

/**
 * `Conv2DBackpropFilter` of the case on the active backend, from inputs drawn
 * with seeds 1 (x) and 2 (dy).
 *
 * @param abs Take |x| and |dy| instead: each result is then the sum of the
 *   magnitudes of the products the gradient adds up.
 */
export function filterGradient(tf: Tf, c: ConvCase, abs = false): Float32Array {
  const filterShape: [number, number, number, number] = [3, 3, c.x[3], c.cout];
  return tf.tidy(() => {
    const x = tf.randomNormal(c.x, 0, 1, "float32", 1) as Tensor4D;
    const outShape = tf.conv2d(x, tf.zeros(filterShape) as Tensor4D, c.strides, c.pad).shape;
    const dy = tf.randomNormal(outShape, 0, 1, "float32", 2);
    const dw = tf.engine().runKernel(
      "Conv2DBackpropFilter",
      abs ? { x: tf.abs(x), dy: tf.abs(dy) } : { x, dy },
      { strides: c.strides, pad: c.pad, dataFormat: "NHWC", filterShape },
    ) as Tensor;
    return dw.dataSync() as Float32Array;
  });
}
