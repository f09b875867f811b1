/**
 * `deno task train-all`: trains model1–3 on Fashion-MNIST, evaluates and
 * times them, and writes `results.json`, `report.md`, the trained models and
 * per-epoch checkpoints into the output folder. Interrupt it with Ctrl-C and
 * continue with `--resume`.
 *
 * @module
 */
import { dirname, join, resolve } from "node:path";
import { installedNativeGradients } from "../native/gradients.ts";
import { installedNativeKernels } from "../native/kernels.ts";
import { BACKEND_NAMES, getBackendSpec, loadBackend, pickBackend } from "../backends/registry.ts";
import { DatasetError, permutation, toTensors } from "../data/mod.ts";
import { loadRunData } from "./_run_data.ts";
import { getModelSpec, MODEL_NAMES } from "../models/spec.ts";
import { collectEnvironment, type Environment } from "../results/environment.ts";
import { epochTimes } from "../results/stats.ts";
import {
  dataChecksumMismatch,
  dataFlagConflict,
  dataFlags,
  dataRequest,
  legacyDataPlace,
} from "../results/data_source.ts";
import type { ResultsFile, RunConfig } from "../results/schema.ts";
import { DEFAULT_ENGINE, type EngineSpec, getEngineSpec } from "../train/engines.ts";
import { readResults, runExperiment } from "../train/experiment.ts";
import {
  applyOneDnnChoice,
  checkEngineBackend,
  ENGINE_HELP,
  ONEDNN_HELP,
  oneDnnVariableFromEnv,
  parseEngineFlags,
  parseFlags,
  parseModelList,
  parseOneDnnChoice,
  parsePositiveInt,
  runCli,
  threadsFromEnv,
  UsageError,
} from "./_cli.ts";
import { oneDnnState, readCpuFeatures } from "../backends/onednn.ts";
import { progressReporter } from "./progress.ts";
import { exists } from "../_util/fs.ts";

const HELP = `Usage: deno task train-all [options]

Trains the models on Fashion-MNIST, evaluates them on the test set, times
training and inference, and writes results.json, report.md, the trained
models and checkpoints into the output folder.

Options:
  --models LIST         comma-separated, from ${MODEL_NAMES.join(", ")} (default: all)
  --epochs N            epochs per model (default 10)
  --batch-size N        (default 128)
  --train-size N        training images, a stratified subset (default: all left after validation)
  --validation-size N   images held out of the training set (default 5000)
  --test-size N         test images, a stratified subset (default: all 10000)
  --backend NAME        one of ${BACKEND_NAMES.join(", ")}
                        (default: the best available that really runs on its device)
  --allow-fallback      accept a GPU backend that runs on the CPU here (tfjs-node-gpu
                        without a GPU, WebGPU on a software adapter); the results say so
  --inference-batch N   batch size of the inference throughput measurement (default 1024)
  --inference-runs N    timed batch-1 inference calls, after 10 warm-up calls (default 100)
  --machine NAME        name recorded for this machine, to merge results (default: hostname)
${ENGINE_HELP}
${ONEDNN_HELP}
  --seed N              seed for weights, dropout, shuffling and splits (default 42)
  --out DIR             output folder (default results/<timestamp>)
  --resume              continue the run in --out DIR from its last complete epoch,
                        on its data (its --fixtures or --data-dir need not be repeated)
  --data-dir DIR        read Fashion-MNIST from this folder first
  --fixtures            use the reduced split in fixtures/ (2,000 train / 500 test;
                        validation then defaults to 200 images): a quick check
  --json                JSON lines on stdout instead of progress text
  -h, --help            show this help
`;

const DEFAULTS = { epochs: 10, batchSize: 128, seed: 42, learningRate: 1e-3 };

async function main(): Promise<number> {
  const { values } = parseFlags("train-all", {
    args: Deno.args,
    options: {
      models: { type: "string" },
      epochs: { type: "string" },
      "batch-size": { type: "string" },
      "train-size": { type: "string" },
      "validation-size": { type: "string" },
      "test-size": { type: "string" },
      backend: { type: "string" },
      "allow-fallback": { type: "boolean", default: false },
      "inference-batch": { type: "string" },
      "inference-runs": { type: "string" },
      machine: { type: "string" },
      engine: { type: "string" },
      "stock-gradients": { type: "boolean", default: false },
      "train-step": { type: "string" },
      "inference-path": { type: "string" },
      onednn: { type: "string" },
      seed: { type: "string" },
      out: { type: "string" },
      resume: { type: "boolean", default: false },
      "data-dir": { type: "string" },
      fixtures: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }

  // Everything the user typed is checked before any data is read or any model trains.
  const models = values.models === undefined ? undefined : parseModelList(values.models);
  const int = (flag: string, v: string | undefined) =>
    v === undefined ? undefined : parsePositiveInt(flag, v);
  const flags = {
    epochs: int("--epochs", values.epochs),
    batchSize: int("--batch-size", values["batch-size"]),
    trainSize: int("--train-size", values["train-size"]),
    validationSize: int("--validation-size", values["validation-size"]),
    testSize: int("--test-size", values["test-size"]),
    inferenceBatchSize: int("--inference-batch", values["inference-batch"]),
    inferenceRuns: int("--inference-runs", values["inference-runs"]),
    seed: values.seed === undefined ? undefined : parseSeed(values.seed),
  };
  if (flags.inferenceRuns !== undefined && flags.inferenceRuns < 50) {
    throw new UsageError(
      `--inference-runs: expected at least 50 (a p95 needs them), got ${flags.inferenceRuns}`,
    );
  }
  if (values.backend !== undefined) {
    try {
      getBackendSpec(values.backend);
    } catch (err) {
      throw new UsageError(`--backend: ${(err as Error).message}`);
    }
  }
  const engineFlag = parseEngineFlags("train-all", {
    engine: values.engine,
    trainStep: values["train-step"],
    inferencePath: values["inference-path"],
    stockGradients: values["stock-gradients"],
  });
  if (engineFlag && values.backend !== undefined) checkEngineBackend(engineFlag, values.backend);
  const oneDnnChoice = values.onednn === undefined ? undefined : parseOneDnnChoice(values.onednn);
  if (values.resume && !values.out) {
    throw new UsageError("--resume: expected --out DIR naming the run to continue");
  }
  const outDir = resolve(
    values.out ?? join("results", new Date().toISOString().replaceAll(":", "-").slice(0, 19)),
  );
  const previous = values.resume ? await readPrevious(outDir) : undefined;
  if (!values.resume) await ensureFreshOutDir(outDir, values.out !== undefined);
  const base: Partial<RunConfig> = previous?.config ?? {};
  if (previous) {
    assertSameConfig(previous.config, {
      models,
      ...flags,
      backend: values.backend,
      engine: engineFlag?.name,
    });
  }
  // A resumed run loads its own data again: the saved source, or for files
  // older than `dataSource` the one its `config.data` names (legacyDataPlace).
  const savedData = previous &&
    (previous.config.dataSource ?? legacyDataPlace(previous.config.data));
  const dataConflict = savedData &&
    dataFlagConflict(savedData, { fixtures: values.fixtures, dataDir: values["data-dir"] });
  if (dataConflict) throw new UsageError(dataConflict);
  if (oneDnnChoice !== undefined) applyOneDnnChoice(oneDnnChoice);
  const onednn = oneDnnState(await readCpuFeatures(), oneDnnVariableFromEnv());
  // A complete run is left alone unless --onednn contradicts it.
  if (previous?.env.onednn && (previous.status !== "complete" || oneDnnChoice !== undefined)) {
    if (onednn.enabled !== previous.env.onednn.enabled) {
      throw new UsageError(
        `--resume: oneDNN is ${onednn.reason}, but the run being resumed had it ${previous.env.onednn.reason}; ` +
          `resume with --onednn ${previous.env.onednn.enabled ? "on" : "off"}`,
      );
    }
  }
  if (previous?.status === "complete") {
    console.error(`train-all: the run in ${outDir} is complete; nothing to do`);
    return 0;
  }
  if (previous && !savedData) {
    throw new UsageError(
      `--resume: expected config.data to name the run's data (fixtures, dir, cache, system or ` +
        `download), got ${JSON.stringify(previous.config.data)}; start a new run`,
    );
  }
  await checkWritable(outDir);

  const backendName = previous?.config.backend ?? values.backend ?? (await pickBackend());
  if (values.machine !== undefined && values.machine.trim() === "") {
    throw new UsageError(`--machine: expected a name, got ""`);
  }
  const engine: EngineSpec = previous
    ? savedEngine(previous.config.engine)
    : engineFlag ?? getEngineSpec(DEFAULT_ENGINE);
  checkEngineBackend(engine, backendName);
  const backend = await loadBackend(backendName, {
    allowFallback: values["allow-fallback"],
    nativeGradients: engine.nativeGradients,
    oneDnn: onednn,
  }).catch((err: Error) => {
    throw new UsageError(err.message.replace(/^backend /, "--backend "));
  });
  // The engines with the suite's own TensorFlow ops record which kernels those ops use.
  const kernelLibrary = engine.nativeGradients ? backend.kernelLibrary : undefined;

  // Data: loaded, split and converted outside every timed region.
  const seed = base.seed ?? flags.seed ?? DEFAULTS.seed;
  const data = await loadRunData({
    ...(savedData
      ? dataRequest(savedData)
      : { fixtures: values.fixtures, dataDir: values["data-dir"] }),
    seed,
    validationSize: base.validationSize ?? flags.validationSize,
    trainSize: base.trainSize ?? flags.trainSize,
    testSize: base.testSize ?? flags.testSize,
  });
  const changed = previous?.config.dataSource &&
    dataChecksumMismatch(previous.config.dataSource.sha256, data.source.sha256);
  if (changed) throw new DatasetError(changed);
  const split = { validation: data.validation };
  const trainSplit = data.train;
  const testSplit = data.test;
  const validationSize = data.validation.count;
  const trainSize = trainSplit.count;
  const testSize = testSplit.count;

  const config: RunConfig = {
    models: base.models ?? models ?? [...MODEL_NAMES],
    epochs: base.epochs ?? flags.epochs ?? DEFAULTS.epochs,
    batchSize: base.batchSize ?? flags.batchSize ?? DEFAULTS.batchSize,
    trainSize,
    validationSize,
    testSize,
    backend: backend.name,
    seed,
    learningRate: base.learningRate ?? DEFAULTS.learningRate,
    // As recorded when the run started (the official data may come from another place now).
    data: previous?.config.dataSource ? previous.config.data : data.description,
    dataSource: previous?.config.dataSource ?? data.source,
    inferenceBatchSize: base.inferenceBatchSize ?? flags.inferenceBatchSize ?? 1024,
    inferenceRuns: base.inferenceRuns ?? flags.inferenceRuns ?? 100,
    nativeGradients: getBackendSpec(backend.name).native
      ? installedNativeGradients(backend.tf)
      : [],
    nativeKernels: getBackendSpec(backend.name).native ? installedNativeKernels(backend.tf) : [],
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
    machine: values.machine?.trim(),
    threads: threadsFromEnv(),
    oneDnnVariable: oneDnnVariableFromEnv(),
  });
  const command = reproduceCommand(config, env, outDir, values.machine?.trim());
  const mode = values.json ? "json" : Deno.stderr.isTerminal() ? "tty" : "lines";
  if (mode !== "json") {
    console.error(
      `train-all: ${
        config.models.join(", ")
      } on ${backend.name} (${backend.device.description}), engine ${engine.name}, ` +
        `${config.epochs} epoch${
          config.epochs === 1 ? "" : "s"
        }, ${trainSplit.count} train / ${split.validation.count} validation / ` +
        `${testSplit.count} test images, seed ${seed}\ntrain-all: writing to ${outDir}`,
    );
  }

  const tensors = {
    train: toTensors(trainSplit),
    validation: toTensors(split.validation),
    test: toTensors(testSplit),
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
    const { results, interrupted } = await runExperiment({
      models: config.models.map(getModelSpec),
      data: tensors,
      config,
      env,
      outDir,
      previous,
      order: (epoch, n) => permutation(n, seed * 1000 + epoch),
      inference: {
        batchSize: config.inferenceBatchSize,
        runs: config.inferenceRuns,
        path: config.inferencePath,
      },
      command,
      onEvent: progressReporter(mode, { label: `${backend.name}, ${engine.name}` }),
      signal: controller.signal,
    });
    if (values.json) {
      console.log(JSON.stringify({ type: "done", status: results.status, out: outDir }));
    } else {
      console.log(summaryTable(results));
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

/** The engine of the run being resumed. */
function savedEngine(name: string): EngineSpec {
  try {
    return getEngineSpec(name);
  } catch (err) {
    throw new UsageError(`--resume: the run's engine: ${(err as Error).message}`);
  }
}

function parseSeed(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < 0 || n > 2 ** 31) {
    throw new UsageError(
      `--seed: expected a whole number from 0 to 2147483648, got ${JSON.stringify(value)}`,
    );
  }
  return n;
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

/** Refuses flags that contradict the run being resumed. */
function assertSameConfig(
  saved: RunConfig,
  given: {
    models?: string[];
    backend?: string;
    epochs?: number;
    batchSize?: number;
    trainSize?: number;
    validationSize?: number;
    testSize?: number;
    inferenceBatchSize?: number;
    inferenceRuns?: number;
    seed?: number;
    engine?: string;
  },
): void {
  const pairs: [string, unknown, unknown][] = [
    ["--models", given.models?.join(","), saved.models.join(",")],
    ["--epochs", given.epochs, saved.epochs],
    ["--batch-size", given.batchSize, saved.batchSize],
    ["--train-size", given.trainSize, saved.trainSize],
    ["--validation-size", given.validationSize, saved.validationSize],
    ["--test-size", given.testSize, saved.testSize],
    ["--inference-batch", given.inferenceBatchSize, saved.inferenceBatchSize ?? 1024],
    ["--inference-runs", given.inferenceRuns, saved.inferenceRuns ?? 100],
    ["--seed", given.seed, saved.seed],
    ["--backend", given.backend, saved.backend],
    ["--engine", given.engine, saved.engine],
  ];
  for (const [flag, value, was] of pairs) {
    if (value !== undefined && value !== was) {
      throw new UsageError(
        `--resume: ${flag} ${value} differs from the run being resumed (${was}); drop the flag`,
      );
    }
  }
}

function reproduceCommand(
  c: RunConfig,
  env: Environment,
  outDir: string,
  machine: string | undefined,
): string {
  return [
    "deno task train-all",
    ...(c.dataSource ? dataFlags(c.dataSource) : []),
    `--models ${c.models.join(",")}`,
    `--epochs ${c.epochs}`,
    `--batch-size ${c.batchSize}`,
    `--train-size ${c.trainSize}`,
    `--validation-size ${c.validationSize}`,
    `--test-size ${c.testSize}`,
    `--backend ${c.backend}`,
    ...(env.deviceInfo?.fellBackToCpu || env.deviceInfo?.softwareAdapter
      ? ["--allow-fallback"]
      : []),
    `--inference-batch ${c.inferenceBatchSize ?? 1024}`,
    `--inference-runs ${c.inferenceRuns ?? 100}`,
    `--engine ${c.engine}`,
    ...(env.onednn && getBackendSpec(c.backend).native
      ? [`--onednn ${env.onednn.enabled ? "on" : "off"}`]
      : []),
    `--seed ${c.seed}`,
    ...(machine ? [`--machine ${machine}`] : []),
    `--out ${outDir}`,
  ].join(" ");
}

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
  const header = [
    "model",
    "backend",
    "engine",
    "test acc",
    "s/epoch",
    "img/s",
    "batch-1 p50",
    "batched img/s",
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ");
  return ["", line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

if (import.meta.main) await runCli(main);
