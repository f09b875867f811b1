/**
 * The board of machines: for each model, backend and engine in the history
 * store, the machines ranked by their latest run's figure (seconds per epoch
 * by default, or batch-1 latency; lower is better), and, within each
 * machine, GPU over CPU: the speed-up of a GPU backend's epoch over a CPU
 * backend's in the same framework, with its 95% bootstrap interval from the
 * stored samples and its verdict.
 *
 * Only like-for-like runs are ranked together: runs whose setups differ in
 * anything but the CPU, the threads and oneDNN (what differs between
 * machines), or in the device the work ran on, are listed in a group of
 * their own, never ranked against the others. Each group states its setup
 * in words.
 *
 * @module
 */
import { type SetupDifference, setupFieldDifferences } from "../compare/diff.ts";
import { frameworkOf } from "../compare/gpu_cpu_pairs.ts";
import type { RowSetup, VerdictedInterval } from "../compare/row.ts";
import { speedupInterval } from "../compare/verdict.ts";
import type { SeriesPoint } from "./store.ts";

/** The figures a board can rank by (lower is better for both). */
export const RANK_FIGURES = ["epoch_seconds", "batch1_ms"] as const;

/** A name in {@link RANK_FIGURES}. */
export type RankFigure = typeof RANK_FIGURES[number];

/** The samples of one figure of a run, as `HistoryStore.samples` gives them. */
export type SamplesOf = (runId: string, model: string, figure: string) => readonly number[];

/** One machine's latest run on a board. */
export interface BoardEntry {
  /** 1 for the lowest figure of its group. */
  rank: number;
  /** The machine's name. */
  machine: string;
  /** The run's identity in the store. */
  runId: string;
  /** When the run started (ISO). */
  createdAt: string;
  /** The suite's commit, when recorded. */
  gitCommit: string | null;
  /** `partial` or `complete`. */
  status: string;
  /** The figure's median. */
  median: number;
  /** Its 95% interval, or null with too few samples. */
  low: number | null;
  /** Its upper bound, or null. */
  high: number | null;
  /** The figure's unit. */
  unit: string;
  /** Samples behind the median. */
  n: number;
  /** The CPU and threads it ran with (these may differ within a group). */
  cpu: string;
  /** TensorFlow's threads. */
  threads: string;
}

/** Machines whose latest runs were set up alike, ranked. */
export interface BoardGroup {
  /** The setup the group's runs share, in words. */
  setupWords: string;
  /** The setup of its first run (CPU, threads and oneDNN may differ between its runs). */
  setup: RowSetup;
  /** Where the work ran. */
  deviceKind: "gpu" | "cpu" | null;
  /** Its machines, best first. */
  entries: BoardEntry[];
}

/** The board of one model, backend and engine. */
export interface BoardSeries {
  model: string;
  backend: string;
  engine: string;
  /** The figure ranked. */
  figure: RankFigure;
  /** Its groups, the one with the most machines first. */
  groups: BoardGroup[];
}

/** One side of a GPU/CPU ratio: a backend's latest run. */
export interface RatioSide {
  backend: string;
  engine: string;
  runId: string;
  createdAt: string;
  gitCommit: string | null;
  /** Median seconds per epoch. */
  median: number;
}

/** A GPU backend's epoch over a CPU backend's, on one machine and model, in one framework. */
export interface GpuCpuRatio {
  machine: string;
  model: string;
  /** The engine, or the Keras backend (`compare/gpu_cpu_pairs.ts`'s `frameworkOf`). */
  framework: string;
  gpu: RatioSide;
  cpu: RatioSide;
  /** What differs between the two runs' setups beyond CPU, threads and oneDNN; empty when alike. */
  differs: SetupDifference[];
  /** CPU seconds per epoch over GPU seconds (above 1: the GPU is faster); null when set up differently. */
  speedup: number | null;
  /** Its 95% bootstrap interval and verdict (`faster`: the GPU is faster); null without samples. */
  interval: VerdictedInterval | null;
}

/** The whole board. */
export interface Board {
  /** The figure the machines are ranked by. */
  figure: RankFigure;
  /** One per model, backend and engine, in that order. */
  series: BoardSeries[];
  /** GPU over CPU within each machine, by machine, model and framework. */
  gpuOverCpu: GpuCpuRatio[];
}

/** Options of {@link buildBoard}. */
export interface BoardOptions {
  /** The figure to rank by. Default `epoch_seconds`. */
  figure?: RankFigure;
}

/** What may differ between like-for-like runs of different machines. */
const MACHINE_FIELDS = new Set(["CPU", "threads", "oneDNN"]);

/** The setup fields that keep two runs from being ranked or divided together. */
export function unlikeFields(a: RowSetup, b: RowSetup): SetupDifference[] {
  return setupFieldDifferences(a, b).filter((d) => !MACHINE_FIELDS.has(d.what));
}

/**
 * The board of `points` (any series of the store; other figures are
 * ignored). The GPU/CPU ratios always use seconds per epoch; `samples`
 * gives their samples.
 */
export function buildBoard(
  points: readonly SeriesPoint[],
  samples: SamplesOf,
  options: BoardOptions = {},
): Board {
  const figure = options.figure ?? "epoch_seconds";
  const ranked = latestPerMachine(points.filter((p) => p.figure === figure));
  const series = [...Map.groupBy(ranked, (p) => key(p.model, p.backend, p.engine)).values()]
    .map((latest): BoardSeries => ({
      model: latest[0].model,
      backend: latest[0].backend,
      engine: latest[0].engine,
      figure,
      groups: groupsOf(latest),
    }));
  const epochs = figure === "epoch_seconds"
    ? ranked
    : latestPerMachine(points.filter((p) => p.figure === "epoch_seconds"));
  return { figure, series, gpuOverCpu: gpuOverCpu(epochs, samples) };
}

function key(...parts: string[]): string {
  return parts.join("\u0000");
}

/** The latest point of each machine, model, backend and engine, sorted by those. */
function latestPerMachine(points: readonly SeriesPoint[]): SeriesPoint[] {
  const latest = new Map<string, SeriesPoint>();
  for (const p of points) {
    const k = key(p.model, p.backend, p.engine, p.machine);
    const seen = latest.get(k);
    if (!seen || p.createdAt > seen.createdAt) latest.set(k, p);
  }
  const order = (p: SeriesPoint) => [p.model, p.backend, p.engine, p.machine];
  return [...latest.values()].sort((a, b) => compareKeys(order(a), order(b)));
}

function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

/** Whether two runs may be ranked or divided together. */
function alike(a: SeriesPoint, b: SeriesPoint): boolean {
  return a.deviceKind === b.deviceKind && unlikeFields(a.setup, b.setup).length === 0;
}

/** The latest runs of one series in like-for-like groups, each ranked, the largest group first. */
function groupsOf(latest: readonly SeriesPoint[]): BoardGroup[] {
  const groups: SeriesPoint[][] = [];
  for (const p of latest) {
    const group = groups.find((g) => alike(g[0], p));
    if (group) group.push(p);
    else groups.push([p]);
  }
  return groups
    .map((g): BoardGroup => {
      const best = [...g].sort((a, b) =>
        a.median - b.median || compareKeys([a.machine], [b.machine])
      );
      return {
        setupWords: setupWords(g[0].setup, g[0].deviceKind),
        setup: g[0].setup,
        deviceKind: g[0].deviceKind,
        entries: best.map((p, i) => entryOf(p, i + 1)),
      };
    })
    .sort((a, b) =>
      b.entries.length - a.entries.length || a.entries[0].median - b.entries[0].median
    );
}

function entryOf(p: SeriesPoint, rank: number): BoardEntry {
  return {
    rank,
    machine: p.machine,
    runId: p.runId,
    createdAt: p.createdAt,
    gitCommit: p.gitCommit,
    status: p.status,
    median: p.median,
    low: p.low,
    high: p.high,
    unit: p.unit,
    n: p.n,
    cpu: p.setup.cpu,
    threads: p.setup.threads,
  };
}

/**
 * A setup in words, as a group's heading states it: the device, the data,
 * the batch sizes, the sizes and the seed.
 */
export function setupWords(setup: RowSetup, deviceKind: "gpu" | "cpu" | null): string {
  const device = deviceKind === "gpu"
    ? "on a GPU"
    : deviceKind === "cpu"
    ? "on the CPU"
    : "device not known";
  const data = setup.dataSha256 === null
    ? "data checksums not recorded"
    : `data ${setup.dataSha256.slice(0, 12)}…`;
  const inference = setup.inferenceBatchSize === null
    ? "inference batch not recorded"
    : `inference batch ${setup.inferenceBatchSize}`;
  return [
    device,
    data,
    `batch ${setup.batchSize}`,
    inference,
    `${setup.trainSize} training images`,
    `${setup.testSize} test images`,
    `seed ${setup.seed}`,
  ].join(", ");
}

/**
 * Every GPU-over-CPU ratio among the latest epoch figures: per machine,
 * model and framework, each run that really ran on a GPU over each that ran
 * on the CPU.
 */
function gpuOverCpu(latest: readonly SeriesPoint[], samples: SamplesOf): GpuCpuRatio[] {
  const out: GpuCpuRatio[] = [];
  const byFramework = Map.groupBy(latest, (p) => key(p.machine, p.model, frameworkOf(p)));
  for (const points of byFramework.values()) {
    for (const gpu of points.filter((p) => p.deviceKind === "gpu")) {
      for (const cpu of points.filter((p) => p.deviceKind === "cpu")) {
        out.push(ratioOf(gpu, cpu, samples));
      }
    }
  }
  return out;
}

function ratioOf(gpu: SeriesPoint, cpu: SeriesPoint, samples: SamplesOf): GpuCpuRatio {
  const side = (p: SeriesPoint): RatioSide => ({
    backend: p.backend,
    engine: p.engine,
    runId: p.runId,
    createdAt: p.createdAt,
    gitCommit: p.gitCommit,
    median: p.median,
  });
  const differs = unlikeFields(gpu.setup, cpu.setup);
  const alikeRuns = differs.length === 0;
  return {
    machine: gpu.machine,
    model: gpu.model,
    framework: frameworkOf(gpu),
    gpu: side(gpu),
    cpu: side(cpu),
    differs,
    speedup: alikeRuns ? cpu.median / gpu.median : null,
    interval: alikeRuns
      ? speedupInterval(
        samples(cpu.runId, cpu.model, "epoch_seconds"),
        samples(gpu.runId, gpu.model, "epoch_seconds"),
      )
      : null,
  };
}
