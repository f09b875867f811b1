/**
 * fmnist-bench: train three CNNs on Fashion-MNIST with TensorFlow.js under
 * Deno, and measure accuracy, time per epoch and inference latency on each
 * backend (native libtensorflow on the CPU or a CUDA GPU, WebGPU, pure JS).
 *
 * This module only re-exports the public API; importing it has no side
 * effects and loads no backend.
 *
 * @example Train model1 on the fixture split and time its inference
 * ```ts
 * import {
 *   buildModel, evaluateModel, FIXTURE_CHECKSUMS, FIXTURE_DIR, getModelSpec, loadBackend,
 *   loadFashionMnist, measureInference, permutation, toTensors, trainEpochs,
 * } from "./mod.ts";
 *
 * const { tf, device } = await loadBackend("tensorflow");
 * console.log(device.description); // "libtensorflow 2.21.0 (CPU)"
 * const data = await loadFashionMnist({ dir: FIXTURE_DIR, checksums: FIXTURE_CHECKSUMS });
 * const train = toTensors(data.train);
 * const test = toTensors(data.test);
 * const model = buildModel(getModelSpec("model1"), { seed: 42 });
 * // step "native": TensorFlow's ops called directly, as Keras's graph does (tensorflow backend only)
 * const epochs = await trainEpochs({
 *   model, train, epochs: 3, step: "native", order: (e, n) => permutation(n, e),
 * });
 * console.log(epochs.map((e) => e.trainSeconds));
 * console.log((await evaluateModel(model, test.xs, test.ys)).accuracy);
 * console.log((await measureInference(model, test.xs)).batch1.p50Ms);
 * tf.dispose([train.xs, train.ys, test.xs, test.ys]);
 * model.dispose();
 * ```
 *
 * @module
 */

// Backends
export {
  BACKEND_NAMES,
  BACKENDS,
  type ChildLoadResult,
  deepProbe,
  type DeepProbeOptions,
  getBackendSpec,
  loadBackend,
  type LoadBackendOptions,
  loadInChild,
  pickBackend,
  probeAll,
} from "./src/backends/registry.ts";
export type {
  BackendName,
  BackendSpec,
  DeviceReport,
  LoadedBackend,
  ProbeResult,
  Tf,
} from "./src/backends/types.ts";
export {
  installedNativeGradients,
  installNativeGradients,
  NATIVE_GRADIENTS,
  type NativeGradientOptions,
  nativeGradientsInstalled,
  uninstallNativeGradients,
} from "./src/native/gradients.ts";
export { oneDnnMaxPoolAvailable } from "./src/native/tf_ops.ts";
export {
  installedNativeKernels,
  installNativeKernels,
  NATIVE_KERNELS,
  type NativeKernelOptions,
  uninstallNativeKernels,
} from "./src/native/kernels.ts";
export {
  type NativePackage,
  TFJS_NODE,
  TFJS_NODE_GPU,
  type WheelPin,
} from "./src/backends/native.ts";

// Data
export {
  batches,
  type Checksums,
  CLASS_NAMES,
  classCounts,
  DatasetError,
  type DataSplit,
  type DownloadOptions,
  type FashionMnist,
  FILE_NAMES,
  type FileRole,
  type FileSource,
  FIXTURE_CHECKSUMS,
  FIXTURE_DIR,
  FULL_CHECKSUMS,
  loadFashionMnist,
  type LoadOptions,
  permutation,
  type SourceKind,
  type SplitTensors,
  splitValidation,
  stratifiedSubset,
  type SubsetOptions,
  toTensors,
  type ValidationOptions,
} from "./src/data/mod.ts";

// Models
export {
  getModelSpec,
  MODEL_NAMES,
  MODELS,
  type ModelSpec,
  referenceSpec,
} from "./src/models/spec.ts";
export {
  countParams,
  forwardFlopsPerImage,
  type LayerCost,
  layerCosts,
} from "./src/models/cost.ts";
export { buildModel, type BuildModelOptions } from "./src/models/factory.ts";

// Training and measurement
export {
  type TensorSplit,
  trainEpochs,
  type TrainEpochsOptions,
  type TrainStep,
} from "./src/train/trainer.ts";
export {
  type EpochMetrics,
  fitEpochNative,
  type NativeEpochOptions,
  nativeStepSupport,
} from "./src/native/step.ts";
export { evaluateModel, type Evaluation } from "./src/train/evaluate.ts";
export {
  assertEngineRunsOn,
  COMPARED_ENGINES,
  DEFAULT_ENGINE,
  ENGINE_NAMES,
  type EngineName,
  engineOfLegacyConfig,
  engineRunsOn,
  ENGINES,
  type EngineSpec,
  getEngineSpec,
  onlyEngineOn,
} from "./src/train/engines.ts";
export {
  type InferenceOptions,
  type InferenceResult,
  measureInference,
} from "./src/train/latency.ts";
export {
  type ExperimentEvent,
  type ExperimentOptions,
  type ExperimentResult,
  readResults,
  runExperiment,
} from "./src/train/experiment.ts";

// Results
export {
  type DataSource,
  type EpochRecord,
  type InferenceRecord,
  READABLE_SCHEMA_VERSIONS,
  type ResultsFile,
  type RunConfig,
  type RunRecord,
  SCHEMA_VERSION,
  type TestRecord,
  validateResults,
} from "./src/results/schema.ts";
export { renderReport } from "./src/results/report.ts";
export {
  collectEnvironment,
  type CollectEnvironmentOptions,
  type DeviceInfo,
  type Environment,
} from "./src/results/environment.ts";

// Comparisons across backends and machines
export {
  BASELINE_BACKEND,
  buildComparison,
  type BuildComparisonOptions,
  type Comparison,
  type ComparisonRow,
  type MachineSummary,
  parseComparison,
  rowsFromResults,
  type RowStatus,
  type ScalingRow,
  type SkippedRun,
} from "./src/results/comparison.ts";
export {
  renderComparison,
  type RenderComparisonOptions,
} from "./src/results/comparison_markdown.ts";
export { comparisonChartSpec, renderComparisonSvg, svgToPng } from "./src/results/chart.ts";
export {
  COMPARISON_FILES,
  type ComparisonInputs,
  type ComparisonPaths,
  readComparisonInputs,
  writeComparison,
} from "./src/results/comparison_files.ts";

// The Keras peer
export {
  KERAS_PINS,
  type KerasProbe,
  type KerasRun,
  type KerasRunOptions,
  kerasVenvDir,
  measureCeiling,
  probeKeras,
  runKerasPeer,
  setupKeras,
  type SetupKerasOptions,
} from "./src/peer/keras.ts";
export {
  type PeerModelSummary,
  type PeerRun,
  type PeerSummary,
  renderPeer,
  type SideSummary,
  summarizePeer,
  type SummarizePeerOptions,
} from "./src/peer/summary.ts";
