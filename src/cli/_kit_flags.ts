/**
 * The GPU kit's flags (`run.sh`'s), checked before anything runs, `--help`
 * included.
 *
 * @module
 */
import { MODEL_NAMES } from "../models/spec.ts";
import { KERAS_BACKENDS } from "../peer/keras.ts";
import { parseBudget } from "../kit/budget.ts";
import { DRY_RUN_SIZES, KIT_DEFAULT_BUDGET, KIT_EPOCHS } from "../kit/kit_plan.ts";
import type { KitOptions } from "../kit/place.ts";
import { parseFlags, parsePositiveInt, UsageError } from "./_cli.ts";
import { asUsageError } from "../train/run_values.ts";
import { parseModelList } from "./_run_options.ts";

const KIT_FLAGS = {
  budget: { type: "string" },
  plan: { type: "boolean", default: false },
  machine: { type: "string" },
  "keras-backend": { type: "string" },
  python: { type: "string" },
  models: { type: "string" },
  epochs: { type: "string" },
  only: { type: "string" },
  "dry-run": { type: "boolean", default: false },
  backend: { type: "string" },
  out: { type: "string" },
  "data-dir": { type: "string" },
  help: { type: "boolean", short: "h", default: false },
} as const;

/** The kit's flags, checked. */
export interface KitFlags extends KitOptions {
  planOnly: boolean;
  help: boolean;
}

/** Checks every flag (before `--help` is answered). */
export function parseKitFlags(args: string[]): KitFlags {
  // On the GPU machine the command is ./run.sh.
  const { values } = parseFlags("gpu-kit", { args, options: KIT_FLAGS }, "./run.sh --help");
  const dryRun = values["dry-run"] ?? false;
  const kerasBackend = values["keras-backend"] ?? "auto";
  const allowed = dryRun ? ["auto", ...KERAS_BACKENDS] : ["auto", "jax", "torch"];
  if (!allowed.includes(kerasBackend)) {
    throw new UsageError(
      `--keras-backend: expected one of ${allowed.join(", ")}, got ${JSON.stringify(kerasBackend)}`,
    );
  }
  const backend = values.backend ?? "webgpu";
  if (backend !== "webgpu" && !(backend === "cpu" && dryRun)) {
    throw new UsageError(
      `--backend: expected webgpu${dryRun ? " or cpu" : " (cpu only with --dry-run)"}, got ${
        JSON.stringify(backend)
      }`,
    );
  }
  const only = values.only;
  if (only !== undefined && only !== "tfjs" && only !== "keras") {
    throw new UsageError(`--only: expected tfjs or keras, got ${JSON.stringify(only)}`);
  }
  if (values.machine !== undefined && values.machine.trim() === "") {
    throw new UsageError(`--machine: expected a name, got ""`);
  }
  const budgetSeconds = asUsageError(() => parseBudget(values.budget ?? KIT_DEFAULT_BUDGET));
  const epochs = values.epochs === undefined
    ? (dryRun ? DRY_RUN_SIZES.epochs : KIT_EPOCHS)
    : parsePositiveInt("--epochs", values.epochs);
  if (!dryRun && epochs < 2) {
    throw new UsageError(
      `--epochs: expected at least 2 (the first is left out of the median), got ${epochs}`,
    );
  }
  return {
    machine: values.machine?.trim(),
    kerasBackend: kerasBackend as KitFlags["kerasBackend"],
    python: values.python ?? "python3",
    models: values.models === undefined
      ? [...MODEL_NAMES]
      : parseModelList("--models", values.models),
    epochs,
    only,
    dryRun,
    backend,
    out: values.out,
    dataDir: values["data-dir"],
    budgetSeconds,
    planOnly: values.plan ?? false,
    help: values.help ?? false,
  };
}
