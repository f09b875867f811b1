/**
 * What `train-all` reads, writes and prints beyond the run's flags: its help,
 * `--open`'s address, the checks of its output folder before anything is
 * written there (one that already holds a run, one that cannot be written),
 * the reports beside its `results.json` (`report.md` after every write of the
 * results, `report.html` when a model is done and when the run ends; the
 * page's chart scripts are read once, and without them the page is not
 * written and one line says why), and the closing table of the run's results.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { exists, writeFileAtomic } from "../_util/fs.ts";
import { type ChartScript, loadChartScripts } from "../report/html_assets.ts";
import { renderReportHtml } from "../report/html.ts";
import { renderReport } from "../report/report.ts";
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
training and inference, and writes the files below into the output folder.

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
  --store PATH|off      the history store the run is recorded in (default
                        FMNIST_BENCH_STORE, else ~/.local/share/fmnist-bench/history.sqlite;
                        docs/history.md)
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

/**
 * Refuses a folder that already holds a run.
 *
 * @param named Whether the user named the folder (`--out`), for the hint.
 * @throws {UsageError} Naming the folder and `--resume`.
 */
export async function ensureFreshOutDir(outDir: string, named: boolean): Promise<void> {
  const existing = await exists(join(outDir, "results.json"));
  if (existing) {
    throw new UsageError(
      `--out ${outDir}: it already holds a run; add --resume to continue it${
        named ? ", or pick another folder" : ""
      }`,
    );
  }
}

/**
 * Checks that `outDir` can be written by writing a probe file into it. Folders
 * it had to create for that are removed again, so a run refused later (say,
 * for an unavailable backend) leaves nothing behind.
 */
export async function checkWritable(outDir: string): Promise<void> {
  let top = outDir; // the highest folder this check creates
  while (dirname(top) !== top && !(await exists(dirname(top)))) top = dirname(top);
  const created = !(await exists(top));
  try {
    await Deno.mkdir(outDir, { recursive: true });
    const probe = join(outDir, `.write-check-${crypto.randomUUID()}`);
    await Deno.writeTextFile(probe, "");
    await Deno.remove(probe);
  } catch (err) {
    throw new UsageError(
      `--out ${outDir}: expected a folder that can be written, but ${(err as Error).message}`,
    );
  } finally {
    if (created) await Deno.remove(top, { recursive: true }).catch(() => {});
  }
}

/** A run's report writer. */
export interface RunReports {
  /** Writes `report.md`. */
  markdown(results: ResultsFile): Promise<void>;
  /** Writes `report.html`, where the chart scripts were found. */
  html(results: ResultsFile): Promise<void>;
  /** The lines that name the run's files, as train-all prints them at the end. */
  summary(): string;
}

/** Starts the reports of the run in `outDir`, made by `command`. */
export async function runReports(outDir: string, command: string): Promise<RunReports> {
  const scripts: ChartScript[] | null = await loadChartScripts().catch((err: Error) => {
    console.error(`train-all: report.html is not written: ${err.message.split("\n")[0]}`);
    return null;
  });
  return {
    markdown: (results) =>
      writeFileAtomic(join(outDir, "report.md"), renderReport(results, command)),
    html: async (results) => {
      if (scripts) {
        await writeFileAtomic(
          join(outDir, "report.html"),
          renderReportHtml(results, scripts, command),
        );
      }
    },
    summary: () =>
      `results: ${join(outDir, "results.json")}\nreport:  ${join(outDir, "report.md")}` +
      (scripts ? `\n         ${join(outDir, "report.html")}` : ""),
  };
}
