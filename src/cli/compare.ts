/**
 * `deno task compare`: the GPU-vs-CPU question answered on this machine.
 * Trains and times the chosen models on each backend with each engine that
 * runs there (`tfjs` everywhere, `native` on the libtensorflow backends, by
 * default), every backend × engine × model in its own `train-all`
 * subprocess (one native backend per process) on the same data and seed,
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
import { buildComparison } from "../results/comparison.ts";
import { writeComparison } from "../results/comparison_files.ts";
import { speedupCell } from "../results/comparison_markdown.ts";
import type { ResultsFile } from "../results/schema.ts";
import { COMPARED_ENGINES } from "../engines/registry.ts";
import { readResults } from "../train/experiment.ts";
import {
  applyOneDnnChoice,
  parseFlags,
  parsePositiveInt,
  runCli,
  textTable,
  timestampedOutDir,
  UsageError,
} from "./_cli.ts";
import {
  engineHelp,
  oneDnnHelp,
  parseModelList,
  parseRunFlags,
  RUN_DEFAULTS,
  RUN_FLAGS,
  runFlagsHelp,
  type TaskDefaults,
} from "./_run_options.ts";
import { planRuns, selectBackends } from "./_compare_plan.ts";
import { runTrainAllChild } from "./_train_all_child.ts";

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
  --model LIST          the former name of --models, kept for scripts
  --backends LIST       comma-separated, from ${BACKEND_NAMES.join(", ")}
                        (default: all; those that cannot run here become rows with the reason)
${engineHelp("list", COMPARED_ENGINES)}
  --short-train-size N  images per epoch on slow backends (cpu, and WebGPU on a software
                        adapter) when --train-size is not given (default 64); their
                        validation and test sets are cut to the same size, and at most
                        2 epochs run
${oneDnnHelp("every run")}
  --out DIR             output folder (default results/compare-<timestamp>)
  --resume              continue in --out DIR: finished runs are kept, unfinished ones resumed
  -h, --help            show this help
`;

async function main(): Promise<number> {
  const { values } = parseFlags("compare", {
    args: Deno.args,
    options: {
      ...RUN_FLAGS,
      model: { type: "string" },
      backends: { type: "string" },
      engines: { type: "string" },
      "short-train-size": { type: "string" },
      resume: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }

  if (values.model !== undefined && values.models !== undefined) {
    throw new UsageError("--models and --model name the same list; keep one");
  }
  const flags = parseRunFlags("compare", values, "list");
  const models = values.model !== undefined
    ? parseModelList("--model", values.model)
    : flags.models ?? [...DEFAULTS.models];
  const { backends, engines, leftOut } = selectBackends(values.backends, flags.engines);
  if (leftOut.length > 0) {
    console.error(`compare: ${leftOut.join(", ")}: none of the engines runs there; left out`);
  }
  const epochs = flags.epochs ?? DEFAULTS.epochs;
  const trainSize = flags.trainSize;
  const shortTrainSize = values["short-train-size"] === undefined
    ? 64
    : parsePositiveInt("--short-train-size", values["short-train-size"]);
  const seed = flags.seed ?? RUN_DEFAULTS.seed;
  // Every train-all child inherits the variable, so all rows share one oneDNN setting.
  if (flags.oneDnn !== undefined) applyOneDnnChoice(flags.oneDnn);
  const machine = flags.machine ?? hostname();
  if (values.resume && !flags.out) {
    throw new UsageError("--resume: expected --out DIR naming the comparison to continue");
  }
  const outDir = resolve(flags.out ?? timestampedOutDir("compare-"));
  const existing = await exists(join(outDir, "runs"));
  if (existing && !values.resume) {
    throw new UsageError(
      `--out ${outDir}: it already holds a comparison; add --resume to continue it, or pick another folder`,
    );
  }
  await Deno.mkdir(outDir, { recursive: true }).catch((err: Error) => {
    throw new UsageError(
      `--out ${outDir}: expected a folder that can be written, but ${err.message}`,
    );
  });
  // Flags every child gets as given (a short run on a slow backend sets its own sizes).
  const passed = (short: boolean) => [
    ...(flags.batchSize ? ["--batch-size", String(flags.batchSize)] : []),
    ...(trainSize ? ["--train-size", String(trainSize)] : []),
    ...(!short && flags.validationSize ? ["--validation-size", String(flags.validationSize)] : []),
    ...(!short && flags.testSize ? ["--test-size", String(flags.testSize)] : []),
    ...(!short && flags.inferenceBatchSize
      ? ["--inference-batch", String(flags.inferenceBatchSize)]
      : []),
    ...(!short && flags.inferenceRuns ? ["--inference-runs", String(flags.inferenceRuns)] : []),
  ];

  // Which backends can run here, each probed in a child process.
  console.error(`compare: probing ${backends.join(", ")}`);
  const probes = new Map<string, ProbeResult>();
  for (const b of backends) probes.set(b, await deepProbe(b));
  const { plan, skipped, lines } = planRuns({
    backends,
    engines,
    models,
    probes,
    epochs,
    trainSize,
    shortTrainSize,
    machine,
  });
  for (const line of lines) console.error(`compare: ${line}`);

  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  Deno.addSignalListener("SIGINT", onSigint);
  const results: { results: ResultsFile; source: string }[] = [];
  try {
    for (const step of plan) {
      if (interrupted) break;
      const runDir = join(outDir, "runs", step.backend, step.engine, step.model);
      const label = `${step.backend} ${step.engine} ${step.model}`;
      const previous = await readResults(runDir).catch(() => undefined);
      if (previous?.status === "complete") {
        console.error(`compare: ${label}: complete in ${runDir}, kept`);
        results.push({ results: previous, source: join(runDir, "results.json") });
        continue;
      }
      const args = previous ? ["--resume", "--out", runDir] : [
        "--models",
        step.model,
        "--backend",
        step.backend,
        "--engine",
        step.engine,
        "--epochs",
        String(step.short?.epochs ?? epochs),
        "--seed",
        String(seed),
        "--machine",
        machine,
        "--out",
        runDir,
        ...(step.software ? ["--allow-fallback"] : []),
        ...(flags.fixtures ? ["--fixtures"] : []),
        ...(flags.dataDir ? ["--data-dir", flags.dataDir] : []),
        ...passed(step.short !== null),
        ...(step.short
          ? [
            "--train-size",
            String(step.short.trainSize),
            "--validation-size",
            String(step.short.trainSize),
            "--test-size",
            String(step.short.trainSize),
            "--inference-batch",
            String(Math.min(64, step.short.trainSize)),
            "--inference-runs",
            "50",
          ]
          : []),
      ];
      console.error(`compare: ${label}: train-all ${args.join(" ")}`);
      const outcome = await runTrainAllChild(args, {
        onLine: (line) => console.error(`  [${label}] ${line}`),
      });
      const written = await readResults(runDir).catch(() => undefined);
      if (outcome.code === 0 && written) {
        results.push({ results: written, source: join(runDir, "results.json") });
      } else if (outcome.code === 130 || interrupted) {
        interrupted = true;
        if (written) results.push({ results: written, source: join(runDir, "results.json") });
      } else {
        skipped.push({
          machine,
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

  const command = [
    "deno task compare",
    `--models ${models.length === MODEL_NAMES.length ? "all" : models.join(",")}`,
    `--backends ${backends.join(",")}`,
    `--engines ${engines.map((e) => e.name).join(",")}`,
    `--epochs ${epochs}`,
    ...(trainSize ? [`--train-size ${trainSize}`] : [`--short-train-size ${shortTrainSize}`]),
    `--seed ${seed}`,
    ...(flags.fixtures ? ["--fixtures"] : []),
    `--out ${outDir}`,
  ].join(" ");
  const comparison = buildComparison({
    results,
    skipped,
    backendOrder: BACKEND_NAMES,
    command,
  });
  for (const row of comparison.rows) {
    const short = plan.find((p) =>
      p.backend === row.backend && p.engine === row.engine && p.model === row.model
    )?.short;
    if (short && row.status === "measured") {
      row.note = [row.note, "short run: slow backend here"].filter(Boolean).join("; ");
    }
  }
  const paths = await writeComparison(outDir, comparison);
  console.log(summary(comparison.rows));
  console.log(
    `\ncomparison: ${paths.markdown}\n            ${paths.json}\n            ${paths.chart}` +
      (paths.png ? `\n            ${paths.png}` : ""),
  );
  if (paths.pngError) console.error(`compare: no PNG chart (${paths.pngError}); the SVG has it`);
  if (interrupted) {
    console.error(
      `compare: interrupted; continue with:\n  deno task compare --resume --out ${outDir}`,
    );
    return 130;
  }
  return skipped.some((s) => s.status === "failed") ? 1 : 0;
}

function summary(rows: ReturnType<typeof buildComparison>["rows"]): string {
  const cells = rows.map((r) => [
    r.model,
    r.backend,
    r.engine,
    r.status === "measured"
      ? (r.secondsPerEpoch ? `${r.secondsPerEpoch.median.toFixed(1)} s` : "–")
      : r.status,
    r.imagesPerSecond === null ? "–" : r.imagesPerSecond.toFixed(r.imagesPerSecond < 10 ? 2 : 0),
    speedupCell(r.speedup),
    speedupCell(r.engineSpeedup),
    r.batch1P50Ms === null ? "–" : `${r.batch1P50Ms.toFixed(2)} ms`,
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
