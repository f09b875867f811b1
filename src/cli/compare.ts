/**
 * `deno task compare`: the GPU-vs-CPU question answered on this machine.
 * Trains and times the chosen models on each backend with each engine that
 * runs there (`tfjs` everywhere, `native` on the libtensorflow backends, by
 * default), every backend × engine × model in its own `train-all`
 * subprocess (one libtensorflow backend per process) on the same data and seed,
 * then writes `compare.json`, `compare.md` and `compare.svg`. Backends that
 * cannot run here are rows with their reason.
 *
 * @module
 */
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { exists } from "../_util/fs.ts";
import { BACKEND_NAMES, deepProbe } from "../backends/registry.ts";
import type { ProbeResult } from "../backends/types.ts";
import { forwardFlopsPerImage } from "../models/cost.ts";
import { getModelSpec, MODEL_NAMES } from "../models/spec.ts";
import { buildComparison } from "../compare/comparison.ts";
import type { SkippedRun } from "../compare/row.ts";
import { writeComparison } from "../report/comparison_output.ts";
import { speedupCell } from "../report/comparison_markdown.ts";
import { secondsDigits } from "../report/markdown.ts";
import type { ResultsFile } from "../results/schema.ts";
import { COMPARED_ENGINES, type EngineSpec } from "../engines/registry.ts";
import { readResults } from "../train/experiment.ts";
import { MIN_INFERENCE_RUNS, type RunDescription } from "../train/run_description.ts";
import {
  applyOneDnnChoice,
  parseFlags,
  parsePositiveInt,
  runCli,
  textTable,
  timestampedOutDir,
  UsageError,
} from "./_cli.ts";
import { resumeArgs, runTrainAllChild, trainAllArgs } from "../train/launcher.ts";
import {
  engineHelp,
  oneDnnHelp,
  parseRunFlags,
  resolveRun,
  RUN_FLAGS,
  runFlagsHelp,
  type TaskDefaults,
} from "./_run_options.ts";
import { type PlannedRun, planRuns, selectBackends, SHORT_RUN } from "./_compare_plan.ts";

/** compare's own defaults: model1, three epochs. */
const DEFAULTS: TaskDefaults = { models: ["model1"], epochs: 3 };

const HELP = `Usage: deno task compare [options]

Trains and times models on several backends and engines, each backend, engine
and model in its own subprocess on the same data and seed, and writes
compare.json, compare.md and compare.svg (seconds per epoch and accuracy per
epoch by backend, engine and model). Speed-ups are only computed between rows of
the same engine, plus each engine over tfjs on the same backend.

Options:
${runFlagsHelp(DEFAULTS)}
  --backends LIST       comma-separated, from ${BACKEND_NAMES.join(", ")}
                        (default: every backend that runs in Deno, the browser-* ones only when
                        named; those that cannot run here become rows with the reason)
${engineHelp("list", COMPARED_ENGINES)}
  --short-train-size N  images per epoch on slow backends (cpu, and WebGPU on a software
                        adapter) when --train-size is not given (default ${SHORT_RUN.trainSize});
                        their validation and test sets are cut to the same size, and at
                        most ${SHORT_RUN.maxEpochs} epochs run
${oneDnnHelp("every run")}
  --out DIR             output folder (default results/compare-<timestamp>)
  --resume              continue in --out DIR: finished runs are kept, unfinished ones resumed
  -h, --help            show this help
`;

/** What a comparison is, checked before anything runs. */
interface ComparePlan {
  /** What every child runs, less its model, backend and engine. */
  run: RunDescription;
  backends: string[];
  engines: EngineSpec[];
  shortTrainSize: number;
  machine: string;
  outDir: string;
  resume: boolean;
}

/** A finished child's results, and the file they came from. */
type Collected = { results: ResultsFile; source: string };

async function main(): Promise<number> {
  const plan = await parseCompareFlags(Deno.args);
  if (!plan) {
    console.log(HELP);
    return 0;
  }
  // Every train-all child inherits the variable, so all rows share one oneDNN setting.
  if (plan.run.oneDnn) applyOneDnnChoice(plan.run.oneDnn);
  await prepareOutDir(plan);
  console.error(`compare: probing ${plan.backends.join(", ")}`);
  const probes = new Map<string, ProbeResult>();
  for (const b of plan.backends) probes.set(b, await deepProbe(b));
  const planned = planRuns({
    backends: plan.backends,
    engines: plan.engines,
    models: plan.run.models,
    probes,
    epochs: plan.run.epochs,
    trainSize: plan.run.trainSize,
    shortTrainSize: plan.shortTrainSize,
    machine: plan.machine,
  });
  for (const line of planned.lines) console.error(`compare: ${line}`);
  const { results, interrupted } = await runAll(plan, planned.plan, planned.skipped);
  await report(plan, planned.plan, results, planned.skipped);
  if (interrupted) {
    console.error(
      `compare: interrupted; continue with:\n  deno task compare --resume --out ${plan.outDir}`,
    );
    return 130;
  }
  return planned.skipped.some((s) => s.status === "failed") ? 1 : 0;
}

/** The flags, checked; `undefined` for `--help` (answered after the checks). */
function parseCompareFlags(args: string[]): ComparePlan | undefined {
  const { values } = parseFlags("compare", {
    args,
    options: {
      ...RUN_FLAGS,
      backends: { type: "string" },
      engines: { type: "string" },
      "short-train-size": { type: "string" },
      resume: { type: "boolean", default: false },
    },
  });
  const flags = parseRunFlags("compare", values, "list");
  const run = resolveRun(flags, { defaults: DEFAULTS });
  const { backends, engines, leftOut } = selectBackends(values.backends, flags.engines);
  const shortTrainSize = values["short-train-size"] === undefined
    ? SHORT_RUN.trainSize
    : parsePositiveInt("--short-train-size", values["short-train-size"]);
  if (values.resume && !flags.out) {
    throw new UsageError("--resume: expected --out DIR naming the comparison to continue");
  }
  if (values.help) return undefined;
  if (leftOut.length > 0) {
    console.error(`compare: ${leftOut.join(", ")}: none of the engines runs there; left out`);
  }
  return {
    run,
    backends,
    engines,
    shortTrainSize,
    machine: run.machine ?? hostname(),
    outDir: resolve(flags.out ?? timestampedOutDir("compare-")),
    resume: values.resume ?? false,
  };
}

async function prepareOutDir(plan: ComparePlan): Promise<void> {
  const { outDir } = plan;
  if (await exists(join(outDir, "runs")) && !plan.resume) {
    throw new UsageError(
      `--out ${outDir}: it already holds a comparison; add --resume to continue it, or pick another folder`,
    );
  }
  await Deno.mkdir(outDir, { recursive: true }).catch((err: Error) => {
    throw new UsageError(
      `--out ${outDir}: expected a folder that can be written, but ${err.message}`,
    );
  });
}

/**
 * The run of one planned step: the shared description with its model,
 * backend and engine, and on a slow backend the short run's sizes.
 */
function stepRun(run: RunDescription, step: PlannedRun, machine: string): RunDescription {
  const short = step.short;
  return {
    ...run,
    models: [step.model],
    backend: step.backend,
    engine: step.engine,
    allowFallback: step.software,
    machine,
    // Every child inherits oneDNN's variable from this process.
    oneDnn: undefined,
    ...(short
      ? {
        epochs: short.epochs,
        trainSize: short.trainSize,
        validationSize: short.trainSize,
        testSize: short.trainSize,
        inferenceBatchSize: Math.min(SHORT_RUN.inferenceBatchSize, short.trainSize),
        inferenceRuns: MIN_INFERENCE_RUNS,
      }
      : {}),
  };
}

/** Runs each planned step in its own train-all child; a complete one found in place is kept. */
async function runAll(
  plan: ComparePlan,
  steps: readonly PlannedRun[],
  skipped: SkippedRun[],
): Promise<{ results: Collected[]; interrupted: boolean }> {
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  Deno.addSignalListener("SIGINT", onSigint);
  const results: Collected[] = [];
  try {
    for (const step of steps) {
      if (interrupted) break;
      const runDir = join(plan.outDir, "runs", step.backend, step.engine, step.model);
      const source = join(runDir, "results.json");
      const label = `${step.backend} ${step.engine} ${step.model}`;
      const previous = await readResults(runDir).catch(() => undefined);
      if (previous?.status === "complete") {
        console.error(`compare: ${label}: complete in ${runDir}, kept`);
        results.push({ results: previous, source });
        continue;
      }
      const args = previous
        ? resumeArgs(runDir)
        : trainAllArgs(stepRun(plan.run, step, plan.machine), { out: runDir });
      console.error(`compare: ${label}: train-all ${args.join(" ")}`);
      const outcome = await runTrainAllChild(args, {
        onLine: (line) => console.error(`  [${label}] ${line}`),
      });
      const written = await readResults(runDir).catch(() => undefined);
      if (outcome.code === 0 && written) {
        results.push({ results: written, source });
      } else if (outcome.code === 130 || interrupted) {
        interrupted = true;
        if (written) results.push({ results: written, source });
      } else {
        skipped.push({
          machine: plan.machine,
          model: step.model,
          backend: step.backend,
          engine: step.engine,
          status: "failed",
          reason: `train-all exited with ${outcome.code}: ${outcome.lastError}`,
          flopsPerImage: forwardFlopsPerImage(getModelSpec(step.model)),
        });
      }
    }
  } finally {
    Deno.removeSignalListener("SIGINT", onSigint);
  }
  return { results, interrupted };
}

/** Builds, writes and prints the comparison. */
async function report(
  plan: ComparePlan,
  steps: readonly PlannedRun[],
  results: Collected[],
  skipped: SkippedRun[],
): Promise<void> {
  const { run } = plan;
  const command = [
    "deno task compare",
    `--models ${run.models.length === MODEL_NAMES.length ? "all" : run.models.join(",")}`,
    `--backends ${plan.backends.join(",")}`,
    `--engines ${plan.engines.map((e) => e.name).join(",")}`,
    `--epochs ${run.epochs}`,
    ...(run.trainSize
      ? [`--train-size ${run.trainSize}`]
      : [`--short-train-size ${plan.shortTrainSize}`]),
    `--seed ${run.seed}`,
    ...(run.data.fixtures ? ["--fixtures"] : []),
    `--out ${plan.outDir}`,
  ].join(" ");
  const comparison = buildComparison({ results, skipped, backendOrder: BACKEND_NAMES, command });
  for (const row of comparison.rows) {
    const short = steps.find((p) =>
      p.backend === row.backend && p.engine === row.engine && p.model === row.model
    )?.short;
    if (short && row.status === "measured") {
      row.note = [row.note, "short run: slow backend here"].filter(Boolean).join("; ");
    }
  }
  const paths = await writeComparison(plan.outDir, comparison);
  console.log(summary(comparison.rows));
  console.log(
    `\ncomparison: ${paths.markdown}\n            ${paths.json}\n            ${paths.chart}` +
      (paths.png ? `\n            ${paths.png}` : "") +
      (paths.html ? `\n            ${paths.html}` : ""),
  );
  if (paths.pngError) console.error(`compare: no PNG chart (${paths.pngError}); the SVG has it`);
  if (paths.htmlError) console.error(`compare: no compare.html (${paths.htmlError})`);
}

function summary(rows: ReturnType<typeof buildComparison>["rows"]): string {
  const cells = rows.map((r) => [
    r.model,
    r.backend,
    r.engine,
    r.status === "measured"
      ? (r.secondsPerEpoch
        ? `${r.secondsPerEpoch.median.toFixed(secondsDigits(r.secondsPerEpoch.median))} s`
        : "–")
      : r.status,
    r.imagesPerSecond === null ? "–" : r.imagesPerSecond.toFixed(r.imagesPerSecond < 10 ? 2 : 0),
    // the terminal has no bold: the verdict in plain words
    speedupCell(r.speedup, r.speedupInterval).replaceAll("**", ""),
    speedupCell(r.engineSpeedup, r.engineSpeedupInterval).replaceAll("**", ""),
    r.batch1 === null ? "–" : `${r.batch1.p50Ms.toFixed(2)} ms`,
    r.status === "measured" ? (r.note ?? "") : (r.note ?? "").slice(0, 60),
  ]);
  const header = [
    "model",
    "backend",
    "engine",
    "s/epoch",
    "img/s",
    "speed-up",
    "over tfjs",
    "batch-1 p50",
    "notes",
  ];
  return `\n${textTable(header, cells)}`;
}

if (import.meta.main) await runCli(main);
