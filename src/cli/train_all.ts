/**
 * `deno task train-all`: trains model1–3 on Fashion-MNIST, evaluates and
 * times them, and writes `results.json`, `report.md`, the trained models and
 * per-epoch checkpoints into the output folder. Interrupt it with Ctrl-C and
 * continue with `--resume`.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { writeJsonAtomic } from "../_util/fs.ts";
import { type OneDnnState, oneDnnState, readCpuFeatures } from "../backends/onednn.ts";
import { BACKEND_NAMES, getBackendSpec, loadBackend, pickBackend } from "../backends/registry.ts";
import { missingTrainingKernels, notTrainedReason } from "../backends/training_kernels.ts";
import type { LoadedBackend } from "../backends/types.ts";
import { DatasetError, epochOrder, toTensors } from "../data/mod.ts";
import { DEFAULT_ENGINE, type EngineSpec, getEngineSpec } from "../engines/registry.ts";
import { getModelSpec, MODEL_NAMES } from "../models/spec.ts";
import { type PreparedEngine, prepareEngine } from "../tf_ops/install.ts";
import { dataChecksumMismatch } from "../results/data_source.ts";
import { collectEnvironment, type Environment } from "../measure/environment.ts";
import type { ResultsFile, RunConfig } from "../results/schema.ts";
import { epochTimes } from "../results/stats.ts";
import { runExperiment } from "../train/experiment.ts";
import type { MeasureProbes } from "../train/run_measures.ts";
import { backendReadySeconds } from "../measure/cold_start.ts";
import { findEnergyMeter } from "../measure/energy.ts";
import { hostMemoryReader } from "../measure/host_memory.ts";
import { isMeasured } from "../measure/measures.ts";
import {
  inferenceTimingFor,
  recordedConfig,
  RUN_DESCRIPTION_FILE,
  type RunDescription,
} from "../train/run_description.ts";
import {
  applyOneDnnChoice,
  oneDnnVariableFromEnv,
  parseFlags,
  runCli,
  runDataOptions,
  textTable,
  threadsFromEnv,
  timestampedOutDir,
  UsageError,
} from "./_cli.ts";
import { trainAllArgs } from "../train/launcher.ts";
import { checkWritable, ensureFreshOutDir } from "./_out_dir.ts";
import { checkResumeOneDnn, readPrevious, savedRun } from "./_resume.ts";
import { loadRunData, type RunData } from "../train/run_data.ts";
import {
  checkEngineBackend,
  engineHelp,
  oneDnnHelp,
  parseRunFlags,
  resolveRun,
  RUN_FLAGS,
  type RunFlags,
  runFlagsHelp,
  type TaskDefaults,
} from "./_run_options.ts";
import { progressReporter } from "./progress.ts";
import { trainInBrowser } from "./_browser_train.ts";
import { runReports } from "./_reports.ts";

/** train-all's own defaults: every model, ten epochs. */
const DEFAULTS: TaskDefaults = { models: MODEL_NAMES, epochs: 10 };

const HELP = `Usage: deno task train-all [options]

Trains the models on Fashion-MNIST, evaluates them on the test set, times
training and inference, and writes results.json, report.md, the trained
models and checkpoints into the output folder.

Options:
${runFlagsHelp(DEFAULTS)}
  --backend NAME        one of ${BACKEND_NAMES.join(", ")}
                        (default: the best available that really runs on its device)
  --allow-fallback      accept a GPU backend that runs on the CPU here (tfjs-node-gpu
                        without a GPU, WebGPU on a software adapter); the results say so
${engineHelp("one", [DEFAULT_ENGINE])}
${oneDnnHelp("this run")}
  --out DIR             output folder (default results/<timestamp>)
  --resume              continue the run in --out DIR from its last complete epoch,
                        on its data (its --fixtures or --data-dir need not be repeated)
  --json                JSON lines on stdout instead of progress text
  --open PORT|HOST:PORT|auto
                        with a browser backend: serve its page on this address
                        (default host 127.0.0.1) for any browser to open, instead of
                        driving a headless Chromium; the results are written here and
                        offered to the page as results.json
  -h, --help            show this help
`;

/** The command line, checked: the shared flags and train-all's own. */
interface TrainAllFlags {
  flags: RunFlags;
  backend?: string;
  allowFallback: boolean;
  resume: boolean;
  json: boolean;
  /** `--open [HOST:]PORT`: serve a browser backend's page for a person's own browser. */
  open?: { hostname: string; port: number };
}

/** Where a run starts: its folder, its description and what an earlier start left there. */
interface RunStart {
  outDir: string;
  run: RunDescription;
  previous?: ResultsFile;
  onednn: OneDnnState;
  cpuFeatures: string[] | null;
}

/**
 * The `train-all` command with its arguments, as a CLI runs it (also the GPU
 * kit's bundle, which holds no `train_all.ts` of its own to start).
 *
 * @returns The exit code.
 */
export async function trainAllMain(args: string[]): Promise<number> {
  const parsed = parseTrainAllFlags(args);
  if (!parsed) {
    console.log(HELP);
    return 0;
  }
  const start = await startRun(parsed);
  if (start.previous?.status === "complete") {
    console.error(`train-all: the run in ${start.outDir} is complete; nothing to do`);
    return 0;
  }
  await checkWritable(start.outDir);
  const spec = start.run.backend ? getBackendSpec(start.run.backend) : undefined;
  if (spec?.runsIn === "browser") {
    return await trainInBrowser({
      spec,
      run: start.run,
      outDir: start.outDir,
      mode: parsed.json ? "json" : Deno.stderr.isTerminal() ? "tty" : "lines",
      open: parsed.open,
      cpuFeatures: start.cpuFeatures,
    });
  }
  const { backend, engine, prepared } = await loadRunBackend(start);
  const backendLoadSeconds = await backendReadySeconds(backend.tf);
  // Data: loaded, split and converted outside every timed region.
  const data = await loadRunData(start.run, runDataOptions());
  const saved = start.run.dataSource;
  const changed = saved && dataChecksumMismatch(saved.sha256, data.source.sha256);
  if (changed) throw new DatasetError(changed);
  const run = pinRun(start.run, backend, data);
  await writeJsonAtomic(join(start.outDir, RUN_DESCRIPTION_FILE), run);
  // A resumed run keeps the words it recorded for its data (the files may come from elsewhere now).
  const recorded = saved ? start.previous?.config.data : undefined;
  const config = configOf(run, data, backend, engine, prepared, recorded);
  const env = await environmentOf(backend, start);
  const command = ["deno task train-all", ...trainAllArgs(run, { out: start.outDir })].join(" ");
  const mode = parsed.json ? "json" : Deno.stderr.isTerminal() ? "tty" : "lines";
  if (mode !== "json") announce(config, backend, engine, start.outDir);
  const probes = await findProbes(backend, backendLoadSeconds);
  try {
    return await train({
      start,
      run,
      config,
      env,
      engine,
      prepared,
      backend,
      data,
      command,
      mode,
      probes,
      notTrained: notTrainedOn(backend),
    });
  } finally {
    if (isMeasured(probes.energy)) await probes.energy.close();
  }
}

/** What this process can measure beyond seconds, on the device the backend computes on. */
async function findProbes(
  backend: LoadedBackend,
  backendLoadSeconds: number,
): Promise<MeasureProbes> {
  const device = backend.device.kind;
  const energy = await findEnergyMeter({ device });
  return {
    hostMemory: hostMemoryReader(),
    energy,
    backendLoadSeconds,
    noDeviceMemory: device === "cpu"
      ? "the backend computes on the CPU: its memory is the host figure"
      : isMeasured(energy)
      ? `${energy.info.name} read no memory`
      : energy.notMeasured.replace(/^no GPU power meter/, "no GPU memory meter"),
  };
}

/** Checks every flag (before `--help` is answered); `undefined` for `--help`. */
function parseTrainAllFlags(args: string[]): TrainAllFlags | undefined {
  const { values } = parseFlags("train-all", {
    args,
    options: {
      ...RUN_FLAGS,
      backend: { type: "string" },
      "allow-fallback": { type: "boolean", default: false },
      resume: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      open: { type: "string" },
    },
  });
  const flags = parseRunFlags("train-all", values, "one");
  if (values.backend !== undefined) {
    try {
      getBackendSpec(values.backend);
    } catch (err) {
      throw new UsageError(`--backend: ${(err as Error).message}`);
    }
    if (flags.engines) checkEngineBackend(flags.engines.list[0], values.backend);
  }
  if (values.resume && !flags.out) {
    throw new UsageError("--resume: expected --out DIR naming the run to continue");
  }
  const open = values.open === undefined ? undefined : parseListen(values.open);
  const browser = values.backend !== undefined &&
    getBackendSpec(values.backend).runsIn === "browser";
  // Checked here, before the run's folder is made.
  if (open && !browser) {
    throw new UsageError(
      `--open: expected a browser backend (--backend ${
        BACKEND_NAMES.filter((b) => getBackendSpec(b).runsIn === "browser").join(", ")
      }), got ${values.backend ?? "none"}`,
    );
  }
  if (values.resume && browser) {
    throw new UsageError(
      `--resume: a run on ${values.backend} cannot be resumed (its page starts from the beginning); run it again`,
    );
  }
  if (values.help) return undefined;
  return {
    flags,
    backend: values.backend,
    allowFallback: values["allow-fallback"] ?? false,
    resume: values.resume ?? false,
    json: values.json ?? false,
    ...(open ? { open } : {}),
  };
}

/**
 * `--open`'s value: `PORT`, `HOST:PORT` (`[::1]:PORT` for IPv6) or `auto`
 * (127.0.0.1, any free port).
 */
function parseListen(value: string): { hostname: string; port: number } {
  if (value === "auto" || value === "") return { hostname: "127.0.0.1", port: 0 };
  const m = /^(?:(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):)?(\d{1,5})$/.exec(value);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) {
    throw new UsageError(
      `--open: expected PORT, HOST:PORT or auto, got ${JSON.stringify(value)}`,
    );
  }
  return { hostname: (m[1] ?? "127.0.0.1").replace(/^\[|\]$/g, ""), port };
}

/**
 * The run's folder and description: a fresh one from the flags, or on
 * `--resume` the saved description, which the flags may repeat but not
 * contradict; oneDNN set as the run has it.
 */
async function startRun(parsed: TrainAllFlags): Promise<RunStart> {
  const { flags } = parsed;
  const outDir = resolve(flags.out ?? timestampedOutDir());
  const previous = parsed.resume ? await readPrevious(outDir) : undefined;
  if (!parsed.resume) await ensureFreshOutDir(outDir, flags.out !== undefined);
  const saved = previous ? await savedRun(outDir, previous) : undefined;
  const run = resolveRun(flags, {
    defaults: DEFAULTS,
    backend: parsed.backend,
    allowFallback: parsed.allowFallback,
    previous: saved,
  });
  if (run.oneDnn) applyOneDnnChoice(run.oneDnn);
  const cpuFeatures = await readCpuFeatures();
  const onednn = oneDnnState(cpuFeatures, oneDnnVariableFromEnv());
  checkResumeOneDnn(previous?.env.onednn, onednn, {
    complete: previous?.status === "complete",
    flagGiven: flags.oneDnn !== undefined || saved?.oneDnn !== undefined,
  });
  return { outDir, run, previous, onednn, cpuFeatures };
}

/** Loads the run's backend (the best available when none is named) for its engine. */
async function loadRunBackend(
  start: RunStart,
): Promise<{ backend: LoadedBackend; engine: EngineSpec; prepared: PreparedEngine }> {
  const engine = getEngineSpec(start.run.engine);
  const backendName = start.run.backend ?? (await pickBackend());
  checkEngineBackend(engine, backendName);
  const backend = await loadBackend(backendName, {
    allowFallback: start.run.allowFallback,
  }).catch((err: Error) => {
    throw new UsageError(err.message.replace(/^backend /, "--backend "));
  });
  // The engine installs its own patches; the stock engine checks there are none.
  const prepared = prepareEngine(backend, engine, { oneDnn: start.onednn });
  return { backend, engine, prepared };
}

/**
 * The description as it ran, for `run.json` and the reproduce command: its
 * backend, the sizes and data files it got, and the fallback device it ran on.
 */
function pinRun(run: RunDescription, backend: LoadedBackend, data: RunData): RunDescription {
  const fellBack = backend.device.fellBackToCpu || backend.device.isFallbackAdapter;
  return {
    ...run,
    backend: backend.name,
    allowFallback: run.allowFallback && (fellBack ?? false),
    dataSource: run.dataSource ?? data.source,
    trainSize: data.train.count,
    validationSize: data.validation.count,
    testSize: data.test.count,
  };
}

/** The results' `config`: what ran, with the engine's patches and kernels recorded. */
function configOf(
  run: RunDescription,
  data: RunData,
  backend: LoadedBackend,
  engine: EngineSpec,
  prepared: PreparedEngine,
  recordedData: string | undefined,
): RunConfig {
  // The engines with the suite's own TensorFlow ops record which kernels those ops use.
  const { kernelLibrary } = prepared;
  return {
    ...recordedConfig(run, data, backend.name),
    data: recordedData ?? data.description,
    nativeGradients: prepared.nativeGradients,
    nativeKernels: prepared.nativeKernels,
    ...(kernelLibrary ? { kernelLibrary } : {}),
    trainStep: engine.trainStep,
    inferencePath: engine.inferencePath,
  };
}

function environmentOf(backend: LoadedBackend, start: RunStart): Promise<Environment> {
  return collectEnvironment({
    tfjsVersion: backend.tf.version_core,
    tensorflowVersion: backend.device.tensorflowVersion ?? null,
    backend: backend.name,
    device: backend.device.description,
    deviceInfo: {
      kind: backend.device.kind,
      ...(backend.device.fellBackToCpu ? { fellBackToCpu: true } : {}),
      ...(backend.device.isFallbackAdapter ? { softwareAdapter: true } : {}),
    },
    machine: start.run.machine,
    threads: threadsFromEnv(),
    oneDnnVariable: oneDnnVariableFromEnv(),
    cpuFeatures: start.cpuFeatures,
    oneDnn: start.onednn,
  });
}

function announce(
  config: RunConfig,
  backend: LoadedBackend,
  engine: EngineSpec,
  outDir: string,
): void {
  const s = config.epochs === 1 ? "" : "s";
  console.error(
    `train-all: ${config.models.join(", ")} on ${backend.name} (${backend.device.description}), ` +
      `engine ${engine.name}, ${config.epochs} epoch${s}, ${config.trainSize} train / ` +
      `${config.validationSize} validation / ${config.testSize} test images, seed ${config.seed}` +
      `\ntrain-all: writing to ${outDir}`,
  );
}

/** What {@link train} needs. */
interface TrainInputs {
  start: RunStart;
  run: RunDescription;
  config: RunConfig;
  env: Environment;
  engine: EngineSpec;
  prepared: PreparedEngine;
  backend: LoadedBackend;
  data: RunData;
  command: string;
  mode: "json" | "tty" | "lines";
  probes: MeasureProbes;
  /** Why the backend cannot train, when it lacks a kernel of the backward pass. */
  notTrained?: string;
}

/** Why `backend` cannot train the models, or `undefined` when it can. */
function notTrainedOn(backend: LoadedBackend): string | undefined {
  const name = backend.tf.getBackend();
  const missing = missingTrainingKernels(backend.tf.getKernel, name);
  return missing.length > 0 ? notTrainedReason(name, backend.tf.version_core, missing) : undefined;
}

/** Trains, evaluates and times every model; Ctrl-C stops after the epoch in flight. */
async function train(inputs: TrainInputs): Promise<number> {
  const { start, run, config, backend, data, mode } = inputs;
  const { outDir } = start;
  const tensors = {
    train: toTensors(data.train),
    validation: toTensors(data.validation),
    test: toTensors(data.test),
  };
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) Deno.exit(130);
    console.error("\ntrain-all: stopping after the epoch in flight (Ctrl-C again to quit now)");
    controller.abort();
  };
  Deno.addSignalListener("SIGINT", onSigint);
  const reports = await runReports(outDir, inputs.command);
  if (inputs.notTrained) console.error(`train-all: not trained: ${inputs.notTrained}`);
  // report.html is drawn when a model is done and when the run ends, not after every epoch.
  let written: ResultsFile | undefined;
  try {
    const progress = progressReporter(mode, { label: `${backend.name}, ${inputs.engine.name}` });
    const { results, interrupted } = await runExperiment({
      models: run.models.map(getModelSpec),
      data: tensors,
      config,
      engine: inputs.engine,
      kernelLibrary: inputs.prepared.kernelLibrary,
      env: inputs.env,
      outDir,
      previous: start.previous,
      order: epochOrder(run.seed),
      inference: inferenceTimingFor(run, data.test.count),
      onEvent: async (event) => {
        progress(event);
        // report.md follows every write of results.json, so both always agree.
        if (event.type === "written") {
          written = event.results;
          await reports.markdown(event.results);
        }
        if (event.type === "model-done" && written) await reports.html(written);
      },
      signal: controller.signal,
      probes: inputs.probes,
      notTrained: inputs.notTrained,
    });
    await reports.html(results);
    if (mode === "json") {
      console.log(JSON.stringify({ type: "done", status: results.status, out: outDir }));
    } else {
      console.log(`\n${summaryTable(results)}`);
      console.log(`\n${reports.summary()}`);
    }
    if (interrupted) {
      console.error(
        `train-all: interrupted; continue with:\n  deno task train-all --resume --out ${outDir}`,
      );
      return 130;
    }
    return 0;
  } finally {
    Deno.removeSignalListener("SIGINT", onSigint);
    for (const t of Object.values(tensors)) backend.tf.dispose([t.xs, t.ys]);
  }
}

/** The run's results as a terminal table. */
function summaryTable(results: ResultsFile): string {
  const rows = results.runs.map((r) => {
    const t = epochTimes(r);
    return [
      r.model,
      r.backend,
      r.engine ?? results.config.engine,
      r.test ? `${(r.test.accuracy * 100).toFixed(2)}%` : "–",
      t ? `${t.median.toFixed(1)} s` : "–",
      t ? `${(results.config.trainSize / t.median).toFixed(0)}` : "–",
      r.inference ? `${r.inference.batch1.p50Ms.toFixed(2)} ms` : "–",
      r.inference ? `${r.inference.batched.imagesPerSecond.toFixed(0)}` : "–",
    ];
  });
  return textTable(
    ["model", "backend", "engine", "test acc", "s/epoch", "img/s", "batch-1 p50", "batched img/s"],
    rows,
  );
}

if (import.meta.main) await runCli(() => trainAllMain(Deno.args));
