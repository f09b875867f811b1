/**
 * The machine's fp32 ceiling as the backend reaches it: the best of five
 * runs of one large square matrix product (2048², about 17 GFLOP), in
 * GFLOP/s, the result read back before the clock stops. A profile's
 * achieved GFLOP/s are set against it. Measured once per run, after the
 * timed work, on the backends whose products run in TensorFlow
 * (`tensorflow`, `tensorflow-gpu`); elsewhere a profile has no ceiling.
 *
 * @module
 */
import type { Tf } from "../backends/types.ts";

/** The backends whose ceiling is measured: those that run TensorFlow's own MatMul. */
export const CEILING_BACKENDS: readonly string[] = ["tensorflow", "tensorflow-gpu"];

/** Options of {@link measureMatMulCeiling}. */
export interface CeilingOptions {
  /** The matrices' side (default 2048). */
  size?: number;
  /** Timed runs, the best kept (default 5), after one untimed. */
  runs?: number;
}

/** The best GFLOP/s of `runs` products of two `size`² fp32 matrices on `tf`'s backend. */
export async function measureMatMulCeiling(
  tf: Tf,
  { size = 2048, runs = 5 }: CeilingOptions = {},
): Promise<number> {
  const a = tf.randomUniform([size, size], -1, 1, "float32", 1);
  const b = tf.randomUniform([size, size], -1, 1, "float32", 2);
  const once = async () => {
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    await c.data();
    const ms = performance.now() - t0;
    c.dispose();
    return ms;
  };
  try {
    await once();
    let best = Infinity;
    for (let i = 0; i < runs; i++) best = Math.min(best, await once());
    return (2 * size ** 3) / (best * 1e6);
  } finally {
    tf.dispose([a, b]);
  }
}

/** The ceiling on `backend` where it runs TensorFlow ({@link CEILING_BACKENDS}); elsewhere null. */
export function ceilingOn(backend: string, tf: Tf): Promise<number | null> {
  return CEILING_BACKENDS.includes(backend) ? measureMatMulCeiling(tf) : Promise.resolve(null);
}
