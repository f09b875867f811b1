/**
 * What `train-all` reads and prints beyond the run's flags: its help,
 * `--open`'s address, and the closing table of the run's results.
 *
 * @module
 */
import type { ResultsFile } from "../results/schema.ts";
import { epochTimes } from "../results/stats.ts";
import { findChromium } from "../backends/chromium.ts";
import { filesHelp } from "../results/output_files.ts";
import { DEFAULT_ENGINE } from "../engines/registry.ts";
import { textTable, UsageError } from "./_cli.ts";
import {
  engineHelp,
  oneDnnHelp,
  runFlagsHelp,
  singleRunHelp,
  type TaskDefaults,
} from "./_run_options.ts";

/** The task that runs train-all: `train-all`, or `browser` with its own default backend. */
export interface TrainAllTask {
  /** The task's name, as `deno task NAME`. */
  name: string;
  /** The backend when `--backend` is not given, in words. */
  backendDefault: string;
}

/** `deno task train-all`. */
export const TRAIN_ALL_TASK: TrainAllTask = Object.freeze({
  name: "train-all",
  backendDefault: "the best available that really runs on its device",
});

/** The `--help` text of train-all (or of `deno task browser`). */
export function trainAllHelp(task: TrainAllTask, defaults: TaskDefaults): string {
  return `Usage: deno task ${task.name} [options]

Trains the models on Fashion-MNIST, evaluates them on the test set, times
training and inference, and writes results.json, report.md, the trained
models and checkpoints into the output folder.

Options:
${runFlagsHelp(defaults)}
${singleRunHelp(defaults).replace(/\(default: [^)]*\)/, `(default: ${task.backendDefault})`)}
${engineHelp("one", [DEFAULT_ENGINE])}
${oneDnnHelp("this run")}
  --out DIR             output folder (default results/<timestamp>)
  --resume              continue the run in --out DIR from its last complete epoch,
                        on its data (its --fixtures or --data-dir need not be repeated)
  --json                JSON lines on stdout instead of progress text
  --open PORT|HOST:PORT|auto
                        with a browser backend: serve its page on this address
                        (default host 127.0.0.1) for any browser to open, instead of
                        driving a headless Chromium; the results are written here and
                        offered to the page as results.json
  -h, --help            show this help

${filesHelp(task.name === "browser" ? "browser" : "train-all")}`;
}

/**
 * `--open`'s value: `PORT`, `HOST:PORT` (`[::1]:PORT` for IPv6) or `auto`
 * (127.0.0.1, any free port).
 *
 * @throws {UsageError} For anything else.
 */
export function parseListen(value: string): { hostname: string; port: number } {
  if (value === "auto" || value === "") return { hostname: "127.0.0.1", port: 0 };
  const m = /^(?:(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):)?(\d{1,5})$/.exec(value);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) {
    throw new UsageError(`--open: expected PORT, HOST:PORT or auto, got ${JSON.stringify(value)}`);
  }
  return { hostname: (m[1] ?? "127.0.0.1").replace(/^\[|\]$/g, ""), port };
}

/** The Chromium that drives a browser backend. */
export function chromium(): string {
  const found = findChromium({
    given: Deno.env.get("FMNIST_CHROMIUM"),
    searchPath: Deno.env.get("PATH"),
  });
  if (!("path" in found)) throw new UsageError(`--backend: ${found.missing}`);
  return found.path;
}

/** The run's results as a terminal table. */
export function summaryTable(results: ResultsFile): string {
  const rows = results.runs.map((r) => {
    const t = epochTimes(r);
    return [
      r.model,
      r.backend,
      r.engine ?? results.config.engine,
      r.test ? `${(r.test.accuracy * 100).toFixed(2)}%` : "–",
      t ? `${t.median.toFixed(1)} s` : "–",
      t ? `${(results.config.trainSize / t.median).toFixed(0)}` : "–",
      r.inference ? `${r.inference.batch1.p50Ms.toFixed(2)} ms` : "–",
      r.inference ? `${r.inference.batched.imagesPerSecond.toFixed(0)}` : "–",
    ];
  });
  return textTable(
    ["model", "backend", "engine", "test acc", "s/epoch", "img/s", "batch-1 p50", "batched img/s"],
    rows,
  );
}
