/**
 * The comparison behind `deno task compare` and `deno task merge`: result
 * files from any number of runs, backends, engines and machines become one
 * table of rows keyed by machine, model, backend and engine, with the
 * speed-up against the native CPU backend running the same engine on the
 * same machine, the speed-up of each engine over `tfjs` on the same backend,
 * and the growth of cost from model to model beside the FLOPs. A speed-up
 * never divides figures of two different engines across backends.
 *
 * Backends that did not run are rows too, with their reason, so a missing GPU
 * or a GPU package that fell back to the CPU is shown, never hidden.
 *
 * A row's fields are in `row.ts`, each run's row comes from
 * `comparison_rows.ts`; `comparison_files.ts` reads `compare.json`.
 *
 * @module
 */
import { DEFAULT_ENGINE, ENGINE_NAMES } from "../engines/registry.ts";
import { machineOf, machineSummary, rowFromSkipped, rowsFromResults } from "./comparison_rows.ts";
import type { ResultsFile } from "../results/schema.ts";
import { type GpuCpuPair, gpuCpuPairs } from "./gpu_cpu_pairs.ts";
import type { ComparisonRow, MachineSummary, SkippedRun, VerdictedInterval } from "./row.ts";
import { rowKey } from "./row.ts";
import { speedupInterval } from "./verdict.ts";

/** The backend every speed-up is measured against. */
export const BASELINE_BACKEND = "tensorflow";

/** The whole comparison, as written to `compare.json`. */
export interface Comparison {
  /** Identifies the file kind. */
  kind: "fmnist-bench-comparison";
  /**
   * Version of this layout: 3 since rows carry their samples, intervals and
   * setup; 2 since rows name their engine (versions 1 and 2 are still read).
   */
  version: 3;
  /** ISO time it was built. */
  createdAt: string;
  /** The command that made it, when known. */
  command: string | null;
  /** Speed-ups are against this backend, running the same engine. */
  baseline: string;
  /** Every row, sorted by machine, model, backend registry order, then engine registry order. */
  rows: ComparisonRow[];
  /** Cost growth across models, for machines and backends that ran several. */
  scaling: ScalingRow[];
  /** Each machine's environment. */
  machines: MachineSummary[];
  /**
   * GPU over CPU within one framework on one machine (`gpu_cpu_pairs.ts`);
   * absent in comparisons written before it (`buildComparison` recomputes it from the rows).
   */
  gpuOverCpu?: GpuCpuPair[];
  /** Duplicates that were dropped in favour of a newer run, and similar notes. */
  notes: string[];
}

/** Options for {@link buildComparison}. */
export interface BuildComparisonOptions {
  /** Result files with where each came from. */
  results?: readonly { results: ResultsFile; source: string | null }[];
  /** Rows from earlier comparisons (`compare.json`), merged in as they are. */
  rows?: readonly ComparisonRow[];
  /** Backends that did not run. */
  skipped?: readonly SkippedRun[];
  /** Order of backends within a model, best first. Default: alphabetical after the baseline. */
  backendOrder?: readonly string[];
  /** The command that made it. Default `null`. */
  command?: string | null;
  /** Machine summaries from earlier comparisons, merged in. */
  machines?: readonly MachineSummary[];
  /** Build time. Default: now. */
  now?: Date;
}

/**
 * Merges results, earlier rows and skipped backends into one comparison.
 * Rows are keyed by machine, model, backend and engine: of duplicates the
 * newest measured run is kept (a measured row always beats a skipped one),
 * and each drop is listed in `notes`. Speed-ups are training images/s over
 * the baseline backend's with the same engine on the same machine and model;
 * engine speed-ups are over the `tfjs` engine's on the same backend; none is
 * claimed for a GPU package that fell back to the CPU.
 */
export function buildComparison(options: BuildComparisonOptions): Comparison {
  const { backendOrder = [], command = null, now = new Date() } = options;
  const candidates: ComparisonRow[] = [
    ...(options.rows ?? []).map((r) => ({ ...r })),
    ...(options.results ?? []).flatMap((r) => rowsFromResults(r.results, r.source)),
    ...(options.skipped ?? []).map(rowFromSkipped),
  ];
  const notes: string[] = [];
  const byKey = new Map<string, ComparisonRow>();
  for (const row of candidates) {
    const key = rowKey(row);
    const held = byKey.get(key);
    if (!held) {
      byKey.set(key, row);
      continue;
    }
    const [keep, drop] = preferred(held, row);
    byKey.set(key, keep);
    if (drop.status === "measured") {
      notes.push(
        `${drop.machine} ${drop.model} ${drop.backend} ${drop.engine}: kept the run of ${
          keep.createdAt ?? "?"
        }` +
          ` over ${drop.createdAt ?? "?"}${drop.source ? ` (${drop.source})` : ""}`,
      );
    }
  }
  // A name's place in `order`, names not in it last, then alphabetical.
  const byOrder = (order: readonly string[], x: string, y: string) => {
    const rank = (n: string) => order.includes(n) ? order.indexOf(n) : order.length;
    return rank(x) - rank(y) || x.localeCompare(y);
  };
  const rows = [...byKey.values()].sort((a, b) =>
    a.machine.localeCompare(b.machine) || a.model.localeCompare(b.model) ||
    byOrder(backendOrder, a.backend, b.backend) || byOrder(ENGINE_NAMES, a.engine, b.engine)
  );
  for (const row of rows) {
    const base = baseOf(row, rows, (r) => r.backend === BASELINE_BACKEND);
    row.speedup = speedupOver(row, base);
    row.speedupInterval = speedupIntervalOver(row, base);
    const engineBase = row.engine === DEFAULT_ENGINE
      ? undefined
      : baseOf(row, rows, (r) => r.backend === row.backend, DEFAULT_ENGINE);
    row.engineSpeedup = speedupOver(row, engineBase);
    row.engineSpeedupInterval = speedupIntervalOver(row, engineBase);
  }

  const machines = new Map((options.machines ?? []).map((m) => [m.machine, m]));
  // A machine is summed up from a TF.js run where it has one (a Keras run's software is Keras's):
  // the stable sort puts every machine's TF.js runs before its Keras runs.
  const tfjsFirst = [...(options.results ?? [])].sort((a, b) =>
    Number(Boolean(a.results.env.keras)) - Number(Boolean(b.results.env.keras))
  );
  for (const { results } of tfjsFirst) {
    const name = machineOf(results);
    if (!machines.has(name)) machines.set(name, machineSummary(results));
  }
  return {
    kind: "fmnist-bench-comparison",
    version: 3,
    createdAt: now.toISOString(),
    command,
    baseline: BASELINE_BACKEND,
    rows,
    scaling: scalingRows(rows),
    machines: [...machines.values()].sort((a, b) => a.machine.localeCompare(b.machine)),
    gpuOverCpu: gpuCpuPairs(rows),
    notes,
  };
}

/** Of two rows with the same key, the one to keep first. */
function preferred(a: ComparisonRow, b: ComparisonRow): [ComparisonRow, ComparisonRow] {
  if ((a.status === "measured") !== (b.status === "measured")) {
    return a.status === "measured" ? [a, b] : [b, a];
  }
  return (b.createdAt ?? "") > (a.createdAt ?? "") ? [b, a] : [a, b];
}

/**
 * The measured row on the same machine and model as `row` that `isBase`
 * picks, running `engine` (default: the row's own); undefined when either
 * is not measured or the row fell back.
 */
function baseOf(
  row: ComparisonRow,
  rows: readonly ComparisonRow[],
  isBase: (r: ComparisonRow) => boolean,
  engine = row.engine,
): ComparisonRow | undefined {
  if (row.status !== "measured" || row.fellBackToCpu || row.imagesPerSecond === null) {
    return undefined;
  }
  return rows.find((r) =>
    r.machine === row.machine && r.model === row.model && r.engine === engine && isBase(r) &&
    r.status === "measured" && !r.fellBackToCpu && r.imagesPerSecond !== null
  );
}

/** Training images/s of `row` over its base's; null without a base. */
function speedupOver(row: ComparisonRow, base: ComparisonRow | undefined): number | null {
  return base?.imagesPerSecond ? row.imagesPerSecond! / base.imagesPerSecond : null;
}

/**
 * The speed-up's 95% interval: the base's epoch seconds over the row's
 * (bootstrapped independently), scaled by their training sizes; null
 * without a base or without two steady epochs on each side.
 */
function speedupIntervalOver(
  row: ComparisonRow,
  base: ComparisonRow | undefined,
): VerdictedInterval | null {
  if (!base || !row.trainSize || !base.trainSize) return null;
  const scale = row.trainSize / base.trainSize;
  return speedupInterval(base.samples?.epochSeconds, row.samples?.epochSeconds, scale);
}

/** How training cost grows from one model to the next, on one machine and backend. */
export interface ScalingRow {
  /** Machine name. */
  machine: string;
  /** Backend name. */
  backend: string;
  /** Engine name. */
  engine: string;
  /** Model name. */
  model: string;
  /** Forward FLOPs per image. */
  flopsPerImage: number;
  /** FLOPs per image over the smallest model's on the same machine, backend and engine. */
  flopsRatio: number;
  /** Training seconds per image over the smallest model's. */
  timeRatio: number;
  /** Training work done per second, counting a step as three forward passes. */
  trainingGflops: number;
}

/** The scaling rows of `rows`: each group of two or more measured models, against its smallest. */
export function scalingRows(rows: readonly ComparisonRow[]): ScalingRow[] {
  const measured = rows.filter((r) =>
    r.status === "measured" && r.imagesPerSecond && r.flopsPerImage
  );
  const groups = Map.groupBy(measured, (r) => `${r.machine}\u0000${r.backend}\u0000${r.engine}`);
  return [...groups.values()].filter((g) => g.length >= 2).flatMap((group) => {
    const sorted = [...group].sort((a, b) => a.flopsPerImage! - b.flopsPerImage!);
    const first = sorted[0];
    return sorted.map((r) => ({
      machine: r.machine,
      backend: r.backend,
      engine: r.engine,
      model: r.model,
      flopsPerImage: r.flopsPerImage!,
      flopsRatio: r.flopsPerImage! / first.flopsPerImage!,
      timeRatio: first.imagesPerSecond! / r.imagesPerSecond!,
      trainingGflops: (3 * r.flopsPerImage! * r.imagesPerSecond!) / 1e9,
    }));
  });
}
