/**
 * The native engine: a model built by `buildModel` trained and run with
 * TensorFlow's own ops, called by name through tfjs-node's backend, the way
 * Keras's compiled graph runs it on the same libtensorflow.
 *
 * TF.js's `model.fit` and `predictOnBatch` reach libtensorflow one small op
 * at a time, through its tape, its optimizer and tfjs-layers' execution
 * plan. The native engine keeps the model (its layers, weights, optimizer
 * state and dropout seeds) and replaces only the work per batch:
 *
 * - {@link planStages} (`plan.ts`) reads the model's layers into stages and
 *   refuses any layer it cannot run, naming it;
 * - {@link NativeOps} (`ops.ts`) runs the ops of those stages: resource
 *   variables, `ResourceApplyAdam`, convolution, max-pool and dense layers
 *   and their gradients; `binding.ts` holds the attribute lists tfjs-node's
 *   binding expects and the check that oneDNN's ops run here;
 * - {@link fitEpochNative} (`step.ts`) trains one epoch with them, with
 *   `model.fit`'s batches, dropout, loss, metrics and Adam update, moving the
 *   weights and Adam's moments into TensorFlow resource variables for the
 *   epoch and back into the model after it;
 * - {@link nativePredictor} (`predict.ts`) runs the forward pass for
 *   inference, choosing each layer's fastest kernel per batch size;
 * - `gradients.ts` and `kernels.ts` patch stock TF.js instead (the
 *   `tfjs-patched` engine): TensorFlow's `ReluGrad`, oneDNN's max-pool
 *   gradient and fused convolution, registered into TF.js's own registries.
 *
 * Each op family runs in oneDNN's kernels only where the caller says oneDNN
 * is on and the work runs on the CPU (`chooseKernelLibrary` in
 * `src/backends/onednn.ts`), and in TensorFlow's generic kernels otherwise.
 *
 * {@link prepareEngine} (`install.ts`) sets a loaded backend up for an
 * engine: for one that patches TF.js it chooses the kernel library and
 * installs `gradients.ts`' and `kernels.ts`' patches; for a stock engine it
 * checks that none are installed. `loadBackend` installs nothing. Timings of
 * each part, with the commands that measure them, are in BENCHMARKS.md.
 *
 * @module
 */
export {
  installedNativeGradients,
  installNativeGradients,
  NATIVE_GRADIENTS,
  type NativeGradientOptions,
  nativeGradientsInstalled,
  uninstallNativeGradients,
} from "./gradients.ts";
export {
  installedNativeKernels,
  installNativeKernels,
  NATIVE_KERNELS,
  type NativeKernelOptions,
  uninstallNativeKernels,
} from "./kernels.ts";
export { type PreparedEngine, prepareEngine, type PrepareEngineOptions } from "./install.ts";
export { NativeOps } from "./ops.ts";
export { planStages, type Stage } from "./plan.ts";
export {
  type NativePredictor,
  nativePredictor,
  type NativePredictorOptions,
  nativePredictSupport,
  type Predict,
} from "./predict.ts";
export {
  type EpochMetrics,
  fitEpochNative,
  type NativeEpochOptions,
  nativeStepSupport,
} from "./step.ts";
export { oneDnnMaxPoolAvailable, passesListAttrs, type TfjsNodeBackend } from "./binding.ts";
