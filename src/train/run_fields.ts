/**
 * The fields of a run description, each described once: its flag, its help
 * text, the check of what a user typed, what it sets in the description, the
 * flag arguments that repeat it for a child process, whether `--resume` may
 * change it, and its part of `run.json`'s JSON Schema. The flag parser, the
 * `--help` lines, the run file's schema, the resume conflict check and the
 * launcher's argument list are all made from {@link RUN_FIELDS}: a new field
 * of a run is one entry here.
 *
 * @module
 */
import { parsePositiveInt, UsageError } from "../_util/usage_error.ts";
import {
  asUsageError,
  parseEngineName,
  parseModelList,
  parseOneDnnChoice,
  parseSeed,
  parseTargetAccuracies,
} from "./run_values.ts";
import { ONEDNN_VARIABLE } from "../backends/onednn.ts";
import { BACKEND_NAMES, getBackendSpec } from "../backends/registry.ts";
import { ENGINE_NAMES, ENGINES } from "../engines/registry.ts";
import { MODEL_NAMES } from "../models/spec.ts";
import {
  MAX_SEED,
  MIN_INFERENCE_RUNS,
  RUN_DEFAULTS,
  type RunDescription,
  targetAccuraciesFor,
} from "./run_description.ts";

/** What a task's help says its defaults are. */
export interface TaskDefaults {
  /** Models run when `--models` is not given. */
  models: readonly string[];
  /** Epochs per model when `--epochs` is not given. */
  epochs: number;
}

/** What a field's help text may depend on: the task's defaults and wording. */
export interface HelpContext {
  /** The task's defaults. */
  defaults: TaskDefaults;
  /** What `--onednn` applies to, in words: `this run`, `every run`, `both sides`. */
  oneDnnScope: string;
}

/** The fields a flag sets, as typed: the parts of a description it overrides. */
export type RunFieldValues = Partial<RunDescription>;

/** Which tasks take a field: every task that runs models, or only those that run one backend. */
export type FieldScope = "every" | "single";

/** One field of a run description, with everything said about it; see the module doc. */
export interface RunField {
  /** The flag, without dashes: `batch-size`. */
  flag: string;
  /** `string` flags take a value, `boolean` ones none. */
  type: "string" | "boolean";
  /** The value's name in `--help`: `N`, `LIST`. */
  arg?: string;
  /** Every task that runs models, or only those that run one backend (train-all). */
  scope: FieldScope;
  /** The help text, after the flag column; lines after the first are indented by the renderer. */
  help(ctx: HelpContext): string;
  /**
   * Checks what was typed.
   *
   * @throws {UsageError} `--flag: expected …, got …`.
   */
  parse(value: string): RunFieldValues;
  /** The flag's arguments that repeat `run`'s value; none where the run leaves it to its default. */
  args(run: RunDescription): string[];
  /**
   * On `--resume`: `fixed` refuses a value other than the saved one; `free`
   * lets the flag change the resumed run (where it runs, not what it measures).
   */
  resume: "fixed" | "free";
  /** The value in words, as a resume conflict names it; default: the flag's arguments' value. */
  shown?(run: RunFieldValues): string | undefined;
  /** Its keys' part of `run.json`'s JSON Schema. */
  schema: Record<string, unknown>;
}

const count = { type: "integer", minimum: 0 } as const;
const positive = { type: "integer", minimum: 1 } as const;
const text = { type: "string" } as const;

/** A positive whole number that `key` takes, with the flag spelled out when the run has one. */
function sizeField(
  flag: string,
  key: "epochs" | "batchSize" | "trainSize" | "validationSize" | "testSize",
  help: RunField["help"],
  schema: Record<string, unknown> = positive,
): RunField {
  return field({
    flag,
    arg: "N",
    help,
    parse: (v) => ({ [key]: parsePositiveInt(`--${flag}`, v) }),
    args: (run) => run[key] === undefined ? [] : [`--${flag}`, String(run[key])],
    schema: { [key]: schema },
  });
}

/** A field as most are: it takes a value, every task has it, and `--resume` keeps it fixed. */
function field(f: Omit<RunField, "type" | "scope" | "resume"> & Partial<RunField>): RunField {
  return { type: "string", scope: "every", resume: "fixed", ...f };
}

/**
 * Every field a user can set, in the order of `--help` and of a child's
 * arguments. `--out`, `--resume` and the task's own flags are not fields of
 * the run: they say where it is written, not what it measures.
 */
export const RUN_FIELDS: readonly RunField[] = Object.freeze([
  field({
    flag: "data-dir",
    arg: "DIR",
    help: () => "read Fashion-MNIST from this folder first",
    parse: (v) => ({ data: { fixtures: false, dataDir: v } }),
    args: (run) => run.data.dataDir !== undefined ? ["--data-dir", run.data.dataDir] : [],
    schema: {
      data: {
        type: "object",
        properties: { fixtures: { type: "boolean" }, dataDir: text },
        required: ["fixtures"],
        additionalProperties: false,
      },
    },
  }),
  field({
    flag: "fixtures",
    type: "boolean",
    help: () => "use the reduced split in fixtures/ (2,000 train / 500 test): a quick check",
    parse: () => ({ data: { fixtures: true } }),
    args: (run) => run.data.fixtures ? ["--fixtures"] : [],
    schema: {},
  }),
  field({
    flag: "models",
    arg: "LIST",
    help: ({ defaults }) =>
      `comma-separated, from ${MODEL_NAMES.join(", ")}, or all (default ${
        defaults.models.length === MODEL_NAMES.length ? "all" : defaults.models.join(",")
      })`,
    parse: (v) => ({ models: parseModelList("--models", v) }),
    args: (run) => ["--models", run.models.join(",")],
    shown: (run) => run.models?.join(","),
    schema: { models: { type: "array", items: text, minItems: 1 } },
  }),
  sizeField(
    "epochs",
    "epochs",
    ({ defaults }) =>
      `epochs per model; the first is left out of the median (default ${defaults.epochs})`,
  ),
  sizeField("batch-size", "batchSize", () => `(default ${RUN_DEFAULTS.batchSize})`),
  sizeField(
    "train-size",
    "trainSize",
    () => "training images, a stratified subset (default: all left after validation)",
  ),
  sizeField(
    "validation-size",
    "validationSize",
    () =>
      `images held out of the training set (default ${RUN_DEFAULTS.validationSize}; ${RUN_DEFAULTS.fixtureValidationSize} with --fixtures)`,
    count,
  ),
  sizeField("test-size", "testSize", () => "test images, a stratified subset (default: all)"),
  field({
    flag: "inference-batch",
    arg: "N[,N…]",
    help: () =>
      `batch size of the inference throughput measurement (default
${RUN_DEFAULTS.inferenceBatchSize}; never more than the test split); sizes after the
first are measured beside it, e.g. 1024,128`,
    parse: (v) => {
      const [first, ...more] = v.split(",").map((s) =>
        parsePositiveInt("--inference-batch", s.trim())
      );
      return {
        inferenceBatchSize: first,
        ...(more.length ? { moreInferenceBatchSizes: more } : {}),
      };
    },
    args: (run) => ["--inference-batch", inferenceBatches(run)!],
    shown: inferenceBatches,
    schema: {
      inferenceBatchSize: positive,
      moreInferenceBatchSizes: { type: "array", items: positive },
    },
  }),
  field({
    flag: "inference-runs",
    arg: "N",
    help: () =>
      `timed batch-1 inference calls, after ${RUN_DEFAULTS.inferenceWarmup} warm-up calls; at least ${MIN_INFERENCE_RUNS}
(default ${RUN_DEFAULTS.inferenceRuns})`,
    parse: (v) => {
      const runs = parsePositiveInt("--inference-runs", v);
      if (runs < MIN_INFERENCE_RUNS) {
        throw new UsageError(
          `--inference-runs: expected at least ${MIN_INFERENCE_RUNS} (a p95 needs them), got ${runs}`,
        );
      }
      return { inferenceRuns: runs };
    },
    args: (run) => ["--inference-runs", String(run.inferenceRuns)],
    schema: { inferenceRuns: positive },
  }),
  field({
    flag: "warmup-calls",
    arg: "N",
    help: () =>
      `untimed batch-1 inference calls before the timed ones (default ${RUN_DEFAULTS.inferenceWarmup})`,
    parse: (v) => ({ inferenceWarmup: parsePositiveInt("--warmup-calls", v) }),
    args: (run) =>
      run.inferenceWarmup === undefined ? [] : ["--warmup-calls", String(run.inferenceWarmup)],
    schema: { inferenceWarmup: positive },
  }),
  field({
    flag: "target-accuracy",
    arg: "LIST",
    help: () =>
      `validation accuracies whose time to reach is recorded, in % or as
fractions (default ${percentList(RUN_DEFAULTS.targetAccuracies)}; ${
        percentList(RUN_DEFAULTS.fixtureTargetAccuracies)
      } with --fixtures)`,
    parse: (v) => ({ targetAccuracies: parseTargetAccuracies(v) }),
    args: (run) =>
      run.targetAccuracies ? ["--target-accuracy", run.targetAccuracies.join(",")] : [],
    shown: (run) =>
      run.targetAccuracies === undefined && run.data === undefined
        ? undefined
        : targetAccuraciesFor({ data: run.data ?? { fixtures: false }, ...run }).join(","),
    schema: {
      targetAccuracies: {
        type: "array",
        items: { type: "number", exclusiveMinimum: 0, maximum: 1 },
        minItems: 1,
      },
    },
  }),
  field({
    flag: "seed",
    arg: "N",
    help: () =>
      `seed for weights, dropout, shuffling and splits (default ${RUN_DEFAULTS.seed});
0 to ${MAX_SEED}`,
    parse: (v) => ({ seed: parseSeed(v) }),
    args: (run) => ["--seed", String(run.seed)],
    schema: { seed: count },
  }),
  field({
    flag: "machine",
    arg: "NAME",
    help: () => "name recorded for this machine, to merge results (default: hostname)",
    parse: (v) => {
      if (v.trim() === "") throw new UsageError(`--machine: expected a name, got ""`);
      return { machine: v.trim() };
    },
    args: (run) => run.machine ? ["--machine", run.machine] : [],
    resume: "free",
    schema: { machine: text },
  }),
  field({
    flag: "backend",
    arg: "NAME",
    scope: "single",
    help: () =>
      `one of ${BACKEND_NAMES.join(", ")}
(default: the best available that really runs on its device)`,
    parse: (v) => ({ backend: asUsageError(() => getBackendSpec(v).name, "--backend: ") }),
    args: (run) => run.backend ? ["--backend", run.backend] : [],
    schema: { backend: text },
  }),
  field({
    flag: "allow-fallback",
    type: "boolean",
    scope: "single",
    help: () =>
      `accept a GPU backend that runs on the CPU here (tfjs-node-gpu
without a GPU, WebGPU on a software adapter); the results say so`,
    parse: () => ({ allowFallback: true }),
    args: (run) => run.allowFallback ? ["--allow-fallback"] : [],
    resume: "free",
    schema: { allowFallback: { type: "boolean" } },
  }),
  field({
    flag: "engine",
    arg: "NAME",
    scope: "single",
    help: () =>
      `how models are trained and inference is timed (default ${RUN_DEFAULTS.engine}):\n` +
      ENGINES.map((e) => `${e.name}: ${e.description}; runs on ${e.backends.join(", ")}`)
        .join("\n"),
    parse: (v) => ({ engine: parseEngineName("--engine", v) }),
    args: (run) => ["--engine", run.engine],
    schema: { engine: { enum: ENGINE_NAMES } },
  }),
  field({
    flag: "onednn",
    arg: "MODE",
    help: ({ oneDnnScope }) =>
      `on or off pins TensorFlow's oneDNN kernels for ${oneDnnScope};
default leaves them to this CPU's default (the option
sets ${ONEDNN_VARIABLE}; without it, the variable as set)`,
    parse: (v) => {
      const choice = parseOneDnnChoice(v);
      return choice === "default" ? {} : { oneDnn: choice };
    },
    args: (run) => run.oneDnn ? ["--onednn", run.oneDnn] : [],
    resume: "free",
    schema: { oneDnn: { enum: ["on", "off"] } },
  }),
  field({
    flag: "profile",
    type: "boolean",
    help: () =>
      `after each model's timed runs, profile its ops: a training step,
a batch-1 and a batched call, each repeated 5 times (seconds a
model); recorded apart, never in the timed medians`,
    parse: () => ({ profile: true }),
    args: (run) => run.profile ? ["--profile"] : [],
    shown: (run) => run.profile ? "on" : "off",
    schema: { profile: { type: "boolean" } },
  }),
]);

/** The fields a task takes: every field, or those of tasks that run several backends. */
export function fieldsFor(scope: FieldScope): RunField[] {
  return RUN_FIELDS.filter((f) => scope === "single" || f.scope === "every");
}

function inferenceBatches(run: RunFieldValues): string | undefined {
  if (run.inferenceBatchSize === undefined) return undefined;
  return [run.inferenceBatchSize, ...(run.moreInferenceBatchSizes ?? [])].join(",");
}

/** A field's value in words, for a resume conflict. */
export function shownValue(field: RunField, run: RunFieldValues): string | undefined {
  if (field.shown) return field.shown(run);
  const key = Object.keys(field.schema)[0] as keyof RunDescription | undefined;
  const value = key === undefined ? undefined : run[key];
  return value === undefined ? undefined : String(value);
}

function percentList(fractions: readonly number[]): string {
  return fractions.map((f) => String(Math.round(f * 1000) / 10)).join(",");
}
