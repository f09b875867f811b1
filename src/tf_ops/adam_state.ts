/**
 * The state the native step keeps in TensorFlow during an epoch and hands
 * back to the model after it: Adam's settings and moments, read from and
 * written to the TF.js optimizer, and the resource variables that
 * `ResourceApplyAdam` updates in place.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { NativeOps } from "./ops.ts";

/** The Adam settings the native step reproduces. */
interface AdamSettings {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/** Adam's hyperparameters from the model's optimizer. */
export function adamSettings(model: tf.LayersModel): AdamSettings {
  const optimizer = model.optimizer;
  if (!(optimizer instanceof tf.AdamOptimizer)) {
    throw new TypeError(
      `native step: expected an Adam optimizer, got ${optimizer?.getClassName()}`,
    );
  }
  const { learningRate, beta1, beta2, epsilon } = optimizer.getConfig() as Record<string, number>;
  return { learningRate, beta1, beta2, epsilon };
}

/** The optimizer's step count and moments (zeros before its first step), as fresh tensors. */
export async function readAdamState(
  model: tf.LayersModel,
  weights: tf.Tensor[],
): Promise<{ iterations: number; m: tf.Tensor[]; v: tf.Tensor[] }> {
  const saved = await model.optimizer.getWeights();
  const iter = saved[0];
  const iterations = iter ? (await iter.tensor.data())[0] : 0;
  iter?.tensor.dispose(); // a fresh scalar; the rest are the optimizer's live variables
  const moments = saved.slice(1).map((w) => w.tensor);
  const n = weights.length;
  if (moments.length === 2 * n) {
    return {
      iterations,
      m: moments.slice(0, n).map((t) => tf.clone(t)),
      v: moments.slice(n).map((t) => tf.clone(t)),
    };
  }
  if (moments.length !== 0) {
    throw new TypeError(`native step: expected 0 or ${2 * n} Adam moments, got ${moments.length}`);
  }
  const zeros = () => weights.map((w) => tf.zerosLike(w));
  return { iterations, m: zeros(), v: zeros() };
}

/** Puts the trained weights and Adam's state back into the model and its optimizer. */
export async function writeBack(
  model: tf.LayersModel,
  vars: ResourceVariables,
  n: number,
  iterations: number,
): Promise<void> {
  const values = vars.handles.map((h) => vars.ops.read(h));
  model.trainableWeights.forEach((w, i) => w.write(values[i]));
  const old = await model.optimizer.getWeights();
  const names = model.trainableWeights.map((w) => w.name);
  const iter = tf.scalar(iterations, "int32");
  await model.optimizer.setWeights([
    { name: "iter", tensor: iter },
    ...names.map((name, i) => ({ name: `${name}/m`, tensor: values[n + i] })),
    ...names.map((name, i) => ({ name: `${name}/v`, tensor: values[2 * n + i] })),
  ]);
  // setWeights made new variables; the iter scalar getWeights made and the old moments go.
  tf.dispose(old.map((w) => w.tensor));
  tf.dispose([...values, iter]);
}

/** TensorFlow resource variables, the kind `ResourceApplyAdam` updates in place. */
export class ResourceVariables {
  readonly handles: tf.Tensor[];

  constructor(readonly ops: NativeOps, initial: tf.Tensor[]) {
    const prefix = `fmnist-bench/${crypto.randomUUID()}`;
    this.handles = initial.map((t, i) => ops.variable(`${prefix}/${i}`, t));
  }

  /** Destroys the variables in TensorFlow and frees their handles. */
  dispose(): void {
    for (const h of this.handles) this.ops.destroy(h);
    tf.dispose(this.handles);
  }
}
