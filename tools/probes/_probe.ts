/**
 * What the probe scripts share: random training data of the suite's shapes,
 * and timing variants call by call in turn.
 *
 * @module
 */
import type { Tensor, Tensor2D, Tensor4D } from "@tensorflow/tfjs";
import type { Tf } from "../../src/backends/types.ts";
import { percentile } from "../../src/results/stats.ts";

/** `n` random images `[n, 28, 28, 1]` and random one-hot float labels `[n, 10]`. */
export function randomTrainingData(tf: Tf, n: number): { xs: Tensor4D; ys: Tensor2D } {
  return tf.tidy(() => ({
    xs: tf.randomNormal([n, 28, 28, 1]) as Tensor4D,
    ys: tf.oneHot(tf.randomUniform([n], 0, 10, "int32"), 10).toFloat() as Tensor2D,
  }));
}

/**
 * The median time in milliseconds of `calls` calls of each variant, the
 * result read back before the clock stops. The variants take turns call by
 * call, so that the host's noise, which comes in bursts, hits them alike.
 */
export async function mediansTakingTurns(
  variants: Record<string, () => Tensor>,
  calls: number,
): Promise<Record<string, number>> {
  const times = Object.keys(variants).map(() => [] as number[]);
  for (let i = 0; i < calls; i++) {
    for (const [k, f] of Object.values(variants).entries()) {
      const t0 = performance.now();
      const y = f();
      await y.data();
      times[k].push(performance.now() - t0);
      y.dispose();
    }
  }
  return Object.fromEntries(
    Object.keys(variants).map((name, k) => [name, percentile(times[k], 50)]),
  );
}
