/**
 * Evaluation of a trained model on a labelled split: loss, accuracy and the
 * confusion matrix, computed in batches so memory stays flat.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { NUM_CLASSES } from "../data/classes.ts";

/** Loss, accuracy and confusion matrix of a model on one split. */
export interface Evaluation {
  /** Mean categorical cross-entropy. */
  loss: number;
  /** Fraction of images classified correctly. */
  accuracy: number;
  /** Number of images evaluated. */
  count: number;
  /** `confusion[trueClass][predictedClass]` = count. */
  confusion: number[][];
}

/**
 * Evaluates `model` on images `xs` ([N,28,28,1], normalised) with one-hot
 * labels `ys` ([N,10]). Leaks no tensor.
 *
 * @param batchSize Images per forward pass. Default 1024.
 */
export async function evaluateModel(
  model: tf.LayersModel,
  xs: tf.Tensor4D,
  ys: tf.Tensor2D,
  batchSize = 1024,
): Promise<Evaluation> {
  const n = xs.shape[0];
  const confusion = Array.from(
    { length: NUM_CLASSES },
    () => new Array<number>(NUM_CLASSES).fill(0),
  );
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const [lossT, truthT, predT] = tf.tidy(() => {
      const x = tf.slice(xs, [start, 0, 0, 0], [size, -1, -1, -1]);
      const y = tf.slice(ys, [start, 0], [size, -1]);
      const p = model.predict(x) as tf.Tensor2D;
      // Categorical cross-entropy as Keras computes it: clip, then -Σ y·log p.
      const loss = tf.neg(tf.sum(tf.mul(y, tf.log(tf.clipByValue(p, 1e-7, 1 - 1e-7)))));
      return [loss, tf.argMax(y, 1), tf.argMax(p, 1)];
    });
    const [loss, truth, pred] = await Promise.all([lossT.data(), truthT.data(), predT.data()]);
    tf.dispose([lossT, truthT, predT]);
    lossSum += loss[0];
    for (let i = 0; i < size; i++) {
      confusion[truth[i]][pred[i]]++;
      if (truth[i] === pred[i]) correct++;
    }
  }
  return { accuracy: correct / n, loss: lossSum / n, count: n, confusion };
}
