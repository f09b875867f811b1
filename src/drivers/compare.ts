/**
 * The session behind `deno task compare`: probes each backend, plans one
 * `train-all` child per backend × engine × model (`compare_plan.ts`), runs
 * them one after the other on the same data and seed (a complete run found
 * in place is kept, an unfinished one resumed), then builds and writes
 * `compare.json`, `compare.md` and the charts.
 *
 * @module
 */
import { join } from "node:path";
import { exists } from "../_util/fs.ts";
import { UsageError } from "../_util/usage_error.ts";
import { BACKEND_NAMES, deepProbe } from "../backends/registry.ts";
import type { ProbeResult } from "../backends/types.ts";
import type { EngineSpec } from "../engines/registry.ts";
import { forwardFlopsPerImage } from "../models/cost.ts";
import { getModelSpec, MODEL_NAMES } from "../models/spec.ts";
import { buildComparison, type Comparison } from "../compare/comparison.ts";
import type { SkippedRun } from "../compare/row.ts";
import { type ComparisonPaths, writeComparison } from "../report/comparison_output.ts";
import type { ResultsFile } from "../results/schema.ts";
import { readResults } from "../train/experiment.ts";
import { executeInChild } from "../executors/child.ts";
import { resumeArgs, trainAllArgs } from "../train/launcher.ts";
import { MIN_INFERENCE_RUNS, type RunDescription } from "../train/run_description.ts";
import { type PlannedRun, planRuns, SHORT_RUN } from "./compare_plan.ts";

/** What a comparison is, checked before anything runs. */
export interface CompareRequest {
  /** What every child runs, less its model, backend and engine. */
  run: RunDescription;
  backends: string[];
  engines: EngineSpec[];
  /** Images per epoch on a slow backend when the run gives no training size. */
  shortTrainSize: number;
  machine: string;
  outDir: string;
  /** Continue the comparison in `outDir`. */
  resume: boolean;
}

/** How the session reaches its user. */
export interface CompareContext {
  /** Aborted (Ctrl-C): no further child starts; the comparison is written with what finished. */
  signal: AbortSignal;
  /** Prints one of the session's own lines. */
  log: (line: string) => void;
  /** Prints a line of the child that runs `label` (backend, engine, model). */
  onChildLine: (label: string, line: string) => void;
}

/** What a comparison did. */
export interface CompareOutcome {
  comparison: Comparison;
  /** The files written. */
  paths: ComparisonPaths;
  /** Ctrl-C stopped it before every run was done. */
  interrupted: boolean;
  /** A run failed. */
  failed: boolean;
}

/** A finished child's results, and the file they came from. */
type Collected = { results: ResultsFile; source: string };

/**
 * Runs the comparison and writes it.
 *
 * @throws {UsageError} When `outDir` holds a comparison and `resume` is not set, or cannot be written.
 */
export async function runCompare(
  request: CompareRequest,
  context: CompareContext,
): Promise<CompareOutcome> {
  await prepareOutDir(request);
  context.log(`probing ${request.backends.join(", ")}`);
  const probes = new Map<string, ProbeResult>();
  for (const b of request.backends) probes.set(b, await deepProbe(b));
  const { models, epochs, trainSize } = request.run;
  const planned = planRuns({ ...request, models, probes, epochs, trainSize });
  for (const line of planned.lines) context.log(line);
  const { results, interrupted } = await runAll(request, planned.plan, planned.skipped, context);
  const comparison = compareResults(request, planned.plan, results, planned.skipped);
  const paths = await writeComparison(request.outDir, comparison);
  const failed = planned.skipped.some((s) => s.status === "failed");
  return { comparison, paths, interrupted, failed };
}

async function prepareOutDir(request: CompareRequest): Promise<void> {
  const { outDir } = request;
  if (await exists(join(outDir, "runs")) && !request.resume) {
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
  request: CompareRequest,
  steps: readonly PlannedRun[],
  skipped: SkippedRun[],
  context: CompareContext,
): Promise<{ results: Collected[]; interrupted: boolean }> {
  const { signal, log } = context;
  let interrupted = false;
  const results: Collected[] = [];
  for (const step of steps) {
    if (interrupted || signal.aborted) break;
    const runDir = join(request.outDir, "runs", step.backend, step.engine, step.model);
    const source = join(runDir, "results.json");
    const label = `${step.backend} ${step.engine} ${step.model}`;
    const previous = await readResults(runDir).catch(() => undefined);
    if (previous?.status === "complete") {
      log(`${label}: complete in ${runDir}, kept`);
      results.push({ results: previous, source });
      continue;
    }
    const run = previous ? "resume" : stepRun(request.run, step, request.machine);
    const args = run === "resume" ? resumeArgs(runDir) : trainAllArgs(run, { out: runDir });
    log(`${label}: train-all ${args.join(" ")}`);
    // The child takes Ctrl-C from the terminal itself: it stops after its epoch in flight.
    const outcome = await executeInChild(run, runDir, {
      onLine: (line) => context.onChildLine(label, line),
    });
    const written = outcome.results;
    if (outcome.code === 0 && written) {
      results.push({ results: written, source });
    } else if (outcome.code === 130 || signal.aborted) {
      interrupted = true;
      if (written) results.push({ results: written, source });
    } else {
      skipped.push({
        machine: request.machine,
        model: step.model,
        backend: step.backend,
        engine: step.engine,
        status: "failed",
        reason: `train-all exited with ${outcome.code}: ${outcome.lastError}`,
        flopsPerImage: forwardFlopsPerImage(getModelSpec(step.model)),
      });
    }
  }
  return { results, interrupted: interrupted || signal.aborted };
}

/** The comparison of what ran, with the command that repeats it. */
function compareResults(
  request: CompareRequest,
  steps: readonly PlannedRun[],
  results: Collected[],
  skipped: SkippedRun[],
): Comparison {
  const { run } = request;
  const command = [
    "deno task compare",
    `--models ${run.models.length === MODEL_NAMES.length ? "all" : run.models.join(",")}`,
    `--backends ${request.backends.join(",")}`,
    `--engines ${request.engines.map((e) => e.name).join(",")}`,
    `--epochs ${run.epochs}`,
    ...(run.trainSize
      ? [`--train-size ${run.trainSize}`]
      : [`--short-train-size ${request.shortTrainSize}`]),
    `--seed ${run.seed}`,
    ...(run.data.fixtures ? ["--fixtures"] : []),
    `--out ${request.outDir}`,
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
  return comparison;
}
