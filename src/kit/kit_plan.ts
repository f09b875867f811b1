/**
 * What the GPU kit runs, and how it fits a budget: four sides per model, in
 * this order, so each framework's GPU and CPU runs follow each other on the
 * same data, seed, batch size and epochs:
 *
 * 1. `tfjs-gpu`: stock TF.js on `webgpu`;
 * 2. `tfjs-cpu`: stock TF.js on `wasm`, the fastest TF.js CPU backend that
 *    needs no native library (it trains with the suite's
 *    `Conv2DBackpropFilter`, on one thread);
 * 3. `keras-gpu`: Keras 3 on JAX (else PyTorch) on the GPU;
 * 4. `keras-cpu`: the same Keras on the same machine's CPU.
 *
 * Each framework's two sides are a pair that trains one training size
 * (`planBudget`). The expected rates below plan the first model; each later
 * model is planned again from what the sides measured on the one before
 * (`updateRates`).
 *
 * @module
 */
import { RUN_DEFAULTS } from "../train/run_description.ts";
import type { SideRate } from "./budget.ts";
import { KIT_DATA_SPEC } from "./kit_data.ts";

/** A side of the kit's pairs. */
export type KitSideKind = "tfjs-gpu" | "tfjs-cpu" | "keras-gpu" | "keras-cpu";

/** The budget of a run without `--budget`: it leaves a 10-minute command two minutes to spare. */
export const KIT_DEFAULT_BUDGET = "8m";

/** Sizes of a dry run: a handful of images, one epoch. */
export const DRY_RUN_SIZES = Object.freeze({
  epochs: 1,
  trainSize: 4,
  validationSize: 10,
  testSize: 8,
  inferenceBatchSize: 8,
  moreInferenceBatchSizes: Object.freeze([4]),
  inferenceRuns: 50,
});

/**
 * Batch sizes of a real run's inference throughput: 1,024, and 128 beside it
 * (a GPU is underused at a small batch); the same on every side.
 */
export const KIT_INFERENCE_BATCHES = Object.freeze({
  inferenceBatchSize: 1024,
  moreInferenceBatchSizes: Object.freeze([128]),
});

/** Epochs of a real run: the first is left out of the median, as everywhere in the suite. */
export const KIT_EPOCHS = 3;

/** Training images of the kit's data left after the validation split. */
export const KIT_TRAIN_IMAGES = KIT_DATA_SPEC.trainPerClass * 10 - RUN_DEFAULTS.validationSize;

/** The fewest training images worth a model's pair: fewer, and it is left out. */
export const KIT_MIN_TRAIN_SIZE = 1000;

/**
 * What the planner expects of each side on an H100 or H200 with 16 cores, to
 * plan the first model: planning figures, not results. `tfjs-gpu`'s are
 * below the H100 WebGPU run recorded in `fixtures/results/h100-webgpu/`; the
 * others are cautious guesses that the first model's measurements replace.
 * `tfjs-cpu` (`wasm`, one thread in Deno whatever the cores) is planned at
 * about three quarters of what it trained on one of the project's 2-core
 * Xeons (about 41, 12 and 3 images/s for model1–3), since the GPU machine's
 * core may be no faster; its overheads are those of its inference alone
 * (20, 60 and 180 s) with the validation set's evaluation after each epoch
 * added (15,000 images over 3 epochs, 1.5 times the test set): they grow
 * with the model as its computing on one core does.
 */
export const KIT_EXPECTED_RATES = Object.freeze<Record<KitSideKind, Omit<SideRate, "side">>>({
  "tfjs-gpu": {
    pair: "TF.js",
    imagesPerSecond: { model1: 1200, model2: 1000, model3: 650 },
    overheadSeconds: 35,
  },
  "tfjs-cpu": {
    pair: "TF.js",
    imagesPerSecond: { model1: 30, model2: 9, model3: 2 },
    overheadSeconds: { model1: 50, model2: 150, model3: 450 },
  },
  "keras-gpu": {
    pair: "Keras",
    imagesPerSecond: { model1: 8000, model2: 6000, model3: 4000 },
    overheadSeconds: 30,
  },
  "keras-cpu": {
    pair: "Keras",
    imagesPerSecond: { model1: 800, model2: 250, model3: 80 },
    overheadSeconds: { model1: 20, model2: 30, model3: 50 },
  },
});

/** The sides, in the order each model runs them: that of {@link KIT_EXPECTED_RATES}. */
export const KIT_SIDE_KINDS: readonly KitSideKind[] = Object.freeze(
  Object.keys(KIT_EXPECTED_RATES) as KitSideKind[],
);

/** The expected rates of `sides` (each named as its results will be), in order. */
export function expectedRates(sides: readonly { name: string; kind: KitSideKind }[]): SideRate[] {
  return sides.map((s) => ({ side: s.name, ...KIT_EXPECTED_RATES[s.kind] }));
}
