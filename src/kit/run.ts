/**
 * The GPU kit's run (`run.sh` starts it from the kit's bundle): on a machine
 * with a GPU and no network, measures each model on the GPU and on the same
 * machine's CPU, within one framework, one side after the other on the same
 * data, seed, batch size and epochs (`kit_plan.ts`): stock TF.js on `webgpu`
 * and on `wasm` (which trains with the suite's `Conv2DBackpropFilter`), each
 * through `train-all` in a child process, then Keras 3 on JAX (else PyTorch)
 * on the GPU and on the CPU, through the Keras peer's script. Every side
 * writes `results.json` in the common schema, per model, so what was
 * measured is kept whenever the run stops.
 *
 * A real run is planned to a budget: model1 first on as much of the kit's
 * data as fits, both sides of a framework's pair on one training size (like
 * for like), each later model planned again from what the sides measured on
 * the one before, a model or pair that no longer fits left out with its reason;
 * the plan is logged before anything runs and written with what happened to
 * `plan.json`. A dry run runs the same steps with tiny sizes on whatever is
 * there.
 *
 * @module
 */
import { join } from "node:path";
import { exists, writeJsonAtomic } from "../_util/fs.ts";
import { median } from "../_util/stats.ts";
import type { ResultsFile } from "../results/schema.ts";
import { steadyEpochSeconds } from "../results/stats.ts";
import { loadRunData } from "../train/run_data.ts";
import { describeRun, type RunDescription } from "../train/run_description.ts";
import {
  type BudgetPlan,
  describePlan,
  type MeasuredRate,
  planBudget,
  type SideRate,
  updateRates,
} from "./budget.ts";
import { KIT_DATA_UNPACKED } from "./kit_data.ts";
import {
  DRY_RUN_SIZES,
  expectedRates,
  KIT_EPOCHS,
  KIT_EXPECTED_RATES,
  KIT_INFERENCE_BATCHES,
  KIT_MIN_TRAIN_SIZE,
  KIT_SIDE_KINDS,
  KIT_TRAIN_IMAGES,
  type KitSideKind,
} from "./kit_plan.ts";
import { checkParts } from "./parts.ts";
import { type KitOptions, type KitPlace, kitPlace } from "./place.ts";
import { type Side, SIDE_LABELS, type SideContext, sideOf } from "./sides.ts";

/**
 * How the kit's run reaches its program, its data and its user: the sides' own
 * (`trainAllEntry`, `dataOptions`, `onChildLine`), and these.
 */
export interface KitRunContext
  extends Pick<SideContext, "trainAllEntry" | "dataOptions" | "onChildLine"> {
  /** The program's own path: the kit's bundle, or the repository's file. */
  self: string;
  /** The default results folder, relative to the kit's root, for a machine's name. */
  defaultOut: (machine: string) => string;
  /** Aborted (Ctrl-C): the side in flight stops after its epoch, and nothing more starts. */
  signal: AbortSignal;
  /** Prints one of the run's own lines. */
  log: (line: string) => void;
  /** `run.sh`'s line on the Vulkan loader and driver WebGPU uses; none outside the kit. */
  vulkan?: string;
}

/** What a run did. */
export interface KitRunOutcome {
  /** The results folder. */
  outDir: string;
  /** Each `results.json` written, in order. */
  written: string[];
  /** Why each side that failed failed. */
  failures: string[];
  /** Whether the signal stopped the run before its plan was done. */
  stopped: boolean;
  /** The run's seconds. */
  seconds: number;
}

/** What `plan.json` records: the budget, each plan made, and what each side took. */
interface PlanRecord {
  budgetSeconds: number;
  dryRun: boolean;
  /** `run.sh`'s line on the Vulkan loader and driver, where it gave one. */
  vulkan?: string;
  sides: { name: string; kind: KitSideKind }[];
  plans: { beforeModel: string; secondsLeft: number; plan: BudgetPlan }[];
  runs: { model: string; side: string; seconds: number; status: string; error?: string }[];
  leftOut: string[];
  /** Set when Ctrl-C stopped the run before its plan was done. */
  stopped?: string;
}

/** A run in progress: what it runs, and what it has measured so far. */
interface RunState {
  options: KitOptions;
  context: KitRunContext;
  place: KitPlace;
  sides: Side[];
  /** What every side runs, less its model and training size. */
  base: RunDescription;
  /** `performance.now()` at the end of the budget. */
  deadline: number;
  /** The most a model can train on. */
  maxTrainSize: number;
  record: PlanRecord;
  rates: SideRate[];
  measured: MeasuredRate[];
  written: string[];
  failures: string[];
}

/** The sides that `options` runs, in order. */
function kindsOf(options: KitOptions): KitSideKind[] {
  return KIT_SIDE_KINDS.filter((k) => !options.only || k.startsWith(options.only));
}

/** The plan for the whole budget, as `--plan` prints it, from the expected rates alone. */
export function describeKitPlan(options: KitOptions): string[] {
  const rates = expectedRates(kindsOf(options).map((kind) => ({ name: SIDE_LABELS[kind], kind })));
  const plan = planFor(options, options.models, rates, options.budgetSeconds);
  return describePlan(plan, options.budgetSeconds);
}

/**
 * Runs the kit: checks the frameworks (a machine without a GPU is refused
 * before anything trains, outside a dry run), then each model on each side,
 * planned to the budget. A side that fails does not cost the others their
 * runs: all are tried, and the failures returned.
 *
 * @throws {UsageError} When the results folder is not empty.
 */
export async function kitRun(options: KitOptions, context: KitRunContext): Promise<KitRunOutcome> {
  const started = performance.now();
  const place = await kitPlace(context.self, options, context.defaultOut);
  const parts = await checkParts(options, place, context.log, context.vulkan);
  if (context.vulkan && options.only !== "keras") context.log(context.vulkan);
  const sideContext = { ...context, options, place, parts };
  const sides = kindsOf(options).flatMap((kind) => sideOf(kind, sideContext) ?? []);
  const base = kitRunDescription(options, place, parts.webgpu?.fallback ?? false);
  // The most a model can train on: the data after the real run's validation split (25,000 in the kit).
  const maxTrainSize = (await loadRunData(
    { ...base, trainSize: undefined, validationSize: undefined },
    context.dataOptions,
  )).train.count;
  const state: RunState = {
    options,
    context,
    place,
    sides,
    base,
    deadline: started + options.budgetSeconds * 1000,
    maxTrainSize,
    record: {
      budgetSeconds: options.budgetSeconds,
      dryRun: options.dryRun,
      ...(context.vulkan ? { vulkan: context.vulkan } : {}),
      sides: sides.map((s) => ({ name: s.name, kind: s.kind })),
      plans: [],
      runs: [],
      leftOut: [],
    },
    rates: expectedRates(sides.map((s) => ({ name: s.label, kind: s.kind }))),
    measured: [],
    written: [],
    failures: [],
  };
  for (const [i, model] of options.models.entries()) {
    if (context.signal.aborted) break;
    await runModel(state, i, model);
  }
  const stopped = context.signal.aborted;
  if (stopped) state.record.stopped = "stopped by Ctrl-C before the plan was done";
  await writeJsonAtomic(join(place.outDir, "plan.json"), state.record);
  const seconds = (performance.now() - started) / 1000;
  context.log(`done in ${seconds.toFixed(0)} s of a budget of ${options.budgetSeconds} s`);
  return {
    outDir: place.outDir,
    written: state.written,
    failures: state.failures,
    stopped,
    seconds,
  };
}

/** Plans what is left from what was measured, then runs `model` on each side. */
async function runModel(state: RunState, i: number, model: string): Promise<void> {
  const { options, context: { log }, record } = state;
  // The plan is made in a dry run too, as the real run would make it; the dry run then
  // trains its few images whatever the plan says.
  state.rates = updateRates(state.rates, state.measured);
  const left = (state.deadline - performance.now()) / 1000;
  const models = options.models.slice(i);
  const plan = planFor(options, models, state.rates, left, state.maxTrainSize);
  record.plans.push({ beforeModel: model, secondsLeft: left, plan });
  const which = i === 0
    ? `plan for a budget of ${options.budgetSeconds} s`
    : "plan for what is left";
  const dry = options.dryRun ? ` (a dry run trains ${DRY_RUN_SIZES.trainSize} images instead)` : "";
  log(`${which}${dry}:`);
  for (const line of describePlan(plan, left)) log(`  ${line}`);
  if (!options.dryRun && !plan.runs.some((r) => r.model === model)) {
    leaveOut(
      state,
      plan.leftOut.find((l) => l.startsWith(`${model}:`)) ?? `${model}: no time left`,
    );
    return;
  }
  for (const side of state.sides) {
    if (state.context.signal.aborted) return;
    // Each side trains its pair's planned size (a dry run, its few images).
    const planned = plan.runs.find((r) => r.model === model && r.side === side.label);
    if (!options.dryRun && !planned) {
      const pair = KIT_EXPECTED_RATES[side.kind].pair;
      const reason = plan.leftOut.find((l) => l.startsWith(`${model}, ${pair} pair:`)) ??
        `${model} on ${side.label}: no time left`;
      if (!record.leftOut.includes(reason)) leaveOut(state, reason);
      continue;
    }
    const trainSize = options.dryRun ? undefined : planned?.trainSize;
    await runSide(state, model, {
      ...state.base,
      models: [model],
      ...(trainSize ? { trainSize } : {}),
    }, side);
  }
}

/** Records and prints why a model, or a pair of its sides, does not run. */
function leaveOut(state: RunState, reason: string): void {
  state.record.leftOut.push(reason);
  state.context.log(`left out: ${reason}`);
}

/** Runs `model` on one side, and records what it took or why it failed. */
async function runSide(
  state: RunState,
  model: string,
  run: RunDescription,
  side: Side,
): Promise<void> {
  const { options, context: { log, signal: stop }, record } = state;
  const left = state.deadline - performance.now();
  if (!options.dryRun && left <= 0) {
    const reason = `${model} on ${side.label}: the budget was spent before it started`;
    record.leftOut.push(reason);
    log(`left out: ${reason}`);
    return;
  }
  const dir = join(state.place.outDir, side.name, model);
  log(`${model} on ${side.label} (${side.name})`);
  const t0 = performance.now();
  const took = () => (performance.now() - t0) / 1000;
  // Past the deadline, with a minute's grace, the side stops after its epoch in flight.
  const signal = AbortSignal.any([
    stop,
    AbortSignal.timeout(options.dryRun ? 3_600_000 : left + 60_000),
  ]);
  try {
    const results = await side.run(run, dir, signal);
    state.written.push(join(dir, "results.json"));
    const seconds = took();
    const rate = measuredRate(side.label, model, results, seconds);
    if (rate) state.measured.push(rate);
    record.runs.push({ model, side: side.name, seconds, status: results.status });
  } catch (err) {
    const error = (err as Error).message;
    state.failures.push(error);
    record.runs.push({ model, side: side.name, seconds: took(), status: "failed", error });
    if (await exists(join(dir, "results.json"))) state.written.push(join(dir, "results.json"));
  }
  log(`${model} on ${side.label} took ${took().toFixed(0)} s`);
  await writeJsonAtomic(join(state.place.outDir, "plan.json"), record);
}

function planFor(
  options: KitOptions,
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
    epochs: options.dryRun ? KIT_EPOCHS : options.epochs,
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
  const steady = steadyEpochSeconds(run);
  if (steady.length === 0) return { side, model, overheadSeconds: seconds };
  const perEpoch = median(steady);
  const imagesPerSecond = results.config.trainSize / perEpoch;
  return {
    side,
    model,
    imagesPerSecond,
    overheadSeconds: Math.max(0, seconds - run.epochs.length * perEpoch),
  };
}

/**
 * What every side runs: the kit's data (in the repository, `--data-dir` or
 * the fixture split), the suite's defaults, tiny sizes in a dry run.
 */
function kitRunDescription(
  options: KitOptions,
  place: KitPlace,
  allowFallback: boolean,
): RunDescription {
  const dataDir = options.dataDir ??
    (place.bundled ? join(place.root, KIT_DATA_UNPACKED) : undefined);
  return describeRun({
    models: options.models,
    epochs: options.epochs,
    backend: options.backend,
    allowFallback,
    engine: "tfjs",
    data: dataDir === undefined ? { fixtures: true } : { fixtures: false, dataDir },
    ...(options.dryRun ? DRY_RUN_SIZES : KIT_INFERENCE_BATCHES),
    machine: options.machine,
  });
}
