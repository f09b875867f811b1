/**
 * `deno task train-all`: trains model1–3 on Fashion-MNIST, evaluates and
 * times them, and writes `results.json`, `report.md`, the trained models and
 * per-epoch checkpoints into the output folder. Interrupt it with Ctrl-C and
 * continue with `--resume`.
 *
 * @module
 */
import { dirname, join, resolve } from "node:path";
import { exists, writeFileAtomic } from "../_util/fs.ts";
import { oneDnnState, readCpuFeatures } from "../backends/onednn.ts";
import { BACKEND_NAMES, getBackendSpec, loadBackend, pickBackend } from "../backends/registry.ts";
import { DatasetError, permutation, toTensors } from "../data/mod.ts";
import { getModelSpec, MODEL_NAMES } from "../models/spec.ts";
import { prepareEngine } from "../native/install.ts";
import { dataChecksumMismatch } from "../results/data_source.ts";
import { collectEnvironment } from "../results/environment.ts";
import { renderReport } from "../results/report.ts";
import type { ResultsFile, RunConfig } from "../results/schema.ts";
import { epochTimes } from "../results/stats.ts";
import { DEFAULT_ENGINE } from "../engines/registry.ts";
import { readResults, runExperiment } from "../train/experiment.ts";
import {
  applyOneDnnChoice,
  oneDnnVariableFromEnv,
  parseFlags,
  runCli,
  textTable,
  threadsFromEnv,
  timestampedOutDir,
  UsageError,
} from "./_cli.ts";
import { loadRunData } from "./_run_data.ts";
import {
  checkEngineBackend,
  checkResumeOneDnn,
  engineHelp,
  oneDnnHelp,
  parseRunFlags,
  resolveRun,
  RUN_FLAGS,
  runFlagsHelp,
  type TaskDefaults,
  trainAllArgs,
} from "./_run_options.ts";
import { progressReporter } from "./progress.ts";

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
  -h, --help            show this help
`;

/**
 * The `train-all` command with its arguments, as a CLI runs it (also the GPU
 * kit's bundle, which holds no `train_all.ts` of its own to start).
 *
 * @returns The exit code.
 */
export async function trainAllMain(args: string[]): Promise<number> {
  const { values } = parseFlags("train-all", {
    args,
    options: {
      ...RUN_FLAGS,
      backend: { type: "string" },
      "allow-fallback": { type: "boolean", default: false },
      resume: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }

  // Everything the user typed is checked before any data is read or any model trains.
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
  const outDir = resolve(flags.out ?? timestampedOutDir());
  const previous = values.resume ? await readPrevious(outDir) : undefined;
  if (!values.resume) await ensureFreshOutDir(outDir, flags.out !== undefined);
  const run = resolveRun(flags, {
    defaults: DEFAULTS,
    backend: values.backend,
    previous: previous?.config,
  });
  if (flags.oneDnn !== undefined) applyOneDnnChoice(flags.oneDnn);
  const onednn = oneDnnState(await readCpuFeatures(), oneDnnVariableFromEnv());
  checkResumeOneDnn(previous?.env.onednn, onednn, {
    complete: previous?.status === "complete",
    flagGiven: flags.oneDnn !== undefined,
  });
  if (previous?.status === "complete") {
    console.error(`train-all: the run in ${outDir} is complete; nothing to do`);
    return 0;
  }
  await checkWritable(outDir);

  const engine = run.engine;
  const backendName = run.backend ?? (await pickBackend());
  checkEngineBackend(engine, backendName);
  const backend = await loadBackend(backendName, {
    allowFallback: values["allow-fallback"],
  }).catch((err: Error) => {
    throw new UsageError(err.message.replace(/^backend /, "--backend "));
  });
  // The engines with the suite's own TensorFlow ops record which kernels those ops use.
  const prepared = prepareEngine(backend, engine, { oneDnn: onednn });
  const { kernelLibrary } = prepared;

  // Data: loaded, split and converted outside every timed region.
  const data = await loadRunData({
    ...run.data,
    seed: run.seed,
    trainSize: run.trainSize,
    validationSize: run.validationSize,
    testSize: run.testSize,
  });
  const changed = run.savedSource &&
    dataChecksumMismatch(run.savedSource.sha256, data.source.sha256);
  if (changed) throw new DatasetError(changed);
  const native = getBackendSpec(backend.name).native;
  const config: RunConfig = {
    models: run.models,
    epochs: run.epochs,
    batchSize: run.batchSize,
    trainSize: data.train.count,
    validationSize: data.validation.count,
    testSize: data.test.count,
    backend: backend.name,
    seed: run.seed,
    learningRate: run.learningRate,
    // As recorded when the run started (the official data may come from another place now).
    data: run.savedSource ? previous!.config.data : data.description,
    dataSource: run.savedSource ?? data.source,
    // Never more images than the test split holds: a repeated image times nothing new.
    inferenceBatchSize: Math.min(run.inferenceBatchSize, data.test.count),
    inferenceRuns: run.inferenceRuns,
    nativeGradients: prepared.nativeGradients,
    nativeKernels: prepared.nativeKernels,
    ...(kernelLibrary ? { kernelLibrary } : {}),
    trainStep: engine.trainStep,
    inferencePath: engine.inferencePath,
    engine: engine.name,
  };
  const env = await collectEnvironment({
    tfjsVersion: backend.tf.version_core,
    tensorflowVersion: backend.device.tensorflowVersion ?? null,
    backend: backend.name,
    device: backend.device.description,
    deviceInfo: {
      kind: backend.device.kind,
      ...(backend.device.fellBackToCpu ? { fellBackToCpu: true } : {}),
      ...(backend.device.isFallbackAdapter ? { softwareAdapter: true } : {}),
    },
    machine: flags.machine,
    threads: threadsFromEnv(),
    oneDnnVariable: oneDnnVariableFromEnv(),
  });
  const command = [
    "deno task train-all",
    ...trainAllArgs(config, {
      allowFallback: env.deviceInfo?.fellBackToCpu || env.deviceInfo?.softwareAdapter,
      oneDnn: env.onednn && native ? env.onednn.enabled : undefined,
      machine: flags.machine,
      out: outDir,
    }),
  ].join(" ");
  const mode = values.json ? "json" : Deno.stderr.isTerminal() ? "tty" : "lines";
  if (mode !== "json") {
    const s = config.epochs === 1 ? "" : "s";
    console.error(
      `train-all: ${
        config.models.join(", ")
      } on ${backend.name} (${backend.device.description}), ` +
        `engine ${engine.name}, ${config.epochs} epoch${s}, ${config.trainSize} train / ` +
        `${config.validationSize} validation / ${config.testSize} test images, seed ${config.seed}` +
        `\ntrain-all: writing to ${outDir}`,
    );
  }

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
  try {
    const progress = progressReporter(mode, { label: `${backend.name}, ${engine.name}` });
    const { results, interrupted } = await runExperiment({
      models: config.models.map(getModelSpec),
      data: tensors,
      config,
      env,
      outDir,
      previous,
      order: (epoch, n) => permutation(n, config.seed * 1000 + epoch),
      inference: {
        batchSize: config.inferenceBatchSize,
        runs: run.inferenceRuns,
        path: config.inferencePath,
      },
      onEvent: async (event) => {
        progress(event);
        // report.md follows every write of results.json, so both always agree.
        if (event.type === "written") {
          await writeFileAtomic(join(outDir, "report.md"), renderReport(event.results, command));
        }
      },
      signal: controller.signal,
    });
    if (values.json) {
      console.log(JSON.stringify({ type: "done", status: results.status, out: outDir }));
    } else {
      console.log(`\n${summaryTable(results)}`);
      console.log(
        `\nresults: ${join(outDir, "results.json")}\nreport:  ${join(outDir, "report.md")}`,
      );
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

async function readPrevious(outDir: string): Promise<ResultsFile> {
  const previous = await readResults(outDir).catch((err: Error) => {
    throw new UsageError(`--resume: ${err.message}`);
  });
  if (!previous) {
    throw new UsageError(`--resume: expected a run in ${outDir}, but it has no results.json`);
  }
  return previous;
}

async function ensureFreshOutDir(outDir: string, named: boolean): Promise<void> {
  const existing = await exists(join(outDir, "results.json"));
  if (existing) {
    throw new UsageError(
      `--out ${outDir}: it already holds a run; add --resume to continue it${
        named ? ", or pick another folder" : ""
      }`,
    );
  }
}

/**
 * Checks that `outDir` can be written by writing a probe file into it. Folders
 * it had to create for that are removed again, so a run refused later (say,
 * for an unavailable backend) leaves nothing behind.
 */
async function checkWritable(outDir: string): Promise<void> {
  let top = outDir; // the highest folder this check creates
  while (dirname(top) !== top && !(await exists(dirname(top)))) top = dirname(top);
  const created = !(await exists(top));
  try {
    await Deno.mkdir(outDir, { recursive: true });
    const probe = join(outDir, `.write-check-${crypto.randomUUID()}`);
    await Deno.writeTextFile(probe, "");
    await Deno.remove(probe);
  } catch (err) {
    throw new UsageError(
      `--out ${outDir}: expected a folder that can be written, but ${(err as Error).message}`,
    );
  } finally {
    if (created) await Deno.remove(top, { recursive: true }).catch(() => {});
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
