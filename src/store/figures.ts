/**
 * What the history store keeps of a results file: the run's identity and
 * facts, and each model's headline figures (median, 95% interval, unit and
 * the samples the interval comes from), derived as comparisons derive them
 * (`compare/comparison_rows.ts`).
 *
 * A run's identity is the SHA-256 of its machine, `createdAt`, backend,
 * engine and models: a resumed run keeps its `createdAt`, so it stays one
 * run as it grows, and the same file imported twice is the same run.
 *
 * @module
 */
import { sha256Hex } from "../_util/hash.ts";
import { machineOf, rowsFromResults, setupOf } from "../compare/comparison_rows.ts";
import type { ResultsFile } from "../results/schema.ts";

/** One figure of one model in one run. */
export interface StoredFigure {
  /** Model name. */
  model: string;
  /** Backend of the model's run. */
  backend: string;
  /** Engine of the model's run. */
  engine: string;
  /** `epoch_seconds`, `batch1_ms`, `batched_img_s` or `test_accuracy`. */
  name: FigureName;
  /** The median (the accuracy itself for `test_accuracy`). */
  median: number;
  /** The 95% bootstrap interval of the median, or null with too few samples. */
  low: number | null;
  /** Its upper bound, or null. */
  high: number | null;
  /** `s`, `ms`, `img/s` or `fraction`. */
  unit: string;
  /** Samples behind the median (test images for `test_accuracy`). */
  n: number;
  /** The samples, in the figure's unit, in order (none for `test_accuracy`). */
  samples: number[];
}

/** The figures the store keeps of a model. */
export const FIGURE_NAMES = [
  "epoch_seconds",
  "batch1_ms",
  "batched_img_s",
  "test_accuracy",
] as const;

/** A name in {@link FIGURE_NAMES}. */
export type FigureName = typeof FIGURE_NAMES[number];

/** A run as the store keeps it. */
export interface StoredRun {
  /** The stable identity (see the module doc). */
  id: string;
  /** `env.machine`, or a name made from the CPU. */
  machine: string;
  /** The suite's commit, when known. */
  gitCommit: string | null;
  /** When the run started (ISO). */
  createdAt: string;
  /** When its results were last written (ISO). */
  updatedAt: string;
  /** Deno's version. */
  deno: string;
  /** TF.js's version. */
  tfjs: string;
  /** libtensorflow's version, when it ran. */
  tensorflow: string | null;
  /** Backend. */
  backend: string;
  /** Engine. */
  engine: string;
  /** The environment, as JSON. */
  envJson: string;
  /** The configuration, as JSON. */
  configJson: string;
  /** SHA-256 of the four data files, joined by spaces, when recorded. */
  dataSha256: string | null;
  /** `partial` or `complete`. */
  status: string;
  /** The file it was read from, when imported. */
  source: string | null;
  /** Each model's figures. */
  figures: StoredFigure[];
}

/** The identity of a results file's run. */
export function runId(results: ResultsFile): string {
  const { config } = results;
  return sha256Hex(JSON.stringify([
    machineOf(results),
    results.createdAt,
    config.backend,
    config.engine,
    config.models,
  ]));
}

/** What the store keeps of a results file. */
export function storedRun(results: ResultsFile, source: string | null = null): StoredRun {
  const { env, config } = results;
  return {
    id: runId(results),
    machine: machineOf(results),
    gitCommit: env.gitCommit,
    createdAt: results.createdAt,
    updatedAt: results.updatedAt,
    deno: env.deno,
    tfjs: env.tfjs,
    tensorflow: env.tensorflow,
    backend: config.backend,
    engine: config.engine,
    envJson: JSON.stringify(env),
    configJson: JSON.stringify(config),
    dataSha256: setupOf(results).dataSha256,
    status: results.status,
    source,
    figures: rowsFromResults(results).flatMap((row, i) => {
      const batchedRuns = results.runs[i].inference?.batched.runs;
      const base = { model: row.model, backend: row.backend, engine: row.engine };
      const figures: StoredFigure[] = [];
      const epochs = row.secondsPerEpoch;
      if (epochs) {
        figures.push({
          ...base,
          name: "epoch_seconds",
          median: epochs.median,
          ...bounds(epochs.interval),
          unit: "s",
          n: epochs.n,
          samples: row.samples?.epochSeconds ?? [],
        });
      }
      if (row.batch1) {
        const samples = row.samples?.batch1Ms ?? [];
        figures.push({
          ...base,
          name: "batch1_ms",
          median: row.batch1.p50Ms,
          ...bounds(row.batch1.interval),
          unit: "ms",
          n: row.batch1.runs ?? samples.length,
          samples,
        });
      }
      if (row.batched) {
        const { batchSize } = row.batched;
        const samples = (row.samples?.batchedMs ?? []).map((ms) => batchSize / (ms / 1000));
        figures.push({
          ...base,
          name: "batched_img_s",
          median: row.batched.imagesPerSecond,
          ...bounds(row.batched.interval),
          unit: "img/s",
          n: batchedRuns ?? samples.length,
          samples,
        });
      }
      if (row.test) {
        figures.push({
          ...base,
          name: "test_accuracy",
          median: row.test.accuracy,
          low: null,
          high: null,
          unit: "fraction",
          n: row.test.count,
          samples: [],
        });
      }
      return figures;
    }),
  };
}

function bounds(interval: { low: number; high: number } | null) {
  return { low: interval?.low ?? null, high: interval?.high ?? null };
}
