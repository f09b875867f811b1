/**
 * The options of a training run, shared by `train-all`, `compare` and `peer`:
 * the flag specs, their `--help` lines (generated from `RUN_DEFAULTS`), their
 * checks, and {@link resolveRun}, the pure function that turns the flags
 * (and, on `--resume`, the saved run description) into the run description.
 * The same flag means the same thing, with the same default and the same
 * error, in every task.
 *
 * @module
 */
import { ONEDNN_VARIABLE, type OneDnnChoice } from "../backends/onednn.ts";
import { getModelSpec, MODEL_NAMES } from "../models/spec.ts";
import { dataFlagConflict } from "../results/data_source.ts";
import {
  assertEngineRunsOn,
  ENGINES,
  type EngineSpec,
  getEngineSpec,
} from "../engines/registry.ts";
import {
  describeRun,
  MAX_SEED,
  MIN_INFERENCE_RUNS,
  RUN_DEFAULTS,
  type RunDescription,
  targetAccuraciesFor,
} from "../train/run_description.ts";
import { parseOneDnnChoice, parsePositiveInt, UsageError, wrap } from "./_cli.ts";

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
  "target-accuracy": { type: "string" },
  seed: { type: "string" },
  machine: { type: "string" },
  "data-dir": { type: "string" },
  fixtures: { type: "boolean", default: false },
  engine: { type: "string" },
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
  /** The sizes after the first in `--inference-batch`. */
  moreInferenceBatchSizes?: number[];
  inferenceRuns?: number;
  targetAccuracies?: number[];
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
  const inferenceBatches = values["inference-batch"]?.split(",").map((v) =>
    parsePositiveInt("--inference-batch", v.trim())
  );
  return {
    models: values.models === undefined ? undefined : parseModelList("--models", values.models),
    epochs: int("--epochs", values.epochs),
    batchSize: int("--batch-size", values["batch-size"]),
    trainSize: int("--train-size", values["train-size"]),
    validationSize: int("--validation-size", values["validation-size"]),
    testSize: int("--test-size", values["test-size"]),
    inferenceBatchSize: inferenceBatches?.[0],
    moreInferenceBatchSizes: inferenceBatches && inferenceBatches.length > 1
      ? inferenceBatches.slice(1)
      : undefined,
    inferenceRuns,
    targetAccuracies: values["target-accuracy"] === undefined
      ? undefined
      : parseTargetAccuracies(values["target-accuracy"]),
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
 * Parses `--target-accuracy`: comma-separated validation accuracies above 0
 * and at most 100%, returned as fractions in increasing order. A value with a
 * `%` sign is a percentage; the bare values of a list are all percentages when
 * any of them is above 1 (`1,99` is 1% and 99%), and all fractions otherwise
 * (`0.85,0.9`).
 *
 * @throws {UsageError} For anything else.
 */
export function parseTargetAccuracies(value: string): number[] {
  const refuse = () =>
    new UsageError(
      `--target-accuracy: expected comma-separated accuracies in (0, 100] (e.g. 85,90 or 0.85,0.9), got "${value}"`,
    );
  const parts = value.split(",").map((p) => p.trim());
  const numbers = parts.map((p) => Number(p.replace(/%$/, "")));
  if (parts.some((p) => p === "" || p === "%") || numbers.some((n) => !(n > 0 && n <= 100))) {
    throw refuse();
  }
  const percentages = parts.some((p, i) => !p.endsWith("%") && numbers[i] > 1);
  const fractions = numbers.map((n, i) => (percentages || parts[i].endsWith("%") ? n / 100 : n));
  return [...new Set(fractions)].sort((a, b) => a - b);
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
 * same list).
 *
 * @returns `undefined` when no flag names one.
 * @throws {UsageError} For an unknown name, an empty list, or both flags.
 */
function parseEngines(
  command: string,
  values: RunFlagValues,
  arity: EngineArity,
): RunFlags["engines"] {
  if (arity === "one") {
    if (values.engine === undefined) return undefined;
    return { flag: "--engine", list: [parseEngine("--engine", values.engine, command)] };
  }
  const lists = ([["--engines", values.engines], ["--engine", values.engine]] as const)
    .filter(([, v]) => v !== undefined);
  if (lists.length > 1) {
    throw new UsageError("--engines and --engine both name the engines; keep one");
  }
  if (lists.length === 0) return undefined;
  const [flag, value] = lists[0];
  return { flag, list: parseEngineList(flag, value!, command) };
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

/** Options of {@link resolveRun}. */
export interface ResolveRunOptions {
  /** The task's own defaults. */
  defaults: TaskDefaults;
  /** `--backend`, already checked against the registry. Default: none given. */
  backend?: string;
  /** `--allow-fallback`. Default `false`. */
  allowFallback?: boolean;
  /** On `--resume`: the saved description of the run being continued. */
  previous?: RunDescription;
}

/**
 * Turns the flags into the run description. A fresh run takes each flag or
 * its default. A resumed run takes its saved description; a flag may repeat
 * a saved value but not contradict it.
 *
 * @throws {UsageError} One line naming the flag that contradicts the resumed
 *   run, or a saved description that cannot be resumed.
 */
export function resolveRun(flags: RunFlags, options: ResolveRunOptions): RunDescription {
  const { defaults, backend, previous } = options;
  const engineFlag = flags.engines?.list[0];
  const oneDnn = flags.oneDnn === "on" || flags.oneDnn === "off" ? flags.oneDnn : undefined;
  if (!previous) {
    return describeRun({
      models: flags.models ?? [...defaults.models],
      epochs: flags.epochs ?? defaults.epochs,
      backend,
      allowFallback: options.allowFallback ?? false,
      engine: engineFlag?.name,
      data: flags.dataDir === undefined
        ? { fixtures: flags.fixtures }
        : { fixtures: flags.fixtures, dataDir: flags.dataDir },
      trainSize: flags.trainSize,
      validationSize: flags.validationSize,
      testSize: flags.testSize,
      batchSize: flags.batchSize,
      seed: flags.seed,
      inferenceBatchSize: flags.inferenceBatchSize,
      moreInferenceBatchSizes: flags.moreInferenceBatchSizes,
      inferenceRuns: flags.inferenceRuns,
      targetAccuracies: flags.targetAccuracies,
      oneDnn,
      machine: flags.machine,
    });
  }
  const pairs: [string, unknown, unknown][] = [
    ["--models", flags.models?.join(","), previous.models.join(",")],
    ["--epochs", flags.epochs, previous.epochs],
    ["--batch-size", flags.batchSize, previous.batchSize],
    ["--train-size", flags.trainSize, previous.trainSize],
    ["--validation-size", flags.validationSize, previous.validationSize],
    ["--test-size", flags.testSize, previous.testSize],
    [
      "--inference-batch",
      flags.inferenceBatchSize === undefined
        ? undefined
        : [flags.inferenceBatchSize, ...(flags.moreInferenceBatchSizes ?? [])].join(","),
      [previous.inferenceBatchSize, ...(previous.moreInferenceBatchSizes ?? [])].join(","),
    ],
    ["--inference-runs", flags.inferenceRuns, previous.inferenceRuns],
    [
      "--target-accuracy",
      flags.targetAccuracies?.join(","),
      targetAccuraciesFor(previous).join(","),
    ],
    ["--seed", flags.seed, previous.seed],
    ["--backend", backend, previous.backend],
    ["--engine", engineFlag?.name, previous.engine],
  ];
  for (const [flag, value, was] of pairs) {
    if (value !== undefined && value !== was) {
      throw new UsageError(
        `--resume: ${flag} ${value} differs from the run being resumed (${was}); drop the flag`,
      );
    }
  }
  const conflict = dataFlagConflict(previous.data, {
    fixtures: flags.fixtures,
    dataDir: flags.dataDir,
  });
  if (conflict) throw new UsageError(conflict);
  return {
    ...previous,
    allowFallback: previous.allowFallback || (options.allowFallback ?? false),
    ...(oneDnn ? { oneDnn } : {}),
    ...(flags.machine ? { machine: flags.machine } : {}),
  };
}

/** The help lines of the engine flags, for one engine (`train-all`) or a list. */
export function engineHelp(arity: EngineArity, defaults: readonly string[]): string {
  const list = arity === "list";
  const engines = ENGINES.map((e) =>
    wrap(`${e.name}: ${e.description}; runs on ${e.backends.join(", ")}`, 24, 92).join("\n")
  ).join("\n");
  const head = list
    ? `  --engines LIST        comma-separated (default ${
      defaults.join(",")
    }; --engine LIST is the same):`
    : `  --engine NAME         how models are trained and inference is timed (default ${
      defaults[0]
    }):`;
  return [head, engines].join("\n");
}

/** The `--onednn` help lines; `scope` says what the setting applies to. */
export function oneDnnHelp(scope: string): string {
  return `  --onednn MODE         on or off pins TensorFlow's oneDNN kernels for ${scope};
                        default leaves them to this CPU's default (the option
                        sets ${ONEDNN_VARIABLE}; without it, the variable as set)`;
}

function percentList(fractions: readonly number[]): string {
  return fractions.map((f) => String(Math.round(f * 1000) / 10)).join(",");
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
  --validation-size N   images held out of the training set (default ${RUN_DEFAULTS.validationSize}; ${RUN_DEFAULTS.fixtureValidationSize} with --fixtures)
  --test-size N         test images, a stratified subset (default: all)
  --inference-batch N[,N…]
                        batch size of the inference throughput measurement (default
                        ${RUN_DEFAULTS.inferenceBatchSize}; never more than the test split); sizes after the
                        first are measured beside it, e.g. 1024,128
  --inference-runs N    timed batch-1 inference calls, after ${RUN_DEFAULTS.inferenceWarmup} warm-up calls; at least ${MIN_INFERENCE_RUNS}
                        (default ${RUN_DEFAULTS.inferenceRuns})
  --target-accuracy LIST
                        validation accuracies whose time to reach is recorded, in % or as
                        fractions (default ${percentList(RUN_DEFAULTS.targetAccuracies)}; ${
    percentList(RUN_DEFAULTS.fixtureTargetAccuracies)
  } with --fixtures)
  --seed N              seed for weights, dropout, shuffling and splits (default ${RUN_DEFAULTS.seed});
                        0 to ${MAX_SEED}
  --machine NAME        name recorded for this machine, to merge results (default: hostname)
  --data-dir DIR        read Fashion-MNIST from this folder first
  --fixtures            use the reduced split in fixtures/ (2,000 train / 500 test): a quick check`;
}
