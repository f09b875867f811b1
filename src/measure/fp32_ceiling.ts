/**
 * The machine's fp32 ceiling as the backend reaches it, measured as the
 * Keras peer measures it (`src/peer/keras_peer.py`, `ceiling`): the best of
 * five runs of one large 3×3 convolution (batch 256, 14×14, 256 → 512
 * channels, "same" padding: about 118 GFLOP), in GFLOP/s, the result read
 * back before the clock stops. A profile's achieved GFLOP/s are set against
 * it. Measured once per run, after the timed work, on the backends whose
 * convolutions run in TensorFlow (`tensorflow`, `tensorflow-gpu`); elsewhere
 * a profile has no ceiling.
 *
 * @module
 */
import type { Tensor4D } from "@tensorflow/tfjs";
import type { Tf } from "../backends/types.ts";

/** The backends whose ceiling is measured: those that run TensorFlow's own Conv2D. */
export const CEILING_BACKENDS: readonly string[] = ["tensorflow", "tensorflow-gpu"];

/** The convolution's shapes: the peer's. */
const BATCH = 256;
const SIDE = 14;
const IN = 256;
const OUT = 512;

/** Floating-point operations of one run of the convolution. */
export const CEILING_FLOPS = 2 * BATCH * SIDE * SIDE * OUT * IN * 9;

/** The best GFLOP/s of `runs` runs of the convolution on `tf`'s backend, after one untimed. */
export async function measureConvCeiling(tf: Tf, runs = 5): Promise<number> {
  const x = tf.randomUniform([BATCH, SIDE, SIDE, IN], 0, 1, "float32", 0) as Tensor4D;
  const w = tf.randomUniform([3, 3, IN, OUT], 0, 1, "float32", 1) as Tensor4D;
  const once = async () => {
    const t0 = performance.now();
    const y = tf.conv2d(x, w, 1, "same");
    await y.data();
    const ms = performance.now() - t0;
    y.dispose();
    return ms;
  };
  try {
    await once();
    let best = Infinity;
    for (let i = 0; i < runs; i++) best = Math.min(best, await once());
    return CEILING_FLOPS / (best * 1e6);
  } finally {
    tf.dispose([x, w]);
  }
}

/** The ceiling on `backend` where it runs TensorFlow ({@link CEILING_BACKENDS}); elsewhere null. */
export function ceilingOn(backend: string, tf: Tf): Promise<number | null> {
  return CEILING_BACKENDS.includes(backend) ? measureConvCeiling(tf) : Promise.resolve(null);
}
