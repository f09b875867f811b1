/**
 * fmnist-bench: train three CNNs on Fashion-MNIST with TensorFlow.js under
 * Deno, and measure accuracy, time per epoch and inference latency on each
 * backend (native libtensorflow on the CPU or a CUDA GPU, WebGPU, pure JS).
 *
 * What a library user needs, in the order of a run: load a backend and the
 * data, build a model, set an engine up on the backend (`prepareEngine`),
 * train it with that engine, evaluate it and time its inference, measure its
 * memory, cold start, time to accuracy and energy, then read, write and
 * compare results. Importing this module has no side effects and
 * loads no backend.
 *
 * @example Train model1 on the fixture split and time its inference
 * ```ts
 * import {
 *   buildModel,
 *   evaluateModel,
 *   getEngineSpec,
 *   getModelSpec,
 *   loadBackend,
 *   loadFixtureData,
 *   epochOrder,
 *   measureInference,
 *   prepareEngine,
 *   tfjsMemorySampler,
 *   timeToAccuracy,
 *   toTensors,
 *   trainEpochs,
 * } from "./mod.ts";
 *
 * const backend = await loadBackend("tensorflow"); // stock TF.js on libtensorflow
 * console.log(backend.device.description); // "libtensorflow 2.21.0 (CPU)"
 * // The native engine: TensorFlow's ops called directly, as Keras's graph does (libtensorflow
 * // backends only); it installs TensorFlow's gradients and kernels in place of some of TF.js's.
 * const engine = getEngineSpec("native");
 * console.log(prepareEngine(backend, engine).nativeGradients); // e.g. ["Relu", "MaxPool"]
 * const { tf } = backend;
 * const data = await loadFixtureData();
 * const train = toTensors(data.train);
 * const test = toTensors(data.test);
 * const model = buildModel(getModelSpec("model1"), { seed: 42 });
 * const memory = tfjsMemorySampler(); // tf.memory() after every batch
 * const epochs = await trainEpochs({
 *   model,
 *   train,
 *   validation: test,
 *   epochs: 3,
 *   step: engine.trainStep,
 *   order: epochOrder(42),
 *   memory,
 * });
 * console.log(epochs.map((e) => e.trainSeconds));
 * console.log(memory.record()?.peakBytes); // peak bytes of live tensors between steps
 * console.log(timeToAccuracy(epochs, [0.7]).targets[0].trainSeconds); // seconds to 70%
 * console.log((await evaluateModel(model, test.xs, test.ys)).accuracy);
 * const path = engine.inferencePath;
 * console.log((await measureInference(model, test.xs, { path })).batch1.p50Ms);
 * tf.dispose([train.xs, train.ys, test.xs, test.ys]);
 * model.dispose();
 * ```
 *
 * @module
 */

// Backends
export {
  BACKEND_NAMES,
  deepProbe,
  type DeepProbeOptions,
  getBackendSpec,
  loadBackend,
  type LoadBackendOptions,
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

// Data
export { type Checksums, FIXTURE_CHECKSUMS, FULL_CHECKSUMS } from "./src/data/checksums.ts";
export { CLASS_NAMES } from "./src/data/classes.ts";
export { DatasetError } from "./src/data/errors.ts";
export {
  type FashionMnist,
  loadFashionMnist,
  loadFixtureData,
  type LoadOptions,
} from "./src/data/load.ts";
export { type FileSource, FIXTURE_DIR } from "./src/data/sources.ts";
export {
  classCounts,
  type DataSplit,
  epochOrder,
  permutation,
  splitValidation,
  stratifiedSubset,
  type SubsetOptions,
  type ValidationOptions,
} from "./src/data/split.ts";
export {
  makeSubset,
  readSubsetManifest,
  type Subset,
  SUBSET_MANIFEST,
  type SubsetManifest,
  type SubsetSpec,
} from "./src/data/subset.ts";
export { batches, type SplitTensors, toTensors } from "./src/data/tensors.ts";

// Models
export { getModelSpec, MODEL_NAMES, type ModelSpec } from "./src/models/spec.ts";
export { countParams, forwardFlopsPerImage } from "./src/models/cost.ts";
export { buildModel, type BuildModelOptions } from "./src/models/factory.ts";

// Training and measurement
export { type TensorSplit, trainEpochs, type TrainEpochsOptions } from "./src/train/trainer.ts";
export type { EpochMetrics } from "./src/tf_ops/step.ts";
export { evaluateModel, type Evaluation } from "./src/train/evaluate.ts";
export {
  DEFAULT_ENGINE,
  ENGINE_NAMES,
  type EngineName,
  type EngineSpec,
  getEngineSpec,
  type InferencePath,
  type TrainStep,
} from "./src/engines/registry.ts";
export {
  type PreparedEngine,
  prepareEngine,
  type PrepareEngineOptions,
} from "./src/tf_ops/install.ts";
export {
  inferenceBatchFor,
  type InferenceOptions,
  type InferenceResult,
  measureInference,
} from "./src/train/latency.ts";
export { readRunDescription } from "./src/train/run_file.ts";
export {
  describeRun,
  recordedConfig,
  RUN_DEFAULTS,
  type RunDescription,
  type RunParts,
} from "./src/train/run_description.ts";
export {
  type ExperimentEvent,
  type ExperimentOptions,
  type ExperimentResult,
  type InferenceTiming,
  readResults,
  runExperiment,
} from "./src/train/experiment.ts";
export { type MeasureProbes, noProbes } from "./src/train/run_measures.ts";

// Measures beyond seconds
export {
  type ColdStartRecord,
  type EnergyRecord,
  isMeasured,
  type Measured,
  type MeasuresRecord,
  type MemoryRecord,
  type NotMeasured,
  notMeasured,
  type TimeToAccuracyRecord,
} from "./src/measure/measures.ts";
export { type HostMemoryReader, hostMemoryReader } from "./src/measure/host_memory.ts";
export {
  type EnergyMeter,
  findEnergyMeter,
  nvidiaSmiMeter,
  raplMeter,
} from "./src/measure/energy.ts";
export { backendReadySeconds, firstEpochExtra } from "./src/measure/cold_start.ts";
export { summarizeTimeToAccuracy, timeToAccuracy } from "./src/measure/time_to_accuracy.ts";
export { tfjsMemorySampler } from "./src/measure/tfjs_memory.ts";

// Results
export {
  type DataSource,
  type EpochRecord,
  type InferenceRecord,
  type ResultsFile,
  type RunConfig,
  type RunRecord,
  SCHEMA_VERSION,
  type TestRecord,
  validateResults,
} from "./src/results/schema.ts";
export { renderReport } from "./src/report/report.ts";
export {
  collectEnvironment,
  type CollectEnvironmentOptions,
  type DeviceInfo,
  type Environment,
} from "./src/measure/environment.ts";

// Comparisons across backends, engines and machines
export {
  buildComparison,
  type BuildComparisonOptions,
  type Comparison,
} from "./src/compare/comparison.ts";
export { type ComparisonRow, type SkippedRun } from "./src/compare/row.ts";
export {
  frameworkOf,
  type GpuCpuPair,
  gpuCpuPairs,
  type PairRatio,
  type PairSide,
} from "./src/compare/gpu_cpu_pairs.ts";
export {
  renderComparison,
  type RenderComparisonOptions,
} from "./src/report/comparison_markdown.ts";
export { renderComparisonSvg } from "./src/report/chart.ts";
export { renderComparisonHtml, renderReportHtml } from "./src/report/html.ts";
export { type ChartScript, loadChartScripts } from "./src/report/html_assets.ts";
export {
  type ComparisonInputs,
  parseComparison,
  readComparisonInputs,
} from "./src/compare/comparison_files.ts";
export { type ComparisonPaths, writeComparison } from "./src/report/comparison_output.ts";

// Intervals, verdicts and the baseline check
export { bootstrapInterval, bootstrapRatio, type Interval } from "./src/_util/stats.ts";
export { DEFAULT_BAND, type Verdict, verdictOf } from "./src/compare/verdict.ts";
export { type ComparisonDiff, diffComparisons, type DiffOptions } from "./src/compare/diff.ts";
export { renderDiff } from "./src/report/diff_markdown.ts";

// The Keras peer
export {
  KERAS_PINS,
  type KerasProbe,
  type KerasRun,
  type KerasRunOptions,
  measureCeiling,
  probeKeras,
  runKerasPeer,
  setupKeras,
  type SetupKerasOptions,
} from "./src/peer/keras.ts";
export { type PeerSummary, summarizePeer, type SummarizePeerOptions } from "./src/peer/summary.ts";
export { type PeerRun } from "./src/peer/side_summary.ts";
export { renderPeer } from "./src/peer/markdown.ts";
