/**
 * `deno task compare`: the GPU-vs-CPU question answered on this machine.
 * Its flags, help and what it prints; the session that trains and times the
 * chosen models on each backend with each engine that runs there, each in
 * its own `train-all` subprocess, and writes `compare.json`, `compare.md`
 * and `compare.svg`, is `src/drivers/compare.ts`.
 *
 * @module
 */
import { hostname } from "node:os";
import { resolve } from "node:path";
import { BACKEND_NAMES } from "../backends/registry.ts";
import { COMPARED_ENGINES } from "../engines/registry.ts";
import type { Comparison } from "../compare/comparison.ts";
import { speedupCell } from "../report/comparison_markdown.ts";
import { secondsDigits } from "../report/markdown.ts";
import { type CompareRequest, runCompare } from "../drivers/compare.ts";
import { selectBackends, SHORT_RUN } from "../drivers/compare_plan.ts";
import {
  applyOneDnnChoice,
  parseFlags,
  parsePositiveInt,
  printHelp,
  runCli,
  textTable,
  timestampedOutDir,
  UsageError,
} from "./_cli.ts";
import { interruptible } from "./_interrupt.ts";
import { setupFirst } from "./_setup_first.ts";
import { chooseStore } from "./_store.ts";
import {
  engineHelp,
  oneDnnHelp,
  parseRunFlags,
  resolveRun,
  RUN_FLAGS,
  runFlagsHelp,
  type TaskDefaults,
} from "./_run_options.ts";
import { filesHelp } from "../results/output_files.ts";

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
  --short-train-size N  images per epoch on slow backends (cpu, wasm, the browser-* ones,
                        and WebGPU on a software adapter) when --train-size is not given (default ${SHORT_RUN.trainSize});
                        their validation and test sets are cut to the same size, and at
                        most ${SHORT_RUN.maxEpochs} epochs run
${oneDnnHelp("every run")}
  --out DIR             output folder (default results/compare-<timestamp>)
  --resume              continue in --out DIR: finished runs are kept, unfinished ones resumed
  -h, --help            show this help

${filesHelp("compare")}
`;

async function main(): Promise<number> {
  const request = parseCompareFlags(Deno.args);
  if (!request) return printHelp(HELP);
  // The train-all children record into the store this picks (FMNIST_BENCH_STORE).
  chooseStore();
  await setupFirst();
  // Every train-all child inherits the variable, so all rows share one oneDNN setting.
  if (request.run.oneDnn) applyOneDnnChoice(request.run.oneDnn);
  const stop = interruptible(
    "compare",
    "stopping after the run in flight (Ctrl-C again to quit now)",
  );
  let outcome;
  try {
    outcome = await runCompare(request, {
      signal: stop.signal,
      log: (line) => console.error(`compare: ${line}`),
      onChildLine: (label, line) => console.error(`  [${label}] ${line}`),
    });
  } finally {
    stop.dispose();
  }
  const { paths } = outcome;
  console.log(summary(outcome.comparison.rows));
  console.log(
    `\ncomparison: ${paths.markdown}\n            ${paths.json}\n            ${paths.chart}` +
      (paths.png ? `\n            ${paths.png}` : "") +
      (paths.html ? `\n            ${paths.html}` : ""),
  );
  if (paths.pngError) console.error(`compare: no PNG chart (${paths.pngError}); the SVG has it`);
  if (paths.htmlError) console.error(`compare: no compare.html (${paths.htmlError})`);
  if (outcome.interrupted) {
    console.error(
      `compare: interrupted; continue with:\n  deno task compare --resume --out ${request.outDir}`,
    );
    return 130;
  }
  return outcome.failed ? 1 : 0;
}

/** The flags, checked; `undefined` for `--help` (answered after the checks). */
function parseCompareFlags(args: string[]): CompareRequest | undefined {
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

/** The rows as a terminal table. */
function summary(rows: Comparison["rows"]): string {
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
