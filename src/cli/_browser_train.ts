/**
 * `train-all` on a browser backend (`--backend browser-wasm` and the other
 * `runsIn: "browser"` entries of the registry): the same run description,
 * data, progress and files (`results.json`, `report.md`, `report.html`,
 * `run.json`), with the models trained and timed in a Chromium page
 * (`src/browser/run.ts`) instead of this process. `--open` serves the page
 * for a person's own browser instead of driving a headless one.
 *
 * @module
 */
import { join } from "node:path";
import { writeJsonAtomic } from "../_util/fs.ts";
import type { BackendSpec } from "../backends/types.ts";
import { findChromium } from "../backends/chromium.ts";
import { getModelSpec } from "../models/spec.ts";
import { forwardFlopsPerImage } from "../models/cost.ts";
import { runInBrowser } from "../browser/run.ts";
import type { BrowserEvent } from "../browser/job_wire.ts";
import { collectEnvironment } from "../measure/environment.ts";
import type { ResultsFile } from "../results/schema.ts";
import {
  recordedConfig,
  RUN_DEFAULTS,
  RUN_DESCRIPTION_FILE,
  type RunDescription,
} from "../train/run_description.ts";
import type { ExperimentEvent } from "../train/experiment.ts";
import { runDataOptions, UsageError } from "./_cli.ts";
import { trainAllArgs } from "../train/launcher.ts";
import { loadRunData } from "../train/run_data.ts";
import { progressReporter } from "./progress.ts";
import { runReports } from "./_reports.ts";

/** What {@link trainInBrowser} needs from train-all. */
export interface BrowserTrainOptions {
  /** The backend (a `runsIn: "browser"` entry). */
  spec: BackendSpec;
  /** The run, as resolved from the flags. */
  run: RunDescription;
  /** Its folder, fresh. */
  outDir: string;
  /** `--json`, a terminal, or plain lines. */
  mode: "json" | "tty" | "lines";
  /** `--open [HOST:]PORT`: serve for a person's browser instead of driving Chromium. */
  open?: { hostname: string; port: number };
  /** The CPU's extensions, as train-all read them. */
  cpuFeatures: string[] | null;
}

/**
 * Runs the models in the browser and writes the run's files.
 *
 * @returns The exit code.
 */
export async function trainInBrowser(options: BrowserTrainOptions): Promise<number> {
  const { spec, outDir, mode } = options;
  const chromium = options.open ? undefined : findChromium({
    given: Deno.env.get("FMNIST_CHROMIUM"),
    searchPath: Deno.env.get("PATH"),
  });
  if (chromium && !("path" in chromium)) {
    throw new UsageError(`--backend ${spec.name}: ${chromium.missing}`);
  }
  const data = await loadRunData(options.run, runDataOptions());
  const run: RunDescription = {
    ...options.run,
    backend: spec.name,
    dataSource: options.run.dataSource ?? data.source,
    trainSize: data.train.count,
    validationSize: data.validation.count,
    testSize: data.test.count,
  };
  await writeJsonAtomic(join(outDir, RUN_DESCRIPTION_FILE), run);
  const config = {
    ...recordedConfig(run, data, spec.name),
    nativeGradients: [],
    nativeKernels: [],
    trainStep: "fit" as const,
    inferencePath: "layers" as const,
  };
  const env = await collectEnvironment({
    tfjsVersion: "unknown",
    backend: spec.name,
    machine: run.machine,
    cpuFeatures: options.cpuFeatures,
  });
  const command = ["deno task train-all", ...trainAllArgs(run, { out: outDir })].join(" ");
  const reports = await runReports(outDir, command);
  const progress = progressReporter(mode, { label: `${spec.name}, ${config.engine}` });
  progress({
    type: "run-start",
    models: config.models.map((model) => ({
      model,
      epochsLeft: config.epochs,
      flopsPerImage: forwardFlopsPerImage(getModelSpec(model)),
      complete: false,
    })),
  });
  if (mode !== "json") {
    console.error(
      `train-all: ${config.models.join(", ")} on ${spec.name} (${spec.description}), ` +
        `${config.epochs} epoch${config.epochs === 1 ? "" : "s"}, ${config.trainSize} train / ` +
        `${config.validationSize} validation / ${config.testSize} test images, seed ${config.seed}` +
        `\ntrain-all: writing to ${outDir}`,
    );
  }
  const results = await runInBrowser({
    backend: { name: spec.name, tfjsBackend: spec.pageBackend! },
    config,
    data,
    inference: {
      warmup: RUN_DEFAULTS.inferenceWarmup,
      batchedRuns: RUN_DEFAULTS.inferenceBatchedRuns,
    },
    env,
    outDir,
    browser: options.open
      ? { open: options.open }
      : { chromium: (chromium as { path: string }).path },
    onListen: (url) => {
      if (options.open) {
        console.error(
          `train-all: open ${url} in the browser to measure (any browser on this machine); ` +
            "keep its tab in front until it is done",
        );
      }
    },
    onEvent: (event) => {
      const e = experimentEvent(event);
      if (e) progress(e);
      if (event.type === "device" && mode !== "json") {
        console.error(`train-all: ${spec.name}: ${event.device.description}`);
      }
      if (event.type === "model-done" && event.notTrained) {
        console.error(`train-all: ${event.run.model} not trained: ${event.notTrained}`);
      }
    },
    // Each write follows a model's end: report.md and report.html both.
    onWritten: async (r: ResultsFile) => {
      await reports.markdown(r);
      await reports.html(r);
    },
  });
  if (mode === "json") {
    console.log(JSON.stringify({ type: "done", status: results.status, out: outDir }));
  } else {
    console.log(`\n${reports.summary()}`);
  }
  return 0;
}

/** A page's event as the progress lines show train-all's. */
function experimentEvent(event: BrowserEvent): ExperimentEvent | undefined {
  switch (event.type) {
    case "model-start":
      return { type: "model-start", model: event.model, fromEpoch: 1, epochs: event.epochs };
    case "epoch":
      return { type: "epoch", model: event.model, record: event.record, epochs: event.epochs };
    case "phase":
      return { type: "phase", model: event.model, phase: event.phase, detail: "in the page" };
    case "model-done":
      // An untrained model has no test result for the progress line; its own line says why.
      return event.run.test
        ? { type: "model-done", model: event.run.model, run: event.run }
        : undefined;
    default:
      return undefined;
  }
}
