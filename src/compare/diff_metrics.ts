/**
 * The timed figures `deno task diff` compares (epoch time, batch-1 latency,
 * batched time per call), and one figure's change between a base and a new
 * group of runs: the ratio of medians, its 95% bootstrap interval and its
 * verdict.
 *
 * @module
 */
import { type Interval, median } from "../_util/stats.ts";
import type { ComparisonRow } from "./row.ts";
import { isSignificantSlowdown, ratioInterval, type Verdict, verdictOf } from "./verdict.ts";

/** A timed figure the diff compares, where its samples are and what they measure. */
export interface DiffMetric {
  /** Short name, as `--metrics` takes it. */
  name: "epoch" | "batch1" | "batched";
  /** In words, for the reports. */
  label: string;
  /** The samples: times, so a ratio above 1 is slower. */
  samples: (row: ComparisonRow) => readonly number[] | null | undefined;
  /** Over what the interval is drawn. */
  over: string;
}

/**
 * The figures judged when each side is one process: the epoch time, whose
 * samples are epochs of hundreds of steps each. Latency varies more between
 * two processes than within one (BENCHMARKS.md, "Two idle runs of one
 * commit"), which an interval over one process's calls cannot hold: it is
 * judged over repeated runs only, each run's median a sample.
 */
export const JUDGED_FROM_ONE_RUN: readonly DiffMetric["name"][] = ["epoch"];

/** Every figure the diff compares, in report order. */
export const DIFF_METRICS: readonly DiffMetric[] = [
  {
    name: "epoch",
    label: "s/epoch",
    samples: (r) => r.samples?.epochSeconds,
    over: "steady epochs",
  },
  {
    name: "batch1",
    label: "batch-1 latency",
    samples: (r) => r.samples?.batch1Ms,
    over: "batch-1 calls",
  },
  {
    name: "batched",
    label: "batched time per call",
    samples: (r) => r.samples?.batchedMs,
    over: "batched calls",
  },
];

/** One figure of one pair. */
export interface MetricChange {
  /** {@link DiffMetric.name}. */
  metric: DiffMetric["name"];
  /** The base's median. */
  base: number;
  /** The new median. */
  new: number;
  /** New over base (above 1: slower). */
  ratio: number;
  /** 95% bootstrap interval of the ratio. */
  interval: Interval;
  /**
   * What it concludes for the new run; null where it is not judged: a
   * latency figure with one process per side (see {@link JUDGED_FROM_ONE_RUN}).
   */
  verdict: Verdict | null;
  /** Samples on each side. */
  n: { base: number; new: number };
  /** What the samples are: within one run (`steady epochs`, `calls`) or each run's median (`runs`). */
  over: string;
  /** A significant slowdown beyond the `failOnRegression` threshold. */
  regression: boolean;
}

/**
 * A figure's samples for one side: each run's median when both sides have
 * repeated runs (`overRuns`), else every run's own samples pooled; null
 * where a run has none.
 */
function sideSamples(
  metric: DiffMetric,
  runs: readonly ComparisonRow[],
  overRuns: boolean,
): number[] | null {
  const own = runs.map((r) => metric.samples(r));
  if (own.some((x) => !x || x.length === 0)) return null;
  return overRuns ? own.map((x) => median(x!)) : own.flatMap((x) => [...x!]);
}

/**
 * The change of `metric` from the base runs `bs` to the new runs `ns`; null
 * where either side has fewer than two samples.
 */
export function changeOf(
  metric: DiffMetric,
  bs: readonly ComparisonRow[],
  ns: readonly ComparisonRow[],
  band: number,
  failOnRegression: number | null,
): MetricChange | null {
  const overRuns = bs.length > 1 && ns.length > 1;
  const x = sideSamples(metric, bs, overRuns);
  const y = sideSamples(metric, ns, overRuns);
  const interval = ratioInterval(y, x);
  if (!x || !y || !interval) return null;
  const judged = overRuns || JUDGED_FROM_ONE_RUN.includes(metric.name);
  const baseMedian = median(x);
  const newMedian = median(y);
  return {
    metric: metric.name,
    base: baseMedian,
    new: newMedian,
    ratio: newMedian / baseMedian,
    interval,
    verdict: judged ? verdictOf(interval, band) : null,
    n: { base: x.length, new: y.length },
    over: overRuns ? "runs (each run's median)" : metric.over,
    regression: judged && failOnRegression !== null &&
      isSignificantSlowdown(interval, failOnRegression),
  };
}
