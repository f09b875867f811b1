/**
 * A run on a browser backend: bundles the page, serves it with the job and
 * its data on a loopback port, opens it in headless Chromium (or waits for a
 * person to open it in their own browser), and turns what the page reports
 * into the suite's results file, written atomically after every model.
 *
 * @module
 */
import type { PageBackend, PageDevice } from "../backends/browser_page.ts";
import type { DataSplit } from "../data/split.ts";
import type { Environment } from "../measure/environment.ts";
import type { ResultsFile, RunConfig } from "../results/schema.ts";
import {
  createResultsWriter,
  type ResultsWriter,
  type ResultsWriterOptions,
} from "../results/writer.ts";
import {
  inferenceTimingFor,
  type RunDescription,
  targetAccuraciesFor,
} from "../train/run_description.ts";
import { bundlePage } from "./bundle.ts";
import { openInChromium } from "./driver.ts";
import { type BrowserEvent, type BrowserJob, encodeJobData } from "./job_wire.ts";
import { type PageServer, servePage } from "./server.ts";

/** Options of {@link runInBrowser}. */
export interface BrowserRunOptions {
  /** The suite's backend name (e.g. `browser-wasm`) and the TF.js backend the page sets up. */
  backend: { name: string; tfjsBackend: PageBackend };
  /** What to run: models, epochs, batch size, seed, learning rate, inference settings. */
  run: RunDescription;
  /** The run's configuration, as `results.json` records it (`recordedConfig`). */
  config: RunConfig;
  /** The splits, already sized. */
  data: { train: DataSplit; validation: DataSplit; test: DataSplit };
  /** The environment of this machine and backend; the page's device and browser are filled in. */
  env: Environment;
  /** Where `results.json` goes. */
  outDir: string;
  /**
   * `{ chromium }`: drive that Chromium headless. `{ open }`: serve on that
   * host and port (0: any) and wait for a person's browser; `onListen` gets
   * the address.
   */
  browser: { chromium: string } | { open: { hostname: string; port: number } };
  /** The page's address, once it is served. Default: none. */
  onListen?: (url: string) => void;
  /** Each event of the page, after it is recorded. Default: none. */
  onEvent?: (event: BrowserEvent) => void;
  /** Each write of the results. Default: none. */
  onWritten?: (results: ResultsFile) => Promise<void> | void;
  /** Records each write beside the file (the history store); see `ResultsWriterOptions`. */
  record?: ResultsWriterOptions["record"];
  /** Told once why recording failed; the run goes on. */
  onRecordError?: ResultsWriterOptions["onRecordError"];
  /** The browser's console, line by line (headless only). Default: none. */
  onConsole?: (line: string) => void;
}

/**
 * Runs every model of the configuration in the page and returns the results
 * as written.
 *
 * @throws {Error} When the page fails or the browser cannot start; the results so far are kept.
 */
export async function runInBrowser(options: BrowserRunOptions): Promise<ResultsFile> {
  const job = browserJob(options);
  const recorder = pageRecorder(options);
  const bundle = await bundlePage();
  const server: PageServer = servePage({
    bundle,
    job,
    data: await encodeJobData(options.data),
    onEvent: recorder.onEvent,
    ...("open" in options.browser ? options.browser.open : {}),
  });
  try {
    options.onListen?.(server.url);
    await pageFinished(options, server.url, recorder);
  } finally {
    await server.close();
  }
  const writer = recorder.writer();
  if (!writer) {
    throw new Error(`the ${options.backend.name} page ended without reporting its device`);
  }
  return writer.results;
}

/** The job the page runs: the run's description, sized to the data. */
function browserJob(options: BrowserRunOptions): BrowserJob {
  const { run, backend, data: { train, validation, test } } = options;
  return {
    backend: backend.name,
    tfjsBackend: backend.tfjsBackend,
    run,
    targetAccuracies: targetAccuraciesFor(run),
    counts: { train: train.count, validation: validation.count, test: test.count },
    inference: inferenceTimingFor(run, test.count),
    wasmPaths: "/wasm/",
  };
}

/** Records what the page reports into the results file. */
interface PageRecorder {
  /** Handles one event of the page; returns the reply to send back, if any. */
  onEvent: (event: BrowserEvent) => Promise<ResultsFile | undefined>;
  /** Settles when the page is done (or rejects when it failed). */
  finished: Promise<void>;
  /** The results' writer, once the page has reported its device. */
  writer(): ResultsWriter | undefined;
  /** Records the browser's version, once known. */
  setBrowserVersion(version: string): void;
}

/** A recorder for the page's events; it writes the results after every model. */
function pageRecorder(options: BrowserRunOptions): PageRecorder {
  const { run, config, backend } = options;
  const mode = "chromium" in options.browser ? "headless" : "open";
  let writer: ResultsWriter | undefined;
  let version = "unknown";
  const { promise: finished, resolve: finish, reject: fail } = Promise.withResolvers<void>();
  const onEvent = async (event: BrowserEvent): Promise<ResultsFile | undefined> => {
    if (event.type === "device") {
      writer = await createResultsWriter({
        outDir: options.outDir,
        env: withBrowser(options.env, event.device, event.tfjs, version, mode),
        config,
        label: `the ${backend.name} results`,
        onWritten: (results) => options.onWritten?.(results),
        record: options.record,
        onRecordError: options.onRecordError,
      });
    } else if (event.type === "model-done") {
      if (!writer) throw new Error("the page finished a model before reporting its device");
      const { results } = writer;
      results.status = results.runs.length + 1 === run.models.length ? "complete" : "partial";
      await writer.putRun({
        ...event.run,
        ...(event.notTrained ? { notTrained: event.notTrained } : {}),
      });
    } else if (event.type === "done") {
      finish();
      options.onEvent?.(event);
      // The reply: the page offers it for download (a person's own browser, with --open).
      return writer?.results;
    } else if (event.type === "failed") {
      fail(new Error(`the ${backend.name} page failed: ${event.message}`));
    }
    options.onEvent?.(event);
    return undefined;
  };
  return {
    onEvent,
    finished,
    writer: () => writer,
    setBrowserVersion(v) {
      version = v;
      if (writer) writer.results.env.browser!.version = version;
    },
  };
}

/** Opens the page in headless Chromium, or waits for a person's browser, until the page is done. */
async function pageFinished(
  options: BrowserRunOptions,
  url: string,
  recorder: PageRecorder,
): Promise<void> {
  if (!("chromium" in options.browser)) return await recorder.finished;
  const driven = await openInChromium(options.browser.chromium, url, options.onConsole);
  recorder.setBrowserVersion(driven.version);
  try {
    await Promise.race([recorder.finished, driven.failed]);
  } finally {
    await driven.close();
  }
}

/** The environment with the page's device and the browser filled in. */
function withBrowser(
  env: Environment,
  device: PageDevice,
  tfjs: string,
  version: string,
  mode: "headless" | "open",
): Environment {
  const headless = /HeadlessChrome\/([\d.]+)/.exec(device.userAgent);
  const fromAgent = headless ? `HeadlessChrome/${headless[1]}` : "unknown";
  return {
    ...env,
    tfjs,
    tensorflow: null,
    device: device.description,
    deviceInfo: {
      kind: device.kind,
      ...(device.softwareRenderer ? { softwareAdapter: true } : {}),
    },
    browser: {
      version: version !== "unknown" ? version : fromAgent,
      userAgent: device.userAgent,
      mode,
      crossOriginIsolated: device.crossOriginIsolated,
      softwareRenderer: device.softwareRenderer,
      ...(device.webgl ? { webgl: device.webgl } : {}),
      ...(device.webgpu ? { webgpu: device.webgpu } : {}),
      ...(device.wasm ? { wasm: device.wasm } : {}),
    },
  };
}
