/**
 * The GPU kit's program (`run.sh` starts it from the kit's bundle): on a
 * machine with a GPU and no network, measures each model on the GPU and on
 * the same machine's CPU, within one framework, one side after the other on
 * the same data, seed, batch size and epochs (`src/kit/kit_plan.ts`):
 * stock TF.js on `webgpu` and on `wasm` (inference only: it has no
 * `Conv2DBackpropFilter`), each through `train-all` in a child process of
 * the same bundle, then Keras 3 on JAX (else PyTorch) on the GPU and on the
 * CPU, through the Keras peer's script. Every side writes `results.json` in
 * the common schema, per model, so what was measured is kept whenever the
 * run stops.
 *
 * A real run is planned to a budget (`--budget`, default 8 minutes): model1
 * first on as much of the kit's data as fits, each later model planned again
 * from what the sides measured on the one before, a model that no longer fits
 * left out with its reason; the plan is printed before anything runs and
 * written with what happened to `plan.json`. `--plan` prints it and stops.
 *
 * With `--dry-run` it runs the same steps with tiny sizes on whatever is
 * there (a software WebGPU adapter or pure JS, `wasm`, Keras on a CPU);
 * without it, a machine without a hardware WebGPU adapter or a GPU for Keras
 * is refused with one line before anything trains.
 *
 * Run from the repository (`deno run -A src/cli/gpu_kit_run.ts`) it does the
 * same with the repository's files, for development and tests.
 *
 * @module
 */
import { hostname } from "node:os";
import { dirname, join, resolve } from "node:path";
import { exists, writeJsonAtomic } from "../_util/fs.ts";
import { median } from "../_util/stats.ts";
import { MODEL_NAMES } from "../models/spec.ts";
import { KERAS_BACKENDS, KERAS_PINS, type KerasBackend } from "../peer/keras.ts";
import { describeKerasDevice, kerasBackendName } from "../peer/keras_results.ts";
import { runKerasSide } from "../peer/keras_side.ts";
import { collectEnvironment } from "../measure/environment.ts";
import type { ResultsFile } from "../results/schema.ts";
import { validateResults } from "../results/schema.ts";
import { readResults } from "../train/experiment.ts";
import { describeRun, RUN_DEFAULTS, type RunDescription } from "../train/run_description.ts";
import {
  type BudgetPlan,
  describePlan,
  type MeasuredRate,
  parseBudget,
  planBudget,
  type SideRate,
  updateRates,
} from "../kit/budget.ts";
import { findKeras, type KerasPython } from "../kit/keras_python.ts";
import { KIT_DATA_SPEC, KIT_DATA_UNPACKED } from "../kit/kit_data.ts";
import {
  expectedRates,
  KIT_DEFAULT_BUDGET,
  KIT_MIN_TRAIN_SIZE,
  KIT_SIDE_KINDS,
  type KitSideKind,
} from "../kit/kit_plan.ts";
import { type KitManifest, readKitManifest } from "../kit/manifest.ts";
import { adapterName, requestAdapterFacts } from "../backends/webgpu.ts";
import {
  parseFlags,
  parsePositiveInt,
  runCli,
  runDataOptions,
  timestampedOutDir,
  UsageError,
} from "./_cli.ts";
import { runTrainAllChild, trainAllArgs } from "../train/launcher.ts";
import { loadRunData } from "../train/run_data.ts";
import { parseModelList } from "./_run_options.ts";
import { trainAllMain } from "./train_all.ts";

/** Sizes of a dry run: a handful of images, one epoch. */
export const DRY_RUN_SIZES = Object.freeze({
  epochs: 1,
  trainSize: 4,
  validationSize: 10,
  testSize: 8,
  inferenceBatchSize: 8,
  moreInferenceBatchSizes: Object.freeze([4]),
  inferenceRuns: 50,
});

/**
 * Batch sizes of a real run's inference throughput: 1,024, and 128 beside it
 * (a GPU is underused at a small batch); the same on every side.
 */
export const KIT_INFERENCE_BATCHES = Object.freeze({
  inferenceBatchSize: 1024,
  moreInferenceBatchSizes: Object.freeze([128]),
});

/** Epochs of a real run: the first is left out of the median, as everywhere in the suite. */
export const KIT_EPOCHS = 3;

/** Training images of the kit's data left after the validation split. */
const KIT_TRAIN_IMAGES = KIT_DATA_SPEC.trainPerClass * 10 - RUN_DEFAULTS.validationSize;

const HELP = `Usage: ./run.sh [options]

Measures each model on this machine's GPU and on its CPU, without network,
one framework at a time: stock TF.js on webgpu, then on wasm (TF.js's
WebAssembly CPU backend, which cannot train: its inference is timed), then
Keras ${
  KERAS_PINS.keras.split("==")[1]
} on JAX (else PyTorch) on the GPU, then on the CPU. Every side
uses the kit's data (a stratified subset of Fashion-MNIST: 30,000 training
images, of which 5,000 are held out for validation, and the 10,000 test
images), ${KIT_EPOCHS} epochs, batch size ${RUN_DEFAULTS.batchSize}, seed ${RUN_DEFAULTS.seed}. The training size
of each model is planned to fit --budget, model1 first, and the plan is
printed before anything runs. Writes results.json files in the suite's schema
for \`deno task merge\`.

Options:
  --budget TIME         the whole run's time, e.g. 480s, 8m, 1h (default ${KIT_DEFAULT_BUDGET})
  --plan                print the plan for the budget and stop
  --machine NAME        name recorded for this machine (default: the hostname)
  --keras-backend NAME  auto, jax or torch (default auto: JAX, else PyTorch,
                        whichever imports and sees a GPU); tensorflow with --dry-run
  --python CMD          the Python 3.12 that runs Keras (default python3)
  --models LIST         comma-separated, or all (default all)
  --epochs N            (default ${KIT_EPOCHS}, at least 2; 1 with --dry-run)
  --only PART           tfjs or keras: run one framework's pair only
  --dry-run             tiny sizes (${DRY_RUN_SIZES.trainSize} training images, 1 epoch) on whatever
                        is here: a software WebGPU adapter, Keras on a CPU
  --backend NAME        webgpu (default), or cpu (pure JS) with --dry-run
  --out DIR             (default results/<machine>-<timestamp> in the kit)
  --data-dir DIR        the data (default: the kit's work/data; from the
                        repository, the fixture split)
  -h, --help            show this help
`;

/**
 * Runs the kit's command line: `train-all ARGS` (the bundle's own train-all,
 * for its child process) or the kit's run.
 *
 * @param self The program's own path: the kit's bundle, or this file in the repository.
 */
export async function runKitCli(self: string): Promise<never> {
  return await runCli(() =>
    Deno.args[0] === "train-all" ? trainAllMain(Deno.args.slice(1)) : kitRun(self, Deno.args)
  );
}

interface KitFlags {
  machine?: string;
  kerasBackend: "auto" | KerasBackend;
  python: string;
  models: string[];
  epochs: number;
  only?: "tfjs" | "keras";
  dryRun: boolean;
  backend: "webgpu" | "cpu";
  out?: string;
  dataDir?: string;
  budgetSeconds: number;
  planOnly: boolean;
}

/** `parseFlags` with the kit's own hint: on the GPU machine the command is `./run.sh`. */
function parseRunShFlags(args: string[]) {
  try {
    return parseFlags("gpu-kit", {
      args,
      options: {
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
      },
    });
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    throw new UsageError(err.message.replace("`deno task gpu-kit --help`", "`./run.sh --help`"));
  }
}

/** Checks every flag (before `--help` is answered); `undefined` for `--help`. */
function parseKitFlags(args: string[]): KitFlags | undefined {
  const { values } = parseRunShFlags(args);
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
  let budgetSeconds: number;
  try {
    budgetSeconds = parseBudget(values.budget ?? KIT_DEFAULT_BUDGET);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const epochs = values.epochs === undefined
    ? (dryRun ? DRY_RUN_SIZES.epochs : KIT_EPOCHS)
    : parsePositiveInt("--epochs", values.epochs);
  if (!dryRun && epochs < 2) {
    throw new UsageError(
      `--epochs: expected at least 2 (the first is left out of the median), got ${epochs}`,
    );
  }
  const flags: KitFlags = {
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
  };
  return values.help ? undefined : flags;
}

/** Where the kit runs from and writes to. */
interface KitPlace {
  /** The program's own path. */
  self: string;
  /** Run from the kit's bundle (else from the repository). */
  bundled: boolean;
  /** The kit's root, or the repository's. */
  root: string;
  /** The kit's manifest, in a built kit. */
  manifest?: KitManifest;
  /** The results folder. */
  outDir: string;
}

/** One side of a framework's pair, as it runs here. */
interface Side {
  /** The backend name its results are recorded under (`webgpu`, `wasm`, `keras-jax`, `keras-jax-cpu`). */
  name: string;
  kind: KitSideKind;
  /** What the plan calls it. */
  label: string;
  /** Runs one model into `dir`; returns its results. */
  run(run: RunDescription, dir: string, signal: AbortSignal): Promise<ResultsFile>;
}

const log = (line: string) => console.error(`gpu-kit: ${line}`);

const LABELS: Record<KitSideKind, string> = {
  "tfjs-gpu": "TF.js webgpu",
  "tfjs-cpu": "TF.js wasm (CPU)",
  "keras-gpu": "Keras GPU",
  "keras-cpu": "Keras CPU",
};

async function kitRun(self: string, args: string[]): Promise<number> {
  const flags = parseKitFlags(args);
  if (!flags) {
    console.log(HELP);
    return 0;
  }
  const kinds = KIT_SIDE_KINDS.filter((k) => !flags.only || k.startsWith(flags.only));
  if (flags.planOnly) {
    const rates = expectedRates(kinds.map((kind) => ({ name: LABELS[kind], kind })));
    const plan = planFor(flags, flags.models, rates, flags.budgetSeconds);
    for (const line of describePlan(plan, flags.budgetSeconds)) console.log(line);
    return 0;
  }
  const started = performance.now();
  const place = await kitPlace(self, flags);
  const { webgpu, keras } = await checkParts(flags, place);
  const sides = kinds.flatMap((kind) => sideOf(kind, flags, place, webgpu, keras) ?? []);
  const base = kitRunDescription(flags, place, webgpu?.fallback ?? false);
  const deadline = started + flags.budgetSeconds * 1000;
  // The most a model can train on: the data after the real run's validation split (25,000 in the kit).
  const maxTrainSize = (await loadRunData(
    { ...base, trainSize: undefined, validationSize: undefined },
    runDataOptions(),
  )).train.count;
  const record: PlanRecord = {
    budgetSeconds: flags.budgetSeconds,
    dryRun: flags.dryRun,
    sides: sides.map((s) => ({ name: s.name, kind: s.kind })),
    plans: [],
    runs: [],
    leftOut: [],
  };
  let rates = expectedRates(sides.map((s) => ({ name: s.label, kind: s.kind })));
  const measured: MeasuredRate[] = [];
  const written: string[] = [];
  // A side that fails does not cost the others their runs: all are tried, failures reported at the end.
  const failures: string[] = [];
  // Ctrl-C stops the side in flight after its epoch (train-all) or its model (Keras), keeps what
  // was measured, and starts nothing more.
  const stop = new AbortController();
  const onSigint = () => {
    if (stop.signal.aborted) Deno.exit(130);
    log("stopping: the side in flight ends after its epoch; Ctrl-C again to quit now");
    stop.abort(new Error("stopped by Ctrl-C"));
  };
  Deno.addSignalListener("SIGINT", onSigint);
  try {
    await runModels(flags);
  } finally {
    Deno.removeSignalListener("SIGINT", onSigint);
  }
  if (stop.signal.aborted) record.stopped = "stopped by Ctrl-C before the plan was done";
  await writeJsonAtomic(join(place.outDir, "plan.json"), record);
  log(`done in ${secondsSince(started)} of a budget of ${flags.budgetSeconds} s`);
  if (written.length > 0) {
    console.log(`\ngpu-kit: results:\n${written.map((w) => `  ${w}`).join("\n")}`);
    console.log(
      `gpu-kit: bring ${place.outDir} back (e.g. into results/) and merge it with the CPU results:\n` +
        `  deno task merge ${place.outDir} <CPU results.json or folder> --out results/merged`,
    );
  }
  if (stop.signal.aborted) {
    console.error("gpu-kit: stopped by Ctrl-C; what was measured is kept above");
    return 130;
  }
  if (failures.length > 0) throw new Error(failures.join("; "));
  if (written.length === 0) throw new Error("nothing was measured: see the lines above");
  return 0;

  async function runModels(flags: KitFlags): Promise<void> {
    for (const [i, model] of flags.models.entries()) {
      if (stop.signal.aborted) return;
      // The plan is made in a dry run too, as the real run would make it; the dry run then
      // trains its few images whatever the plan says.
      rates = updateRates(rates, measured);
      const left = (deadline - performance.now()) / 1000;
      const plan = planFor(flags, flags.models.slice(i), rates, left, maxTrainSize);
      record.plans.push({ beforeModel: model, secondsLeft: left, plan });
      log(
        `${i === 0 ? `plan for a budget of ${flags.budgetSeconds} s` : "plan for what is left"}${
          flags.dryRun ? ` (a dry run trains ${DRY_RUN_SIZES.trainSize} images instead)` : ""
        }:`,
      );
      for (const line of describePlan(plan, left)) log(`  ${line}`);
      let trainSize: number | undefined;
      if (!flags.dryRun) {
        trainSize = plan.runs.find((r) => r.model === model)?.trainSize;
        if (trainSize === undefined) {
          const reason = plan.leftOut.find((l) => l.startsWith(`${model}:`)) ??
            `${model}: no time left`;
          record.leftOut.push(reason);
          log(`left out: ${reason}`);
          continue;
        }
      }
      const run = { ...base, models: [model], ...(trainSize ? { trainSize } : {}) };
      for (const side of sides) {
        if (stop.signal.aborted) return;
        const left = deadline - performance.now();
        if (!flags.dryRun && left <= 0) {
          const reason = `${model} on ${side.label}: the budget was spent before it started`;
          record.leftOut.push(reason);
          log(`left out: ${reason}`);
          continue;
        }
        const dir = join(place.outDir, side.name, model);
        log(`${model} on ${side.label} (${side.name})`);
        const t0 = performance.now();
        // Past the deadline, with a minute's grace, the side stops after its epoch in flight.
        const signal = AbortSignal.any([
          stop.signal,
          AbortSignal.timeout(flags.dryRun ? 3_600_000 : left + 60_000),
        ]);
        try {
          const results = await side.run(run, dir, signal);
          written.push(join(dir, "results.json"));
          const seconds = (performance.now() - t0) / 1000;
          const rate = measuredRate(side.label, model, results, seconds);
          if (rate) measured.push(rate);
          record.runs.push({ model, side: side.name, seconds, status: results.status });
        } catch (err) {
          failures.push((err as Error).message);
          record.runs.push({
            model,
            side: side.name,
            seconds: (performance.now() - t0) / 1000,
            status: "failed",
            error: (err as Error).message,
          });
          if (await exists(join(dir, "results.json"))) written.push(join(dir, "results.json"));
        }
        log(`${model} on ${side.label} took ${secondsSince(t0)}`);
        await writeJsonAtomic(join(place.outDir, "plan.json"), record);
      }
    }
  }
}

/** What `plan.json` records: the budget, each plan made, and what each side took. */
interface PlanRecord {
  budgetSeconds: number;
  dryRun: boolean;
  sides: { name: string; kind: KitSideKind }[];
  plans: { beforeModel: string; secondsLeft: number; plan: BudgetPlan }[];
  runs: { model: string; side: string; seconds: number; status: string; error?: string }[];
  leftOut: string[];
  /** Set when Ctrl-C stopped the run before its plan was done. */
  stopped?: string;
}

function planFor(
  flags: KitFlags,
  models: readonly string[],
  rates: readonly SideRate[],
  seconds: number,
  maxTrainSize = KIT_TRAIN_IMAGES,
): BudgetPlan {
  if (seconds <= 0) {
    return { runs: [], seconds: 0, leftOut: models.map((m) => `${m}: no time left in the budget`) };
  }
  return planBudget({
    budgetSeconds: seconds,
    models,
    sides: rates,
    // A dry run's plan is the real run's: its epochs, not the dry run's one.
    epochs: flags.dryRun ? KIT_EPOCHS : flags.epochs,
    maxTrainSize,
    minTrainSize: Math.min(KIT_MIN_TRAIN_SIZE, maxTrainSize),
  });
}

/**
 * A side's measured rate for the planner: training images/s over its steady
 * epochs, and everything else it took as overhead.
 */
function measuredRate(
  side: string,
  model: string,
  results: ResultsFile,
  seconds: number,
): MeasuredRate | undefined {
  const run = results.runs.find((r) => r.model === model);
  if (!run) return undefined;
  const epochs = run.epochs.map((e) => e.trainSeconds);
  if (epochs.length === 0) return { side, model, overheadSeconds: seconds };
  const steady = median(epochs.length > 1 ? epochs.slice(1) : epochs);
  const imagesPerSecond = results.config.trainSize / steady;
  return {
    side,
    model,
    imagesPerSecond,
    overheadSeconds: Math.max(0, seconds - epochs.length * steady),
  };
}

const secondsSince = (since: number) => `${((performance.now() - since) / 1000).toFixed(0)} s`;

async function kitPlace(self: string, flags: KitFlags): Promise<KitPlace> {
  const bundled = self.endsWith(".js");
  // The kit's root holds app/src/cli/<bundle>; the repository's holds src/cli/<this file>.
  const root = bundled ? resolve(dirname(self), "../../..") : resolve(dirname(self), "../..");
  const manifest = bundled ? await readKitManifest(root) : undefined;
  const outDir = resolve(
    flags.out ?? join(root, timestampedOutDir(`${flags.machine ?? hostname()}-`)),
  );
  if (await exists(outDir) && (await Array.fromAsync(Deno.readDir(outDir))).length > 0) {
    throw new UsageError(`--out ${outDir}: expected an empty or new folder; pick another`);
  }
  return { self, bundled, root, manifest, outDir };
}

/** Checks both frameworks before anything trains: a machine without a GPU is refused at once. */
async function checkParts(
  flags: KitFlags,
  place: KitPlace,
): Promise<{ webgpu?: WebGpuCheck; keras?: KerasPython }> {
  const problems: string[] = [];
  const webgpu = flags.only === "keras" ? undefined : await checkWebGpu(flags);
  if (webgpu?.problem) problems.push(webgpu.problem);
  let keras: KerasPython | undefined;
  if (flags.only !== "tfjs") {
    const found = await findKeras({
      python: flags.python,
      backend: flags.kerasBackend,
      needGpu: !flags.dryRun,
      wheelsDir: place.manifest ? join(place.root, "wheels") : undefined,
      pylib: join(place.root, "work", "pylib"),
    });
    if ("reason" in found) problems.push(`Keras: ${found.reason}`);
    else keras = found;
  }
  if (problems.length > 0 && !flags.dryRun) {
    throw new Error(
      `no GPU to measure here: ${problems.join("; ")}; ./run.sh --dry-run runs the same ` +
        `steps with tiny sizes on what is here`,
    );
  }
  for (const p of problems) {
    log(p.startsWith("Keras:") ? p.replace(/^Keras: /, "Keras: not available: ") : p);
  }
  return { webgpu, keras };
}

/** The side of `kind` as it runs here, or `undefined` when its framework cannot run. */
function sideOf(
  kind: KitSideKind,
  flags: KitFlags,
  place: KitPlace,
  webgpu: WebGpuCheck | undefined,
  keras: KerasPython | undefined,
): Side | undefined {
  if (kind === "tfjs-gpu" || kind === "tfjs-cpu") {
    if (!webgpu || webgpu.problem) return undefined;
    const backend = kind === "tfjs-gpu" ? flags.backend : "wasm";
    return {
      name: backend,
      kind,
      label: kind === "tfjs-gpu" ? `TF.js ${backend}` : LABELS[kind],
      run: (run, dir, signal) =>
        runTfjsSide(
          { ...run, backend, allowFallback: kind === "tfjs-gpu" && run.allowFallback },
          dir,
          place,
          signal,
        ),
    };
  }
  if (!keras) return undefined;
  const gpu = kind === "keras-gpu";
  const name = `${kerasBackendName(keras.versions.backend)}${gpu ? "" : "-cpu"}`;
  return {
    name,
    kind,
    label: LABELS[kind],
    run: (run, dir, signal) =>
      runKerasOn({
        run,
        keras,
        place,
        dir,
        name,
        signal,
        // The CPU side hides the GPU from the framework, so it computes on the CPU it reports.
        env: gpu ? keras.env : { ...keras.env, ...cpuOnlyEnv(keras.versions.backend) },
        device: gpu && keras.versions.gpu ? "gpu" : "cpu",
      }),
  };
}

/** The variables that keep a Keras backend off the GPU. */
export function cpuOnlyEnv(backend: KerasBackend): Record<string, string> {
  return backend === "jax" ? { JAX_PLATFORMS: "cpu" } : { CUDA_VISIBLE_DEVICES: "" };
}

/**
 * What every side runs: the kit's data (in the repository, `--data-dir` or
 * the fixture split), the suite's defaults, tiny sizes in a dry run.
 */
function kitRunDescription(
  flags: KitFlags,
  place: KitPlace,
  allowFallback: boolean,
): RunDescription {
  const dataDir = flags.dataDir ??
    (place.bundled ? join(place.root, KIT_DATA_UNPACKED) : undefined);
  return describeRun({
    models: flags.models,
    epochs: flags.epochs,
    backend: flags.backend,
    allowFallback,
    engine: "tfjs",
    data: dataDir === undefined ? { fixtures: true } : { fixtures: false, dataDir },
    ...(flags.dryRun ? DRY_RUN_SIZES : KIT_INFERENCE_BATCHES),
    machine: flags.machine,
  });
}

/** TF.js on one backend through the bundle's own train-all. */
async function runTfjsSide(
  run: RunDescription,
  dir: string,
  place: KitPlace,
  signal: AbortSignal,
): Promise<ResultsFile> {
  const child = await runTrainAllChild(trainAllArgs(run, { out: dir }), {
    entry: place.bundled
      ? ["run", "-A", "--no-config", "--no-lock", "--quiet", place.self, "train-all"]
      : undefined,
    onLine: (line) => console.error(line),
    signal,
  });
  const results = await readResults(dir);
  if (!results) {
    throw new Error(
      `the ${run.backend} run in ${dir} failed (exit ${child.code}): ${child.lastError}`,
    );
  }
  if (place.manifest) await recordKitCommit(dir, results, place.manifest);
  if (signal.aborted && results.status !== "complete") {
    throw new Error(
      `the ${run.backend} run in ${dir} was stopped ${
        stopReason(signal)
      }; what it measured is kept`,
    );
  }
  if (child.code !== 0 || results.status !== "complete") {
    throw new Error(
      `the ${run.backend} run in ${dir} failed (exit ${child.code}): ${child.lastError}`,
    );
  }
  return results;
}

/** Why a side's signal fired: the budget's timeout, or Ctrl-C. */
function stopReason(signal: AbortSignal): string {
  const reason = signal.reason as Error | undefined;
  return reason?.name === "TimeoutError" ? "at the end of the budget" : `(${reason?.message})`;
}

/** Keras on the machine's framework, on the GPU or kept to the CPU, on the same data. */
async function runKerasOn(o: {
  run: RunDescription;
  keras: KerasPython;
  place: KitPlace;
  dir: string;
  name: string;
  env: Record<string, string>;
  device: "gpu" | "cpu";
  signal: AbortSignal;
}): Promise<ResultsFile> {
  try {
    const data = await loadRunData(o.run, runDataOptions());
    const threads = { intraOp: "default", interOp: "default" } as const;
    const env = await collectEnvironment({
      tfjsVersion: "none (Keras)",
      tensorflowVersion: o.keras.versions.tensorflow ?? null,
      backend: o.name,
      device: describeKerasDevice(o.keras.versions),
      machine: o.run.machine,
      threads,
    });
    if (o.place.manifest) env.gitCommit = o.place.manifest.gitCommit;
    return await runKerasSide({
      run: o.run,
      data,
      python: o.keras.python,
      pythonEnv: o.env,
      kerasBackend: o.keras.versions.backend,
      backendName: o.name,
      threads,
      env,
      dir: o.dir,
      device: o.device,
      signal: o.signal,
    });
  } catch (err) {
    throw new Error(`the Keras run in ${o.dir} failed: ${(err as Error).message}`);
  }
}

/** Whether WebGPU (or, in a dry run, the pure-JS backend) can run, and on what. */
interface WebGpuCheck {
  problem?: string;
  device?: string;
  fallback?: boolean;
}

async function checkWebGpu(flags: KitFlags): Promise<WebGpuCheck> {
  if (flags.backend === "cpu") return { device: "pure JavaScript (a dry run)" };
  const found = await requestAdapterFacts();
  if (!found.facts) return { problem: `WebGPU: ${found.reason}` };
  const description = adapterName(found.facts);
  const { isFallbackAdapter } = found.facts;
  if (isFallbackAdapter && !flags.dryRun) {
    return { problem: `WebGPU: only a software adapter (${description}), not a GPU` };
  }
  return {
    device: `WebGPU: ${description}${isFallbackAdapter ? " (software adapter, a dry run)" : ""}`,
    fallback: isFallbackAdapter,
  };
}

/** Records the commit the kit was built from in a run's results (no git on the GPU machine). */
async function recordKitCommit(
  dir: string,
  results: ResultsFile,
  manifest: KitManifest,
): Promise<void> {
  const fixed = validateResults(
    { ...results, env: { ...results.env, gitCommit: manifest.gitCommit } },
    join(dir, "results.json"),
  );
  await writeJsonAtomic(join(dir, "results.json"), fixed);
}

if (import.meta.main) await runKitCli(new URL(import.meta.url).pathname);
