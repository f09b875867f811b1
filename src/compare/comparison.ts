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
 * Each run's row comes from `comparison_rows.ts`; `comparison_files.ts` reads
 * and writes `compare.json` and its companions.
 *
 * @module
 */
import { DEFAULT_ENGINE, ENGINE_NAMES } from "../engines/registry.ts";
import { machineOf, machineSummary, rowFromSkipped, rowsFromResults } from "./comparison_rows.ts";
import type { ResultsFile } from "../results/schema.ts";
import type { MeasuresRecord } from "../measure/measures.ts";
import { bootstrapRatio, type Interval } from "../_util/stats.ts";
import { speedupVerdict, type Verdict } from "./verdict.ts";
import { MIN_SAMPLES } from "../results/stats.ts";
import { type GpuCpuPair, gpuCpuPairs } from "./gpu_cpu_pairs.ts";

/** The backend every speed-up is measured against. */
export const BASELINE_BACKEND = "tensorflow";

/** Why a row has numbers or not. */
export type RowStatus = "measured" | "unavailable" | "fell-back" | "failed";

/** One model on one backend on one machine. */
export interface ComparisonRow {
  /** Machine name (`env.machine`, the hostname unless `--machine` named it). */
  machine: string;
  /** Model name. */
  model: string;
  /** Backend registry name. */
  backend: string;
  /**
   * The engine (`src/engines/registry.ts`), `"keras"` for the Keras peer, or
   * `"unrecorded"` for a native-backend row of a version-1 comparison.
   */
  engine: string;
  /** What the inference figures time: `"layers"` (`predictOnBatch`) or `"native"`; null when unknown. */
  inferencePath: "layers" | "native" | null;
  /** `"measured"` when the numbers below are filled in. */
  status: RowStatus;
  /** Why it was not measured, or a note on how it was (e.g. a short run). */
  note: string | null;
  /** Why its model was not trained (its backend cannot train), when so; inference was still timed. */
  notTrained?: string;
  /** The device, in words, as the backend reported it. */
  device: string | null;
  /** `"gpu"` only when the work really ran on a GPU. */
  deviceKind: "cpu" | "gpu" | null;
  /** WebGPU on a software rasteriser, not a GPU. */
  softwareAdapter: boolean;
  /** A GPU package that ran on the CPU: no speed-up is claimed for it. */
  fellBackToCpu: boolean;
  /** Forward FLOPs per image of the model. */
  flopsPerImage: number | null;
  /** Training images per epoch. */
  trainSize: number | null;
  /** Epochs trained. */
  epochs: number | null;
  /**
   * Seconds per epoch over the steady epochs (the first left out when there
   * are more), with the 95% bootstrap interval of the median over those
   * epochs (null in comparisons before version 3).
   */
  secondsPerEpoch:
    | { median: number; min: number; max: number; n: number; interval: Interval | null }
    | null;
  /** Training images per second at the median epoch. */
  imagesPerSecond: number | null;
  /**
   * Batch-1 inference latency in milliseconds: percentiles over `runs` calls
   * and the 95% bootstrap interval of the median over them (null where not
   * recorded: comparisons before version 3 kept the p50 only).
   */
  batch1: {
    p50Ms: number;
    p90Ms: number | null;
    p95Ms: number | null;
    p99Ms: number | null;
    runs: number | null;
    interval: Interval | null;
  } | null;
  /** Batched inference throughput, its batch size and the 95% interval of the images/s (over calls). */
  batched: { batchSize: number; imagesPerSecond: number; interval: Interval | null } | null;
  /** Throughput at further batch sizes (e.g. 128 beside 1,024), as `batched`, with each call's milliseconds; absent when none was measured. */
  moreBatched?: {
    batchSize: number;
    imagesPerSecond: number;
    interval: Interval | null;
    samplesMs: number[] | null;
  }[];
  /**
   * The samples the intervals come from: each steady epoch's seconds, each
   * batch-1 call's and each batched call's milliseconds; null where they
   * were not recorded (skipped rows, comparisons before version 3).
   */
  samples: {
    epochSeconds: number[];
    batch1Ms: number[] | null;
    batchedMs: number[] | null;
  } | null;
  /** What a run was set up with, beyond its code: rows that differ here are not the same experiment. */
  setup: RowSetup | null;
  /** Test accuracy and the number of test images. */
  test: { accuracy: number; count: number } | null;
  /** Accuracy after each epoch: validation when there was a split, else training. */
  accuracyPerEpoch: { epoch: number; accuracy: number }[];
  /**
   * Training images/s over the baseline backend's with the same engine, on the
   * same machine and model; null when not claimed.
   */
  speedup: number | null;
  /** The speed-up's 95% bootstrap interval (over both rows' epochs) and its verdict; null with it. */
  speedupInterval: VerdictedInterval | null;
  /**
   * Training images/s over the `tfjs` engine's on the same machine, model and
   * backend (e.g. native over tfjs); null for `tfjs` rows and when not measured.
   */
  engineSpeedup: number | null;
  /** The engine speed-up's 95% bootstrap interval and its verdict; null with it. */
  engineSpeedupInterval: VerdictedInterval | null;
  /** Memory, cold start, time to accuracy and energy; null when not recorded (before schema 3, or not run). */
  measures: MeasuresRecord | null;
  /** Where the row came from (a results file), when known. */
  source: string | null;
  /** When the run started (ISO), to keep the newest of duplicates. */
  createdAt: string | null;
}

/** The interval of a speed-up and what it concludes (`faster`: the row is faster than its base). */
export interface VerdictedInterval extends Interval {
  /** Read from the interval with the default band (`verdict.ts`). */
  verdict: Verdict;
}

/**
 * What a row's run was set up with beyond its code, as `deno task diff`
 * checks before pairing two rows: the data, the kernels, the sizes and the
 * threads.
 */
export interface RowSetup {
  /** SHA-256 of the four data files joined, or null where the run did not record them. */
  dataSha256: string | null;
  /** oneDNN's state in words (`describeOneDnn`). */
  onednn: string;
  /** Training batch size. */
  batchSize: number;
  /** Batch size of the batched inference measurement. */
  inferenceBatchSize: number | null;
  /** Training images per epoch. */
  trainSize: number;
  /** Test images evaluated. */
  testSize: number;
  /** Seed. */
  seed: number;
  /** TensorFlow's intra-op and inter-op threads. */
  threads: string;
  /** CPU model and cores. */
  cpu: string;
}

/** A machine that contributed rows. */
export interface MachineSummary {
  /** Machine name. */
  machine: string;
  /** CPU model, logical cores and recorded vector extensions. */
  cpu: string;
  /** Whether libtensorflow ran oneDNN's kernels, and why; absent in older comparisons. */
  onednn?: string;
  /** GPU name and driver, or why there is none. */
  gpu: string;
  /** libtensorflow version of the libtensorflow backend. */
  tensorflow: string | null;
  /** Deno and TF.js versions. */
  software: string;
  /** Git commit of the suite. */
  gitCommit: string | null;
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

/** A backend that was not run, to be shown as a row with its reason. */
export interface SkippedRun {
  /** Machine name. */
  machine: string;
  /** Model name. */
  model: string;
  /** Backend name. */
  backend: string;
  /** Engine name. */
  engine: string;
  /** Why it has no numbers. */
  status: Exclude<RowStatus, "measured">;
  /** The reason, in words. */
  reason: string;
  /** The device it would have run on, when known. */
  device?: string | null;
  /** Forward FLOPs per image of the model, when known. */
  flopsPerImage?: number | null;
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
    const key = `${row.machine}\u0000${row.model}\u0000${row.backend}\u0000${row.engine}`;
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
  const rank = (backend: string) => {
    const i = backendOrder.indexOf(backend);
    return i === -1 ? backendOrder.length : i;
  };
  const engineRank = (engine: string) => {
    const i = (ENGINE_NAMES as readonly string[]).indexOf(engine);
    return i === -1 ? ENGINE_NAMES.length : i;
  };
  const rows = [...byKey.values()].sort((a, b) =>
    a.machine.localeCompare(b.machine) || a.model.localeCompare(b.model) ||
    rank(a.backend) - rank(b.backend) || a.backend.localeCompare(b.backend) ||
    engineRank(a.engine) - engineRank(b.engine) || a.engine.localeCompare(b.engine)
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

  const machines = new Map<string, MachineSummary>();
  for (const m of options.machines ?? []) machines.set(m.machine, m);
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
  const mine = row.samples?.epochSeconds;
  const theirs = base?.samples?.epochSeconds;
  if (
    !base || !mine || !theirs || mine.length < MIN_SAMPLES || theirs.length < MIN_SAMPLES ||
    !row.trainSize || !base.trainSize
  ) return null;
  const scale = row.trainSize / base.trainSize;
  const times = bootstrapRatio(theirs, mine);
  const interval = { low: times.low * scale, high: times.high * scale };
  return { ...interval, verdict: speedupVerdict(interval) };
}

function scalingRows(rows: readonly ComparisonRow[]): ScalingRow[] {
  const groups = new Map<string, ComparisonRow[]>();
  for (const r of rows) {
    if (r.status !== "measured" || !r.imagesPerSecond || !r.flopsPerImage) continue;
    const key = `${r.machine}\u0000${r.backend}\u0000${r.engine}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const out: ScalingRow[] = [];
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const sorted = [...group].sort((a, b) => a.flopsPerImage! - b.flopsPerImage!);
    const first = sorted[0];
    for (const r of sorted) {
      out.push({
        machine: r.machine,
        backend: r.backend,
        engine: r.engine,
        model: r.model,
        flopsPerImage: r.flopsPerImage!,
        flopsRatio: r.flopsPerImage! / first.flopsPerImage!,
        timeRatio: first.imagesPerSecond! / r.imagesPerSecond!,
        trainingGflops: (3 * r.flopsPerImage! * r.imagesPerSecond!) / 1e9,
      });
    }
  }
  return out;
}
