/**
 * A training epoch run the way Keras's compiled graph runs it, on tfjs-node:
 * the forward pass, the backward pass and Adam as TensorFlow's own ops,
 * called directly, instead of TF.js's tape and optimizer.
 *
 * Why: TF.js's `model.fit` dispatches several hundred ops per model1 step.
 * Its Adam alone is about ten full-size ops per variable; TensorFlow's
 * `ResourceApplyAdam` does the same update in one pass. Its tape
 * differentiates a bias as a broadcast `Add` and a ReLU as six ops;
 * TensorFlow has `BiasAddGrad` and `ReluGrad`. Here a model1 step is a few
 * dozen ops. BENCHMARKS.md has the profiles and op timings, with their
 * commands.
 *
 * What stays the same as `model.fit` (and is tested):
 * - the batches, in the order given, and the batch size;
 * - dropout in training only, with the masks `tf.dropout` draws from the
 *   layer's seed, read once per step as `model.fit` reads it;
 * - the loss (categorical cross-entropy, mean over the batch) and the
 *   accuracy metric, averaged over the epoch's images;
 * - Adam's update, to float rounding: TF.js's form, lr·m̂/(√v̂ + ε), is
 *   TensorFlow's lrₜ·m/(√v + εₜ) with εₜ = ε·√(1 − β₂ᵗ);
 * - the weights and the optimizer state end the epoch in the model and its
 *   optimizer, so checkpoints, evaluation and saving see no difference.
 *
 * One difference, on purpose: the loss is computed from the logits
 * (`SoftmaxCrossEntropyWithLogits`, as Keras does), while TF.js clips the
 * softmax output to [1e-7, 1 − 1e-7] and so gives a zero gradient for an
 * image whose true class has a probability under 1e-7.
 *
 * Supported models: what `buildModel` makes from a `ModelSpec` (Conv2D with
 * ReLU, MaxPooling2D, Flatten, Dense with ReLU, Dropout, a softmax Dense
 * last), compiled with Adam and categorical cross-entropy, on the
 * `tensorflow` backend. {@link nativeStepSupport} says why a model is not.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { oneDnnMaxPoolAvailable, passesListAttrs, type TfjsNodeBackend } from "./binding.ts";
import type { Tf } from "../backends/types.ts";
import { NativeOps } from "./ops.ts";
import { planStages, refusalOf, type Stage } from "./plan.ts";

/** Options for {@link fitEpochNative}. */
export interface NativeEpochOptions {
  /** Batch size. Default 128. */
  batchSize?: number;
  /** Called after every batch with its index (0-based) and the batch count. */
  onBatch?: (batch: number, batches: number) => void;
  /**
   * Use oneDNN's kernels where they run, as Keras's graph does on the CPU:
   * max-pool with its argmax workspace (see `gradients.ts`) and, with
   * `fused`, the fused ones. Default `true`; `false` uses TensorFlow's
   * generic kernels (pass it for a GPU, or where oneDNN is off).
   */
  oneDnn?: boolean;
  /**
   * With `oneDnn`: convolution + bias + ReLU as one op
   * (`_MklNativeFusedConv2D`, as Keras's graph runs it). Needs the binding
   * `deno task setup` compiles (list attributes). Default: where that
   * binding is loaded.
   */
  fused?: boolean;
}

/** What one epoch ended with: the same figures `model.fit` reports. */
export interface EpochMetrics {
  /** Mean categorical cross-entropy over the epoch's images. */
  loss: number;
  /** Fraction of the epoch's images classified correctly, during training. */
  accuracy: number;
}

/**
 * Why `model` cannot be trained by {@link fitEpochNative} on the active
 * backend, or `undefined` when it can.
 */
export function nativeStepSupport(model: tf.LayersModel): string | undefined {
  return refusalOf(() => plan(model));
}

/**
 * Trains `model` for one epoch over `xs`/`ys` in order, in batches, with
 * TensorFlow's ops (see the module doc). Leaves no tensor behind.
 *
 * @throws {TypeError} When the model is not supported (see {@link nativeStepSupport}).
 */
export async function fitEpochNative(
  model: tf.LayersModel,
  xs: tf.Tensor4D,
  ys: tf.Tensor2D,
  options: NativeEpochOptions = {},
): Promise<EpochMetrics> {
  const stages = plan(model);
  const { batchSize = 128, onBatch } = options;
  const oneDnn = (options.oneDnn ?? true) && oneDnnMaxPoolAvailable(tf as unknown as Tf);
  const backend = tf.backend() as unknown as TfjsNodeBackend;
  const fused = oneDnn && (options.fused ?? passesListAttrs(backend));
  const adam = adamSettings(model);
  const ops = new NativeOps(backend, oneDnn, fused);
  const weights = model.trainableWeights.map((w) => w.read());
  const state = await readAdamState(model, weights);
  const vars = new ResourceVariables(ops, [...weights, ...state.m, ...state.v]);
  tf.dispose([...state.m, ...state.v]);
  const n = weights.length;
  const consts = {
    lr: tf.scalar(adam.learningRate),
    beta1: tf.scalar(adam.beta1),
    beta2: tf.scalar(adam.beta2),
  };
  let iterations = state.iterations;
  let totals: tf.Tensor[] = tf.tidy(() => [tf.scalar(0), tf.scalar(0)]);
  const count = xs.shape[0];
  const batches = Math.ceil(count / batchSize);
  try {
    for (let b = 0; b < batches; b++) {
      const next = tf.tidy(() => {
        const start = b * batchSize;
        const size = Math.min(batchSize, count - start);
        const x = tf.slice(xs, [start, 0, 0, 0], [size, -1, -1, -1]);
        const slice = tf.slice(ys, [start, 0], [size, -1]);
        const y = slice.dtype === "float32" ? slice : tf.cast(slice, "float32");
        const { grads, lossSum, correct } = forwardBackward(ops, stages, vars, n, x, y);
        // Every read of the variables is gone by now, so Adam updates them in place.
        const t = iterations + 1;
        const b2p = adam.beta2 ** t;
        const scalars = [adam.beta1 ** t, b2p, adam.epsilon * Math.sqrt(1 - b2p)].map((v) =>
          tf.scalar(v)
        );
        const h = vars.handles;
        grads.forEach((g, i) => ops.adam(h[i], h[n + i], h[2 * n + i], scalars, consts, g));
        return [tf.add(totals[0], lossSum), tf.add(totals[1], correct)];
      });
      tf.dispose(totals);
      totals = next;
      iterations++;
      onBatch?.(b, batches);
    }
    const [lossSum, correct] = await Promise.all(totals.map((t) => t.data()));
    await writeBack(model, vars, n, iterations);
    return { loss: lossSum[0] / count, accuracy: correct[0] / count };
  } finally {
    tf.dispose([...totals, ...Object.values(consts)]);
    vars.dispose();
    ops.dispose();
  }
}

/** Runs one batch forward and back; returns the gradients in trainable-weight order. */
function forwardBackward(
  ops: NativeOps,
  stages: Stage[],
  vars: ResourceVariables,
  n: number,
  x: tf.Tensor,
  labels: tf.Tensor,
): { grads: tf.Tensor[]; lossSum: tf.Tensor; correct: tf.Tensor } {
  const w = vars.handles.slice(0, n).map((h) => ops.read(h));
  const { logits: a, saved } = forward(ops, stages, w, x);
  const [losses, backprop] = ops.softmaxCrossEntropy(a, labels);
  const lossSum = tf.sum(losses);
  const correct = tf.sum(tf.cast(tf.equal(tf.argMax(a, 1), tf.argMax(labels, 1)), "float32"));
  const grads = backward(ops, stages, w, saved, tf.mul(backprop, 1 / x.shape[0]), n);
  tf.dispose(w);
  return { grads, lossSum, correct };
}

/**
 * The forward pass of `stages` on `x` with weights `w`: the logits, and what
 * each stage keeps for its gradient (its input and output, the pool's
 * workspace, the dropout mask).
 */
function forward(
  ops: NativeOps,
  stages: Stage[],
  w: tf.Tensor[],
  x: tf.Tensor,
): { logits: tf.Tensor; saved: tf.Tensor[][] } {
  const saved: tf.Tensor[][] = [];
  let a = x;
  for (const s of stages) {
    switch (s.kind) {
      case "conv":
      case "dense": {
        const out = s.kind === "conv"
          ? ops.conv(a, w[s.kernel], w[s.bias], s.padding, s.relu)
          : ops.dense(a, w[s.kernel], w[s.bias], s.relu);
        saved.push([a, out]);
        a = out;
        break;
      }
      case "pool": {
        const [out, workspace] = ops.maxPool(a, s);
        saved.push([a, out, ...(workspace ? [workspace] : [])]);
        a = out;
        break;
      }
      case "flatten":
        saved.push([a]);
        a = tf.reshape(a, [a.shape[0], -1]);
        break;
      case "dropout": {
        // tf.dropout's own formula and random draw, so the masks match model.fit's.
        const seed = (s.layer as unknown as { seed?: number }).seed;
        const keep = 1 - s.rate;
        const multiplier = tf.div(
          tf.floor(tf.add(tf.randomUniform(a.shape, 0, 1, "float32", seed), keep)),
          keep,
        );
        saved.push([multiplier]);
        a = tf.mul(a, multiplier);
        break;
      }
    }
  }
  return { logits: a, saved };
}

/**
 * The backward pass from `dy`, the loss's gradient by the logits, through
 * `stages` with what {@link forward} `saved`: the gradients of the `n`
 * weights, in trainable-weight order.
 */
function backward(
  ops: NativeOps,
  stages: Stage[],
  w: tf.Tensor[],
  saved: tf.Tensor[][],
  dy: tf.Tensor,
  n: number,
): tf.Tensor[] {
  const grads: tf.Tensor[] = new Array(n);
  for (let i = stages.length - 1; i >= 0; i--) {
    const s = stages[i];
    const keep = saved[i];
    switch (s.kind) {
      case "conv": {
        const [input, out] = keep;
        const dz = s.relu ? ops.reluGrad(dy, out) : dy;
        grads[s.kernel] = ops.convFilterGrad(input, w[s.kernel].shape, dz, s.padding);
        grads[s.bias] = ops.biasGrad(dz);
        if (i > 0) dy = ops.convInputGrad(input.shape, w[s.kernel], dz, s.padding);
        break;
      }
      case "pool": {
        const [input, out, workspace] = keep;
        dy = ops.maxPoolGrad(input, out, dy, workspace, s);
        break;
      }
      case "flatten":
        dy = tf.reshape(dy, keep[0].shape);
        break;
      case "dense": {
        const [input, out] = keep;
        const dz = s.relu ? ops.reluGrad(dy, out) : dy;
        grads[s.kernel] = ops.matMul(input, dz, true, false);
        grads[s.bias] = ops.biasGrad(dz);
        if (i > 0) dy = ops.matMul(dz, w[s.kernel], false, true);
        break;
      }
      case "dropout":
        dy = tf.mul(dy, keep[0]);
        break;
    }
  }
  return grads;
}

/** The model's stages, once its loss is checked too. */
function plan(model: tf.LayersModel): Stage[] {
  return planStages(model, "native step", ({ loss }) => {
    if (loss !== "categoricalCrossentropy") {
      throw new TypeError(`native step: expected the loss categoricalCrossentropy, got ${loss}`);
    }
  });
}

/** Adam's hyperparameters from the model's optimizer: the settings the native step reproduces. */
function adamSettings(model: tf.LayersModel) {
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
async function readAdamState(
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
    const clones = (ts: tf.Tensor[]) => ts.map((t) => tf.clone(t));
    return { iterations, m: clones(moments.slice(0, n)), v: clones(moments.slice(n)) };
  }
  if (moments.length !== 0) {
    throw new TypeError(`native step: expected 0 or ${2 * n} Adam moments, got ${moments.length}`);
  }
  const zeros = () => weights.map((w) => tf.zerosLike(w));
  return { iterations, m: zeros(), v: zeros() };
}

/** Puts the trained weights and Adam's state back into the model and its optimizer. */
async function writeBack(
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
class ResourceVariables {
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
