/**
 * A run on a browser backend: bundles the page, serves it with the job and
 * its data on a loopback port, opens it in headless Chromium (or waits for a
 * person to open it in their own browser), and turns what the page reports
 * into the suite's results file, written atomically after every model.
 *
 * @module
 */
import { join } from "node:path";
import { writeJsonAtomic } from "../_util/fs.ts";
import type { PageBackend, PageDevice } from "../backends/browser_page.ts";
import type { DataSplit } from "../data/split.ts";
import type { Environment } from "../measure/environment.ts";
import {
  type ResultsFile,
  type RunConfig,
  SCHEMA_VERSION,
  validateResults,
} from "../results/schema.ts";
import { bundlePage } from "./bundle.ts";
import { openInChromium } from "./driver.ts";
import { type BrowserEvent, type BrowserJob, encodeJobData } from "./job_wire.ts";
import { type PageServer, servePage } from "./server.ts";

/** Options of {@link runInBrowser}. */
export interface BrowserRunOptions {
  /** The suite's backend name (e.g. `browser-wasm`) and the TF.js backend the page sets up. */
  backend: { name: string; tfjsBackend: PageBackend };
  /** The run's configuration, as `results.json` records it. */
  config: RunConfig;
  /** The splits, already sized. */
  data: { train: DataSplit; validation: DataSplit; test: DataSplit };
  /** Untimed batch-1 calls before the timed ones, and timed calls at the large batch. */
  inference: { warmup: number; batchedRuns: number };
  /** The environment of this machine; the page's device and browser are filled in. */
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
  const { config, backend } = options;
  const job: BrowserJob = {
    backend: backend.name,
    tfjsBackend: backend.tfjsBackend,
    engine: config.engine,
    models: config.models,
    epochs: config.epochs,
    batchSize: config.batchSize,
    seed: config.seed,
    learningRate: config.learningRate,
    targetAccuracies: config.targetAccuracies ?? [],
    counts: {
      train: options.data.train.count,
      validation: options.data.validation.count,
      test: options.data.test.count,
    },
    inference: {
      batchSize: config.inferenceBatchSize ?? 1024,
      ...(config.moreInferenceBatchSizes ? { moreBatchSizes: config.moreInferenceBatchSizes } : {}),
      runs: config.inferenceRuns ?? 100,
      warmup: options.inference.warmup,
      batchedRuns: options.inference.batchedRuns,
    },
    wasmPaths: "/wasm/",
  };
  const createdAt = new Date().toISOString();
  const mode = "chromium" in options.browser ? "headless" : "open";
  let results: ResultsFile | undefined;
  let version = "unknown";
  let finish!: () => void;
  let fail!: (err: Error) => void;
  const finished = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const write = async (status: ResultsFile["status"]) => {
    results!.status = status;
    results!.updatedAt = new Date().toISOString();
    validateResults(results, `the ${backend.name} results`);
    await writeJsonAtomic(join(options.outDir, "results.json"), results);
    await options.onWritten?.(results!);
  };
  const onEvent = async (event: BrowserEvent): Promise<ResultsFile | undefined> => {
    if (event.type === "device") {
      results = {
        schemaVersion: SCHEMA_VERSION,
        createdAt,
        updatedAt: createdAt,
        status: "partial",
        env: withBrowser(options.env, event.device, event.tfjs, version, mode, backend.name),
        config,
        runs: [],
      };
      await write("partial");
    } else if (event.type === "model-done") {
      if (!results) throw new Error("the page finished a model before reporting its device");
      results.runs.push({
        ...event.run,
        ...(event.notTrained ? { notTrained: event.notTrained } : {}),
      });
      await write(results.runs.length === config.models.length ? "complete" : "partial");
    } else if (event.type === "done") {
      finish();
      options.onEvent?.(event);
      // The reply: the page offers it for download (a person's own browser, with --open).
      return results;
    } else if (event.type === "failed") {
      fail(new Error(`the ${backend.name} page failed: ${event.message}`));
    }
    options.onEvent?.(event);
    return undefined;
  };
  const bundle = await bundlePage();
  const server: PageServer = servePage({
    bundle,
    job,
    data: encodeJobData(options.data),
    onEvent,
    ...("open" in options.browser ? options.browser.open : {}),
  });
  try {
    options.onListen?.(server.url);
    if ("chromium" in options.browser) {
      const driven = await openInChromium(options.browser.chromium, server.url, options.onConsole);
      version = driven.version;
      if (results) results.env.browser!.version = version;
      try {
        await Promise.race([finished, driven.failed]);
      } finally {
        await driven.close();
      }
    } else {
      await finished;
    }
  } finally {
    await server.close();
  }
  if (!results) throw new Error(`the ${backend.name} page ended without reporting its device`);
  return results;
}

/** The environment with the page's device and the browser filled in. */
function withBrowser(
  env: Environment,
  device: PageDevice,
  tfjs: string,
  version: string,
  mode: "headless" | "open",
  backend: string,
): Environment {
  const headless = /HeadlessChrome\/([\d.]+)/.exec(device.userAgent);
  return {
    ...env,
    tfjs,
    tensorflow: null,
    backend,
    device: device.description,
    deviceInfo: {
      kind: device.kind,
      ...(device.softwareRenderer ? { softwareAdapter: true } : {}),
    },
    browser: {
      version: version !== "unknown"
        ? version
        : headless
        ? `HeadlessChrome/${headless[1]}`
        : "unknown",
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
