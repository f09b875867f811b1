/**
 * `deno task train-all`: trains model1–3 on Fashion-MNIST, evaluates and
 * times them, and writes `results.json`, `report.md`, the trained models and
 * per-epoch checkpoints into the output folder, through the executor of the
 * backend (`src/executors/`). Interrupt it with Ctrl-C and continue with
 * `--resume`.
 *
 * @module
 */
import { resolve } from "node:path";
import { oneDnnState, readCpuFeatures } from "../backends/onednn.ts";
import { BACKEND_NAMES, getBackendSpec, pickBackend } from "../backends/registry.ts";
import { executorFor } from "../executors/registry.ts";
import type { ExecutorJob } from "../executors/types.ts";
import { MODEL_NAMES } from "../models/spec.ts";
import type { ResultsFile } from "../results/schema.ts";
import type { ExperimentEvent } from "../train/experiment.ts";
import { trainAllArgs } from "../train/launcher.ts";
import { checkResumeOneDnn, readPrevious, savedRun } from "../train/resume.ts";
import {
  applyOneDnnChoice,
  oneDnnVariableFromEnv,
  parseFlags,
  printHelp,
  runCli,
  runDataOptions,
  threadsFromEnv,
  timestampedOutDir,
  UsageError,
} from "./_cli.ts";
import { parseRunFlags, resolveRun, SINGLE_RUN_FLAGS, type TaskDefaults } from "./_run_options.ts";
import { interruptible } from "./_interrupt.ts";
import { setupFirst } from "./_setup_first.ts";
import { chooseStore, type RunRecorder, runRecorder } from "./_store.ts";
import { progressReporter } from "./progress.ts";
import {
  checkWritable,
  chromium,
  ensureFreshOutDir,
  parseListen,
  type RunReports,
  runReports,
  summaryTable,
  TRAIN_ALL_TASK,
  trainAllHelp,
  type TrainAllTask,
} from "./_train_all_output.ts";

/** train-all's own defaults: every model, ten epochs. */
const DEFAULTS: TaskDefaults = { models: MODEL_NAMES, epochs: 10 };

/**
 * The `train-all` command with its arguments, as a CLI runs it (also the GPU
 * kit's bundle, which holds no `train_all.ts` of its own to start).
 *
 * @returns The exit code.
 */
export async function trainAllMain(
  args: string[],
  task: TrainAllTask = TRAIN_ALL_TASK,
): Promise<number> {
  const { values } = parseFlags(task.name, {
    args,
    options: {
      ...SINGLE_RUN_FLAGS,
      resume: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      open: { type: "string" },
      store: { type: "string" },
    },
  });
  const flags = parseRunFlags(task.name, values, "one");
  const backend = flags.given.backend;
  const browser = backend !== undefined && getBackendSpec(backend).runsIn === "browser";
  const open = values.open === undefined ? undefined : parseListen(values.open as string);
  if (values.resume && !flags.out) {
    throw new UsageError("--resume: expected --out DIR naming the run to continue");
  }
  // Checked here, before the run's folder is made.
  if (open && !browser) {
    throw new UsageError(
      `--open: expected a browser backend (--backend ${
        BACKEND_NAMES.filter((b) => getBackendSpec(b).runsIn === "browser").join(", ")
      }), got ${backend ?? "none"}`,
    );
  }
  if (values.resume && browser) {
    throw new UsageError(
      `--resume: a run on ${backend} cannot be resumed (its page starts from the beginning); run it again`,
    );
  }
  if (values.help) return printHelp(trainAllHelp(task, DEFAULTS));
  const store = chooseStore(values.store as string | undefined);
  await setupFirst();
  const outDir = resolve(flags.out ?? timestampedOutDir());
  const previous = values.resume ? await readPrevious(outDir) : undefined;
  if (!values.resume) await ensureFreshOutDir(outDir, flags.out !== undefined);
  const saved = previous ? await savedRun(outDir, previous) : undefined;
  const run = resolveRun(flags, { defaults: DEFAULTS, previous: saved });
  if (run.oneDnn) applyOneDnnChoice(run.oneDnn);
  const cpuFeatures = await readCpuFeatures();
  const onednn = oneDnnState(cpuFeatures, oneDnnVariableFromEnv());
  checkResumeOneDnn(previous?.env.onednn, onednn, {
    complete: previous?.status === "complete",
    flagGiven: flags.named.has("onednn") || saved?.oneDnn !== undefined,
  });
  if (previous?.status === "complete") {
    console.error(`train-all: the run in ${outDir} is complete; nothing to do`);
    return 0;
  }
  await checkWritable(outDir);
  const spec = getBackendSpec(run.backend ?? await pickBackend());
  const mode = values.json ? "json" : Deno.stderr.isTerminal() ? "tty" : "lines";
  return await execute(
    {
      // The backend picked here is the one the executor loads: it is not probed twice.
      run: { ...run, backend: spec.name },
      outDir,
      previous,
      machine: {
        cpuFeatures,
        onednn,
        threads: threadsFromEnv(),
        oneDnnVariable: oneDnnVariableFromEnv(),
      },
      data: runDataOptions(),
      browser: spec.runsIn !== "browser" ? undefined : open ? { open } : { chromium: chromium() },
    },
    spec.runsIn,
    mode,
    runRecorder(task.name, store),
  );
}

/** Runs the job on its executor, printing its progress; Ctrl-C stops after the epoch in flight. */
async function execute(
  job: ExecutorJob,
  runsIn: "deno" | "browser",
  mode: "json" | "tty" | "lines",
  recorder: RunRecorder | undefined,
): Promise<number> {
  const { outDir } = job;
  let reports: RunReports | undefined;
  let progress: ((event: ExperimentEvent) => void) | undefined;
  let written: ResultsFile | undefined;
  const stop = interruptible(
    "train-all",
    "stopping after the epoch in flight (Ctrl-C again to quit now)",
  );
  try {
    const { results, interrupted } = await executorFor({ runsIn }).execute({
      ...job,
      signal: stop.signal,
      record: recorder?.record,
      onRecordError: recorder?.onRecordError,
      onStart: async (start) => {
        const { config } = start;
        const command = ["deno task train-all", ...trainAllArgs(start.run, { out: outDir })];
        reports = await runReports(outDir, command.join(" "));
        progress = progressReporter(mode, { label: `${config.backend}, ${config.engine}` });
        if (mode === "json") return;
        const s = config.epochs === 1 ? "" : "s";
        console.error(
          `train-all: ${config.models.join(", ")} on ${start.device}, engine ${config.engine}, ` +
            `${config.epochs} epoch${s}, ${config.trainSize} train / ${config.validationSize} ` +
            `validation / ${config.testSize} test images, seed ${config.seed}` +
            `\ntrain-all: writing to ${outDir}`,
        );
        if (start.notTrained) console.error(`train-all: not trained: ${start.notTrained}`);
      },
      onNote: (line) => mode !== "json" && console.error(`train-all: ${line}`),
      onEvent: async (event) => {
        progress?.(event);
        // report.md follows every write of results.json; report.html each model's end.
        if (event.type === "written") {
          written = event.results;
          await reports?.markdown(event.results);
        }
        if (event.type === "model-done" && written) await reports?.html(written);
      },
    });
    await reports?.html(results);
    if (mode === "json") {
      console.log(JSON.stringify({ type: "done", status: results.status, out: outDir }));
    } else {
      if (runsIn === "deno") console.log(`\n${summaryTable(results)}`);
      console.log(`\n${reports?.summary()}`);
    }
    if (!interrupted) return 0;
    console.error(
      `train-all: interrupted; continue with:\n  deno task train-all --resume --out ${outDir}`,
    );
    return 130;
  } finally {
    recorder?.close();
    stop.dispose();
  }
}

if (import.meta.main) await runCli(() => trainAllMain(Deno.args));
