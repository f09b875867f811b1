/**
 * Inference as TensorFlow's ops called directly, on tfjs-node: the forward
 * pass of the native training step (`step.ts`) without its dropout,
 * ending in a softmax.
 *
 * Why: at batch 1, tfjs-layers' own work around the ops (`predictOnBatch`:
 * input checks, the execution plan, a tidy scope per layer, an engine call
 * per op) is a large part of a small model's latency. Here a model1
 * prediction is about 10 ops and nothing else.
 *
 * Which kernel is fastest depends on the layer and the batch size: Eigen's
 * fused `_FusedConv2D` and `_FusedMatMul` win for some layers at batch 1,
 * oneDNN's for most at large batches, and oneDNN's max-pool beats
 * TensorFlow's default `MaxPool` at large batches (BENCHMARKS.md has the
 * per-op figures and their commands). So, as cuDNN's autotuner does on a
 * GPU, the predictor times the candidates per layer and batch size and keeps
 * the fastest: the median of at least five timed calls each (after an
 * untimed one), of more for small ops, and of fewer, down to one, for slow
 * ones once two seconds are spent.
 *
 * It tunes online: each call runs one candidate per layer still being tuned,
 * in turns, and times it, so a call costs what an untuned call costs and the
 * first prediction is not held up by the tuning (timing every candidate in
 * the first call made it take hundreds of milliseconds at batch 1). Until a
 * batch size has settled, calls may run different kernels; a measurement
 * calls {@link NativePredictor.settle} before its clock. The predictor gives
 * `predictOnBatch`'s probabilities to float rounding whatever it runs
 * (tested).
 *
 * Supported models: what {@link nativePredictSupport} accepts, the same
 * layers as the native step, on the `tensorflow` backend.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { oneDnnMaxPoolAvailable, passesListAttrs, type TfjsNodeBackend } from "./binding.ts";
import type { Tf } from "../backends/types.ts";
import { percentile } from "../_util/stats.ts";
import { NativeOps } from "./ops.ts";
import { planStages, refusalOf, type Stage } from "./plan.ts";

/** Least total time, in milliseconds, that tuning one layer spends on timed calls. */
const TUNE_MS = 100;
/**
 * Most time, in milliseconds, that tuning one layer spends on timed calls
 * once each candidate has had one: large batches of a large model would
 * otherwise spend many seconds per layer. Also the whole calls' time after
 * which no layer takes more than its least calls: a small op's extra calls
 * cost whole predictions (a dense layer's hundred calls at batch 1,024 are a
 * hundred passes of model3).
 */
const TUNE_MAX_MS = 2000;

/** Options for {@link nativePredictor}. */
export interface NativePredictorOptions {
  /**
   * Use oneDNN's kernels where they run (its fused convolution, and its
   * max-pool as an autotuning candidate). Default `true`; `false` keeps to
   * TensorFlow's generic kernels (for a GPU, or where oneDNN is off).
   */
  oneDnn?: boolean;
  /**
   * Convolution + bias + ReLU as one oneDNN op (`_MklNativeFusedConv2D`).
   * Default: where oneDNN's kernels run and the binding `deno task setup`
   * compiles is loaded; otherwise `Conv2D`, `BiasAdd` and `Relu`.
   */
  fused?: boolean;
  /**
   * Which kernels the convolution, dense and max-pool layers run:
   * - `"autotune"`: on the first call at each batch size, time the default
   *   ones against Eigen's fused convolution and dense ops and oneDNN's
   *   max-pool, and keep the fastest, per layer;
   * - `"default"`: `fused`'s choice for convolutions, `MatMul` + `BiasAdd`
   *   (+ `Relu`) for dense layers, `MaxPool`;
   * - `"eigen"`: Eigen's `_FusedConv2D` and `_FusedMatMul`, `MaxPool`.
   *
   * Default: `"autotune"` where the binding passes list attributes (Eigen's
   * fused ops need them), else `"default"`.
   */
  kernels?: "autotune" | "default" | "eigen";
  /**
   * Least timed calls of each candidate while tuning, after an untimed one
   * (more for small ops, up to 100 ms in all); their median counts. Default 5.
   */
  tuneRuns?: number;
}

/** A model's forward pass: images `[n, 28, 28, 1]` in, class probabilities `[n, classes]` out. */
export type Predict = (images: tf.Tensor4D) => tf.Tensor2D;

/** What {@link nativePredictor} makes. */
export interface NativePredictor {
  /** Runs the forward pass; the caller disposes the result. */
  predict: Predict;
  /**
   * Calls {@link predict} on `images`, results discarded, until the kernels
   * at their batch size are chosen; returns how many calls that took (0 once
   * settled). Call it before timing a batch size.
   */
  settle(images: tf.Tensor4D): number;
  /**
   * The op (or ops) each convolution, max-pool and dense layer runs at this
   * batch size once its tuning has settled, e.g. `"_FusedConv2D"`,
   * `"MaxPool"` or `"MatMul+BiasAdd+Relu"`, in layer order; `undefined`
   * until then.
   */
  kernels(batchSize: number): string[] | undefined;
  /** Frees the small shape tensor the predictor keeps. */
  dispose(): void;
}

/**
 * Why `model` cannot be run by {@link nativePredictor} on the active
 * backend, or `undefined` when it can.
 */
export function nativePredictSupport(model: tf.LayersModel): string | undefined {
  return refusalOf(() => planStages(model, "native predictor"));
}

/** One way to run a layer: a name for reports and the op call. */
type Candidate = [string, (a: tf.Tensor) => tf.Tensor];

/**
 * Makes a predictor that runs `model`'s forward pass as TensorFlow ops. It
 * reads the model's weights at every call, so it predicts with the weights
 * the model has then. Each call leaves nothing but its result; the
 * predictor keeps one small tensor until {@link NativePredictor.dispose}.
 *
 * @throws {TypeError} When the model is not supported (see {@link nativePredictSupport}).
 */
export function nativePredictor(
  model: tf.LayersModel,
  options: NativePredictorOptions = {},
): NativePredictor {
  const stages = planStages(model, "native predictor");
  const backend = tf.backend() as unknown as TfjsNodeBackend;
  const lists = passesListAttrs(backend);
  const oneDnnPool = (options.oneDnn ?? true) && oneDnnMaxPoolAvailable(tf as unknown as Tf);
  const fused = options.fused ?? (oneDnnPool && lists);
  const { kernels = lists ? "autotune" : "default", tuneRuns = 5 } = options;
  if (kernels !== "default" && !lists) {
    throw new TypeError(
      `native predictor: kernels "${kernels}" needs the binding \`deno task setup\` compiles ` +
        "(list attributes)",
    );
  }
  const ops = new NativeOps(backend, false, fused);
  const candidates = stageCandidates(stages, ops, model.trainableWeights, {
    kernels,
    fused,
    oneDnnPool,
  });
  const tunings = new Map<number, BatchTuning>();
  const tuningOf = (n: number) => {
    let t = tunings.get(n);
    if (!t) tunings.set(n, t = new BatchTuning(candidates, tuneRuns));
    return t;
  };

  const predict: Predict = (images) => {
    const tuning = tuningOf(images.shape[0]);
    if (tuning.settled) return forward(images, tuning);
    const t0 = performance.now();
    const out = forward(images, tuning);
    tuning.calls.ms += performance.now() - t0;
    return out;
  };
  const forward = (images: tf.Tensor4D, tuning: BatchTuning) =>
    tf.tidy(() => {
      let a: tf.Tensor = images;
      for (const [i, s] of stages.entries()) {
        switch (s.kind) {
          case "conv":
          case "dense":
          case "pool":
            a = tuning.run(i, candidates[i], a);
            break;
          case "flatten":
            a = ops.reshape(a, [-1, a.size / a.shape[0]]);
            break;
          case "dropout": // identity at inference
            break;
        }
      }
      return ops.softmax(a) as tf.Tensor2D;
    });

  return {
    predict,
    settle(images) {
      let calls = 0;
      for (; !tuningOf(images.shape[0]).settled; calls++) predict(images).dispose();
      return calls;
    },
    kernels(batchSize) {
      const tuning = tunings.get(batchSize);
      if (!tuning?.settled) return undefined;
      return candidates.flatMap((c, i) => c.length > 0 ? [c[tuning.tuners[i].chosen!][0]] : []);
    },
    dispose: () => ops.dispose(),
  };
}

/**
 * The candidates of each convolution, dense and max-pool stage, the default
 * kernels first; none for the other stages.
 */
function stageCandidates(
  stages: readonly Stage[],
  ops: NativeOps,
  weights: readonly tf.LayerVariable[],
  o: { kernels: "autotune" | "default" | "eigen"; fused: boolean; oneDnnPool: boolean },
): Candidate[][] {
  const { kernels, fused } = o;
  const w = (i: number) => weights[i].read();
  const relu = (on: boolean) => (on ? "+Relu" : "");
  const choose = (standard: Candidate, eigen: Candidate): Candidate[] =>
    kernels === "autotune" ? [standard, eigen] : kernels === "eigen" ? [eigen] : [standard];
  return stages.map((s): Candidate[] => {
    if (s.kind === "conv") {
      const name = fused ? "_MklNativeFusedConv2D" : `Conv2D+BiasAdd${relu(s.relu)}`;
      return choose(
        [name, (a) => ops.conv(a, w(s.kernel), w(s.bias), s.padding, s.relu)],
        ["_FusedConv2D", (a) => ops.eigenConv(a, w(s.kernel), w(s.bias), s.padding, s.relu)],
      );
    }
    if (s.kind === "dense") {
      return choose(
        [`MatMul+BiasAdd${relu(s.relu)}`, (a) => ops.dense(a, w(s.kernel), w(s.bias), s.relu)],
        ["_FusedMatMul", (a) => ops.eigenDense(a, w(s.kernel), w(s.bias), s.relu)],
      );
    }
    if (s.kind === "pool") {
      const pool: Candidate = ["MaxPool", (a) => ops.maxPool(a, s)[0]];
      const oneDnn: Candidate = ["_MklNativeMaxPool", (a) => ops.oneDnnMaxPool(a, s)];
      return kernels === "autotune" && o.oneDnnPool ? [pool, oneDnn] : [pool];
    }
    return [];
  });
}

/** The tuning of every stage at one batch size. */
class BatchTuning {
  /** One tuner per stage (a stage without candidates is settled from the start). */
  readonly tuners: Tuner[];
  /** The time of every call at this batch size while it is being tuned (ms). */
  readonly calls = { ms: 0 };

  constructor(candidates: readonly Candidate[][], runs: number) {
    this.tuners = candidates.map((c) => new Tuner(c.length, runs, this.calls));
  }

  #settled = false;

  /** Whether every stage's kernel is chosen (once true, it stays true). */
  get settled(): boolean {
    return this.#settled ||= this.tuners.every((t) => t.chosen !== undefined);
  }

  /** Runs stage `i` on `a`: its chosen kernel, or the next candidate, timed. */
  run(i: number, candidates: readonly Candidate[], a: tf.Tensor): tf.Tensor {
    const tuner = this.tuners[i];
    if (tuner.chosen !== undefined) return candidates[tuner.chosen][1](a);
    // CPU ops run when called, so the clock around the call is the op's time.
    const pick = tuner.next();
    const t0 = performance.now();
    const out = candidates[pick][1](a);
    tuner.record(pick, performance.now() - t0);
    return out;
  }
}

/**
 * Chooses one stage's kernel at one batch size from calls as they come: the
 * candidates take turns call by call, so that a burst of load from elsewhere
 * on the machine hits them alike. Each one's first call is not counted
 * (oneDNN builds its kernel for a shape then); after that each runs at least
 * `runs` times and, for small ops, until the timed calls add up to
 * {@link TUNE_MS}, so that a median of sub-millisecond calls rests on enough
 * of them, unless the calls at that batch size have taken
 * {@link TUNE_MAX_MS}; slow ops stop at {@link TUNE_MAX_MS}, after at least
 * one timed call each. The smallest median wins.
 */
class Tuner {
  /** The chosen candidate's index, once tuning has settled. */
  chosen: number | undefined;
  readonly #times: number[][];
  readonly #calls: number[];
  readonly #runs: number;
  readonly #batchCalls: { readonly ms: number };
  #spent = 0;

  /**
   * @param batchCalls The time of every call at this batch size while it is
   * being tuned, shared by its layers' tuners.
   */
  constructor(candidates: number, runs: number, batchCalls: { readonly ms: number }) {
    this.#times = Array.from({ length: candidates }, () => []);
    this.#calls = new Array(candidates).fill(0);
    this.#runs = runs;
    this.#batchCalls = batchCalls;
    if (candidates <= 1) this.chosen = 0;
  }

  /** The candidate to run next: the one called least so far. */
  next(): number {
    return this.#calls.indexOf(Math.min(...this.#calls));
  }

  /** Counts a call of candidate `i` that took `ms`, and settles when enough are in. */
  record(i: number, ms: number): void {
    if (this.#calls[i]++ > 0) {
      this.#times[i].push(ms);
      this.#spent += ms;
    }
    const r = Math.min(...this.#times.map((t) => t.length));
    const smallOp = this.#spent < TUNE_MS && r < 500 && this.#batchCalls.ms < TUNE_MAX_MS;
    const more = r < 1 || ((r < this.#runs || smallOp) && this.#spent < TUNE_MAX_MS);
    if (!more) {
      const medians = this.#times.map((t) => percentile(t, 50));
      this.chosen = medians.indexOf(Math.min(...medians));
    }
  }
}
