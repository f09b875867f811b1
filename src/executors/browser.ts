/**
 * The executor of the browser backends (`runsIn: "browser"`): the same run
 * description, data and files, with the models trained and timed in a
 * Chromium page (`src/browser/run.ts`), headless or in a person's own browser.
 *
 * @module
 */
import { join } from "node:path";
import { getBackendSpec } from "../backends/registry.ts";
import type { BrowserEvent } from "../browser/job_wire.ts";
import { runInBrowser } from "../browser/run.ts";
import { getModelSpec } from "../models/spec.ts";
import { forwardFlopsPerImage } from "../models/cost.ts";
import { collectEnvironment } from "../measure/environment.ts";
import type { ExperimentEvent } from "../train/experiment.ts";
import { loadRunData } from "../train/run_data.ts";
import { recordedConfig } from "../train/run_description.ts";
import { RESULTS_FILE } from "../results/writer.ts";
import { savePinnedRun } from "../train/run_file.ts";
import type { Executor } from "./types.ts";

/** Runs the models in a Chromium page on the run's browser backend. */
export const BROWSER_EXECUTOR: Executor = {
  name: "browser",
  description: "a Chromium page, on a browser backend of TF.js",
  async execute(job) {
    const spec = getBackendSpec(job.run.backend ?? "browser-wasm");
    if (!job.browser) {
      throw new TypeError(`${spec.name}: expected a Chromium to drive or an address to serve on`);
    }
    const data = job.preparedData ?? await loadRunData(job.run, job.data);
    const run = await savePinnedRun(job.outDir, job.run, spec.name, data);
    const config = recordedConfig(run, data, spec.name, { nativeGradients: [], nativeKernels: [] });
    const env = await collectEnvironment({
      tfjsVersion: "unknown",
      backend: spec.name,
      machine: run.machine,
      cpuFeatures: job.machine?.cpuFeatures ?? null,
    });
    await job.onStart?.({ run, config, device: `${spec.name} (${spec.description})` });
    await job.onEvent?.({
      type: "run-start",
      models: run.models.map((model) => ({
        model,
        epochsLeft: run.epochs,
        flopsPerImage: forwardFlopsPerImage(getModelSpec(model)),
        complete: false,
      })),
    });
    const results = await runInBrowser({
      backend: { name: spec.name, tfjsBackend: spec.pageBackend! },
      run,
      config,
      data,
      env,
      outDir: job.outDir,
      browser: job.browser,
      onListen: (url) => {
        if ("open" in job.browser!) {
          job.onNote?.(
            `open ${url} in the browser to measure (any browser on this machine); ` +
              "keep its tab in front until it is done",
          );
        }
      },
      onEvent: (event) => {
        const e = experimentEvent(event);
        if (e) job.onEvent?.(e);
        if (event.type === "device") job.onNote?.(`${spec.name}: ${event.device.description}`);
        if (event.type === "model-done" && event.notTrained) {
          job.onNote?.(`${event.run.model} not trained: ${event.notTrained}`);
        }
      },
      onWritten: (r) =>
        job.onEvent?.({ type: "written", path: join(job.outDir, RESULTS_FILE), results: r }),
      record: job.record,
      onRecordError: job.onRecordError,
    });
    return { results, interrupted: false };
  },
};

/** A page's event as the experiment's. */
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
