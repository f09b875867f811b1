/**
 * The options of a training run, shared by `train-all`, `compare` and `peer`:
 * the flag specs, their `--help` lines, their checks and defaults, and
 * {@link resolveRun}, the pure function that turns the flags (and, on
 * `--resume`, the saved configuration) into what the run will do. The same
 * flag means the same thing, with the same default and the same error, in
 * every task.
 *
 * One file on purpose, though longer than most: each flag's spec, check,
 * default, resume rule and help line sit side by side, so a flag is changed
 * in one place.
 *
 * @module
 */
import { ONEDNN_VARIABLE, type OneDnnChoice, type OneDnnState } from "../backends/onednn.ts";
import { getModelSpec, MODEL_NAMES } from "../models/spec.ts";
import {
  dataFlagConflict,
  dataFlags,
  type DataRequest,
  dataRequest,
  legacyDataPlace,
} from "../results/data_source.ts";
import type { DataSource, RunConfig } from "../results/schema.ts";
import {
  assertEngineRunsOn,
  DEFAULT_ENGINE,
  type EngineName,
  ENGINES,
  type EngineSpec,
  getEngineSpec,
} from "../engines/registry.ts";
import { INFERENCE_DEFAULTS } from "../train/latency.ts";
import { parseOneDnnChoice, parsePositiveInt, UsageError, wrap } from "./_cli.ts";

/** Defaults every task shares. */
export const RUN_DEFAULTS = {
  /** Images per training batch. */
  batchSize: 128,
  /** Seed of the weights, dropout, shuffling and splits. */
  seed: 42,
  /** Adam's learning rate (not a flag: the models are compared at one rate). */
  learningRate: 1e-3,
  /** Batch size of the batched inference measurement. */
  inferenceBatchSize: INFERENCE_DEFAULTS.batchSize,
  /** Timed batch-1 inference calls. */
  inferenceRuns: INFERENCE_DEFAULTS.runs,
} as const;

/** Fewer timed batch-1 calls than this give no p95. */
export const MIN_INFERENCE_RUNS = 50;

/** Largest seed (TF.js's seeded initializers take 32-bit integers). */
const MAX_SEED = 2 ** 31;

/** What differs between tasks: the models and epochs a run has by default. */
export interface TaskDefaults {
  /** Models run when `--models` is not given. */
  models: readonly string[];
  /** Epochs per model when `--epochs` is not given. */
  epochs: number;
}

/** The `node:util` `parseArgs` specs of the shared flags. */
export const RUN_FLAGS = {
  models: { type: "string" },
  epochs: { type: "string" },
  "batch-size": { type: "string" },
  "train-size": { type: "string" },
  "validation-size": { type: "string" },
  "test-size": { type: "string" },
  "inference-batch": { type: "string" },
  "inference-runs": { type: "string" },
  seed: { type: "string" },
  machine: { type: "string" },
  "data-dir": { type: "string" },
  fixtures: { type: "boolean", default: false },
  engine: { type: "string" },
  "train-step": { type: "string" },
  "inference-path": { type: "string" },
  "stock-gradients": { type: "boolean", default: false },
  onednn: { type: "string" },
  out: { type: "string" },
  help: { type: "boolean", short: "h", default: false },
} as const;

/** The shared flags' raw values, as `parseArgs` returns them, plus `--engines` of list tasks. */
export type RunFlagValues =
  & {
    [K in keyof typeof RUN_FLAGS]?: (typeof RUN_FLAGS)[K]["type"] extends "boolean" ? boolean
      : string;
  }
  & { engines?: string };

/** The shared flags, checked and typed; `undefined` where a flag was not given. */
export interface RunFlags {
  models?: string[];
  epochs?: number;
  batchSize?: number;
  trainSize?: number;
  validationSize?: number;
  testSize?: number;
  inferenceBatchSize?: number;
  inferenceRuns?: number;
  seed?: number;
  machine?: string;
  fixtures: boolean;
  dataDir?: string;
  /** The engines named, with the flag that named them (for error messages). */
  engines?: { flag: string; list: EngineSpec[] };
  oneDnn?: OneDnnChoice;
  out?: string;
}

/** How a task takes engines: one (`train-all`) or a list (`compare`, `peer`). */
export type EngineArity = "one" | "list";

/**
 * Checks and types the shared flags. Everything a user typed is checked here,
 * before any data is read or any model trains.
 *
 * @param command The task, for the `--help` hint, e.g. `"train-all"`.
 * @throws {UsageError} Naming the flag, what was expected and what was given.
 */
export function parseRunFlags(
  command: string,
  values: RunFlagValues,
  arity: EngineArity,
): RunFlags {
  const int = (flag: string, v: string | undefined) =>
    v === undefined ? undefined : parsePositiveInt(flag, v);
  const inferenceRuns = int("--inference-runs", values["inference-runs"]);
  if (inferenceRuns !== undefined && inferenceRuns < MIN_INFERENCE_RUNS) {
    throw new UsageError(
      `--inference-runs: expected at least ${MIN_INFERENCE_RUNS} (a p95 needs them), got ${inferenceRuns}`,
    );
  }
  if (values.machine !== undefined && values.machine.trim() === "") {
    throw new UsageError(`--machine: expected a name, got ""`);
  }
  if (values.fixtures && values["data-dir"] !== undefined) {
    throw new UsageError("--fixtures and --data-dir exclude each other");
  }
  return {
    models: values.models === undefined ? undefined : parseModelList("--models", values.models),
    epochs: int("--epochs", values.epochs),
    batchSize: int("--batch-size", values["batch-size"]),
    trainSize: int("--train-size", values["train-size"]),
    validationSize: int("--validation-size", values["validation-size"]),
    testSize: int("--test-size", values["test-size"]),
    inferenceBatchSize: int("--inference-batch", values["inference-batch"]),
    inferenceRuns,
    seed: values.seed === undefined ? undefined : parseSeed(values.seed),
    machine: values.machine?.trim(),
    fixtures: values.fixtures ?? false,
    dataDir: values["data-dir"],
    engines: parseEngines(command, values, arity),
    oneDnn: values.onednn === undefined ? undefined : parseOneDnnChoice(values.onednn),
    out: values.out,
  };
}

/**
 * Parses `--seed`: a whole number from 0 to 2³¹.
 *
 * @throws {UsageError} For anything else.
 */
export function parseSeed(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < 0 || n > MAX_SEED) {
    throw new UsageError(
      `--seed: expected a whole number from 0 to ${MAX_SEED}, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

/**
 * Parses a list of models: registered names, comma-separated, or `all`.
 *
 * @param flag The flag as typed (`--models`, or `compare`'s older `--model`).
 * @throws {UsageError} For an empty list or an unknown name (the message lists the valid ones).
 */
export function parseModelList(flag: string, value: string): string[] {
  const items = value.split(",").map((m) => m.trim()).filter((m) => m !== "");
  if (items.length === 0) {
    throw new UsageError(
      `${flag}: expected a list like model1,model2, got ${JSON.stringify(value)}`,
    );
  }
  const models: string[] = [];
  for (const item of items) {
    try {
      for (const m of item === "all" ? MODEL_NAMES : [getModelSpec(item).name]) {
        if (!models.includes(m)) models.push(m);
      }
    } catch (err) {
      throw new UsageError(`${flag}: ${(err as Error).message}`);
    }
  }
  return models;
}

/**
 * The engines the flags name: `--engine` (and in list tasks `--engines`, the
 * same list), or one named by the older aliases (`--train-step`,
 * `--inference-path`, `--stock-gradients`, kept for scripts).
 *
 * @returns `undefined` when no flag names one.
 * @throws {UsageError} For an unknown name, an empty list, or flags that disagree.
 */
function parseEngines(
  command: string,
  values: RunFlagValues,
  arity: EngineArity,
): RunFlags["engines"] {
  const lists = ([["--engines", values.engines], ["--engine", values.engine]] as const)
    .filter(([, v]) => v !== undefined);
  const named: [string, EngineName][] = [];
  const alias = (flag: string, value: string | undefined, tfjs: string) => {
    if (value === undefined) return;
    if (value !== tfjs && value !== "native") {
      throw new UsageError(`${flag}: expected ${tfjs} or native, got ${JSON.stringify(value)}`);
    }
    named.push([`${flag} ${value}`, value === "native" ? "native" : "tfjs"]);
  };
  alias("--train-step", values["train-step"], "fit");
  alias("--inference-path", values["inference-path"], "layers");
  if (values["stock-gradients"]) named.push(["--stock-gradients", "tfjs"]);

  if (arity === "list") {
    if (lists.length > 1 || (lists.length === 1 && named.length > 0)) {
      throw new UsageError(
        `${lists[0][0]} and ${
          lists[1]?.[0] ?? "--train-step, --inference-path or --stock-gradients"
        } both name the engines; keep one`,
      );
    }
    if (lists.length === 1) {
      const [flag, value] = lists[0];
      return { flag, list: parseEngineList(flag, value!, command) };
    }
  } else if (values.engine !== undefined) {
    named.unshift([
      `--engine ${values.engine}`,
      parseEngine("--engine", values.engine, command).name,
    ]);
  }
  const other = named.find(([, e]) => e !== named[0][1]);
  if (other) {
    throw new UsageError(
      `${named[0][0]} means --engine ${named[0][1]}, but ${other[0]} means --engine ${
        other[1]
      }; keep one`,
    );
  }
  if (named.length === 0) return undefined;
  const flag = arity === "list" ? "--engines" : "--engine";
  return { flag, list: [getEngineSpec(named[0][1])] };
}

/** Parses one engine name; the error lists the valid ones. */
function parseEngine(flag: string, value: string, command: string): EngineSpec {
  try {
    return getEngineSpec(value.trim());
  } catch (err) {
    throw new UsageError(`${flag}: ${(err as Error).message}; see \`deno task ${command} --help\``);
  }
}

/** Parses a comma-separated list of engine names, without repeats. */
function parseEngineList(flag: string, value: string, command: string): EngineSpec[] {
  const items = value.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (items.length === 0) {
    throw new UsageError(`${flag}: expected a list like tfjs,native, got ${JSON.stringify(value)}`);
  }
  const engines = items.map((item) => parseEngine(flag, item, command));
  return engines.filter((e, i) => engines.indexOf(e) === i);
}

/**
 * Checks that an engine runs on a backend.
 *
 * @throws {UsageError} `--engine native runs on tensorflow-gpu, tensorflow, not cpu; use …`.
 */
export function checkEngineBackend(engine: EngineSpec, backend: string, flag = "--engine"): void {
  try {
    assertEngineRunsOn(engine, backend, flag);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** What a run will do, before its data is loaded and its backend started. */
export interface ResolvedRun {
  models: string[];
  epochs: number;
  batchSize: number;
  seed: number;
  learningRate: number;
  inferenceBatchSize: number;
  inferenceRuns: number;
  /** Requested sizes; `undefined` takes the data's default (see `loadRunData`). */
  trainSize?: number;
  validationSize?: number;
  testSize?: number;
  /** The backend named (or the resumed run's); `undefined`: pick the best available. */
  backend?: string;
  engine: EngineSpec;
  /** Where the data comes from: the flags, or the resumed run's saved source. */
  data: DataRequest;
  /** The resumed run's data source, whose checksums the data must match. */
  savedSource?: DataSource;
}

/** Options of {@link resolveRun}. */
export interface ResolveRunOptions {
  /** The task's own defaults. */
  defaults: TaskDefaults;
  /** `--backend`, already checked against the registry. Default: none given. */
  backend?: string;
  /** On `--resume`: the saved configuration of the run being continued. */
  previous?: RunConfig;
}

/**
 * Turns the flags into what a run will do. A fresh run takes each flag or its
 * default. A resumed run takes its saved configuration and data source; a
 * flag may repeat a saved value but not contradict it.
 *
 * @throws {UsageError} One line naming the flag that contradicts the resumed
 *   run, or a saved configuration that cannot be resumed.
 */
export function resolveRun(flags: RunFlags, options: ResolveRunOptions): ResolvedRun {
  const { defaults, backend, previous } = options;
  const engineFlag = flags.engines?.list[0];
  if (!previous) {
    return {
      models: flags.models ?? [...defaults.models],
      epochs: flags.epochs ?? defaults.epochs,
      batchSize: flags.batchSize ?? RUN_DEFAULTS.batchSize,
      seed: flags.seed ?? RUN_DEFAULTS.seed,
      learningRate: RUN_DEFAULTS.learningRate,
      inferenceBatchSize: flags.inferenceBatchSize ?? RUN_DEFAULTS.inferenceBatchSize,
      inferenceRuns: flags.inferenceRuns ?? RUN_DEFAULTS.inferenceRuns,
      trainSize: flags.trainSize,
      validationSize: flags.validationSize,
      testSize: flags.testSize,
      backend,
      engine: engineFlag ?? getEngineSpec(DEFAULT_ENGINE),
      data: { fixtures: flags.fixtures, dataDir: flags.dataDir },
    };
  }
  const saved = {
    ...previous,
    inferenceBatchSize: previous.inferenceBatchSize ?? RUN_DEFAULTS.inferenceBatchSize,
    inferenceRuns: previous.inferenceRuns ?? RUN_DEFAULTS.inferenceRuns,
  };
  const pairs: [string, unknown, unknown][] = [
    ["--models", flags.models?.join(","), saved.models.join(",")],
    ["--epochs", flags.epochs, saved.epochs],
    ["--batch-size", flags.batchSize, saved.batchSize],
    ["--train-size", flags.trainSize, saved.trainSize],
    ["--validation-size", flags.validationSize, saved.validationSize],
    ["--test-size", flags.testSize, saved.testSize],
    ["--inference-batch", flags.inferenceBatchSize, saved.inferenceBatchSize],
    ["--inference-runs", flags.inferenceRuns, saved.inferenceRuns],
    ["--seed", flags.seed, saved.seed],
    ["--backend", backend, saved.backend],
    ["--engine", engineFlag?.name, saved.engine],
  ];
  for (const [flag, value, was] of pairs) {
    if (value !== undefined && value !== was) {
      throw new UsageError(
        `--resume: ${flag} ${value} differs from the run being resumed (${was}); drop the flag`,
      );
    }
  }
  // A resumed run loads its own data again: the saved source, or for files
  // older than `dataSource` the one its `config.data` names.
  const place = saved.dataSource ?? legacyDataPlace(saved.data);
  if (!place) {
    throw new UsageError(
      `--resume: expected config.data to name the run's data (fixtures, dir, cache, system or ` +
        `download), got ${JSON.stringify(saved.data)}; start a new run`,
    );
  }
  const conflict = dataFlagConflict(place, { fixtures: flags.fixtures, dataDir: flags.dataDir });
  if (conflict) throw new UsageError(conflict);
  let engine: EngineSpec;
  try {
    engine = getEngineSpec(saved.engine);
  } catch (err) {
    throw new UsageError(`--resume: the run's engine: ${(err as Error).message}`);
  }
  return {
    models: [...saved.models],
    epochs: saved.epochs,
    batchSize: saved.batchSize,
    seed: saved.seed,
    learningRate: saved.learningRate,
    inferenceBatchSize: saved.inferenceBatchSize,
    inferenceRuns: saved.inferenceRuns,
    trainSize: saved.trainSize,
    validationSize: saved.validationSize,
    testSize: saved.testSize,
    backend: saved.backend,
    engine,
    data: dataRequest(place),
    ...(saved.dataSource ? { savedSource: saved.dataSource } : {}),
  };
}

/**
 * Refuses to resume a run under another oneDNN state than it started with.
 * A complete run is left alone unless `--onednn` was given.
 *
 * @throws {UsageError} Naming both states and the flag that restores the saved one.
 */
export function checkResumeOneDnn(
  saved: OneDnnState | undefined,
  now: OneDnnState,
  options: { complete: boolean; flagGiven: boolean },
): void {
  if (!saved || (options.complete && !options.flagGiven)) return;
  if (now.enabled !== saved.enabled) {
    throw new UsageError(
      `--resume: oneDNN is ${now.reason}, but the run being resumed had it ${saved.reason}; ` +
        `resume with --onednn ${saved.enabled ? "on" : "off"}`,
    );
  }
}

/** What {@link trainAllArgs} writes beside a configuration. */
export interface TrainAllArgsOptions {
  /** `--allow-fallback`: the backend ran on a fallback device. */
  allowFallback?: boolean;
  /** `--onednn on|off`, for native backends. */
  oneDnn?: boolean;
  /** `--machine NAME`. */
  machine?: string;
  /** `--out DIR`. */
  out?: string;
}

/**
 * The `train-all` flags that repeat a configuration exactly, every value
 * spelled out: the reproduce command of a run, and the arguments `compare`
 * and `peer` give their `train-all` children.
 */
export function trainAllArgs(
  c: Omit<RunConfig, "data" | "learningRate"> & { dataSource?: DataSource },
  options: TrainAllArgsOptions = {},
): string[] {
  return [
    ...(c.dataSource ? dataFlags(c.dataSource) : []),
    ...["--models", c.models.join(",")],
    ...["--epochs", String(c.epochs)],
    ...["--batch-size", String(c.batchSize)],
    ...["--train-size", String(c.trainSize)],
    ...["--validation-size", String(c.validationSize)],
    ...["--test-size", String(c.testSize)],
    ...["--backend", c.backend],
    ...(options.allowFallback ? ["--allow-fallback"] : []),
    ...["--inference-batch", String(c.inferenceBatchSize ?? RUN_DEFAULTS.inferenceBatchSize)],
    ...["--inference-runs", String(c.inferenceRuns ?? RUN_DEFAULTS.inferenceRuns)],
    ...["--engine", c.engine],
    ...(options.oneDnn === undefined ? [] : ["--onednn", options.oneDnn ? "on" : "off"]),
    ...["--seed", String(c.seed)],
    ...(options.machine ? ["--machine", options.machine] : []),
    ...(options.out ? ["--out", options.out] : []),
  ];
}

/** The help lines of the engine flags, for one engine (`train-all`) or a list. */
export function engineHelp(arity: EngineArity, defaults: readonly string[]): string {
  const list = arity === "list";
  const engines = ENGINES.map((e) =>
    wrap(`${e.name}: ${e.description}; runs on ${e.backends.join(", ")}`, 24, 92).join("\n")
  ).join("\n");
  const target = list ? "--engines" : "--engine";
  const head = list
    ? `  --engines LIST        comma-separated (default ${
      defaults.join(",")
    }; --engine LIST is the same):`
    : `  --engine NAME         how models are trained and inference is timed (default ${
      defaults[0]
    }):`;
  return [
    head,
    engines,
    `  --train-step STEP     alias kept for scripts: fit = ${target} tfjs, native = ${target} native`,
    `  --inference-path PATH alias kept for scripts: layers = ${target} tfjs, native = ${target} native`,
    `  --stock-gradients     alias kept for scripts: ${target} tfjs`,
  ].join("\n");
}

/** The `--onednn` help lines; `scope` says what the setting applies to. */
export function oneDnnHelp(scope: string): string {
  return `  --onednn MODE         on or off pins TensorFlow's oneDNN kernels for ${scope};
                        default leaves them to this CPU's default (the option
                        sets ${ONEDNN_VARIABLE}; without it, the variable as set)`;
}

/** The help lines of the data, size and seed flags, with a task's defaults. */
export function runFlagsHelp(defaults: TaskDefaults): string {
  const models = defaults.models.length === MODEL_NAMES.length ? "all" : defaults.models.join(",");
  return `  --models LIST         comma-separated, from ${
    MODEL_NAMES.join(", ")
  }, or all (default ${models})
  --epochs N            epochs per model; the first is left out of the median (default ${defaults.epochs})
  --batch-size N        (default ${RUN_DEFAULTS.batchSize})
  --train-size N        training images, a stratified subset (default: all left after validation)
  --validation-size N   images held out of the training set (default 5000; 200 with --fixtures)
  --test-size N         test images, a stratified subset (default: all)
  --inference-batch N   batch size of the inference throughput measurement (default
                        ${RUN_DEFAULTS.inferenceBatchSize}; never more than the test split)
  --inference-runs N    timed batch-1 inference calls, after 10 warm-up calls; at least ${MIN_INFERENCE_RUNS}
                        (default ${RUN_DEFAULTS.inferenceRuns})
  --seed N              seed for weights, dropout, shuffling and splits (default ${RUN_DEFAULTS.seed});
                        0 to ${MAX_SEED}
  --machine NAME        name recorded for this machine, to merge results (default: hostname)
  --data-dir DIR        read Fashion-MNIST from this folder first
  --fixtures            use the reduced split in fixtures/ (2,000 train / 500 test): a quick check`;
}
