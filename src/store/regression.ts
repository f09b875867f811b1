/**
 * Changes over time flagged: each point of the history store's series is
 * set against the earlier runs of its series, and marked `slower` or
 * `faster` when it lies wholly beyond them.
 *
 * A series is one machine, model, backend, engine and figure run with one
 * setup: two points are like for like only when `setupFieldDifferences`
 * finds nothing between their setups (data, oneDNN, sizes, seed, threads,
 * CPU). A point's baseline is the last {@link DEFAULT_BASELINE_RUNS} earlier
 * points of its series (at least {@link MIN_BASELINE_RUNS}); the band is the
 * envelope of their 95% intervals and medians, and reaches at least
 * {@link DEFAULT_MARGIN} either side of their median. A point is marked only
 * when its own 95% interval lies wholly outside the band; a point without
 * an interval (too few samples) is never marked. Pure: no I/O.
 *
 * @module
 */
import { median } from "../_util/stats.ts";
import { setupFieldDifferences } from "../compare/diff.ts";
import type { RowSetup } from "../compare/row.ts";
import type { SeriesPoint } from "./store.ts";

/** Earlier runs a baseline takes at most, by default. */
export const DEFAULT_BASELINE_RUNS = 5;

/** Earlier runs a baseline needs at least. */
export const MIN_BASELINE_RUNS = 2;

/** What a point is marked: slower or faster than its baseline, or nothing. */
export type Mark = "slower" | "faster";

/** The earlier runs a point is set against. */
export interface Baseline {
  /** The median of the baseline runs' medians. */
  median: number;
  /** The band's low end: the least of the runs' interval lows and medians, and the median less the margin. */
  low: number;
  /** The band's high end: the greatest of the runs' interval highs and medians, and the median plus the margin. */
  high: number;
  /** How many runs it holds. */
  runs: number;
}

/** A series point with its mark. */
export type MarkedPoint = SeriesPoint & {
  /** `slower`/`faster` when its interval lies wholly beyond the baseline's band; else null. */
  mark: Mark | null;
  /** Its median's change against the baseline's median, in percent; null without a baseline. */
  changePct: number | null;
  /** Its baseline, or null when its series has too few earlier runs. */
  baseline: Baseline | null;
  /** Why it has no baseline (`baseline: 1 earlier run, 2 needed`), or null. */
  note: string | null;
  /**
   * For each other setup its machine, model, backend, engine and figure ran
   * with earlier, what differs (`not compared with 3 earlier runs: batch size 64 → 32`).
   */
  differs: string[];
};

/**
 * The least change a mark claims, as a fraction of the baseline's median.
 * Runs of one commit on an idle machine differ by a few percent from run to
 * run, more than their own intervals say (BENCHMARKS.md, "False alarms of
 * the history store"): the band reaches at least this far either side of
 * the baseline's median, so that such runs raise no alarm.
 */
export const DEFAULT_MARGIN = 0.1;

/** How {@link markSeries} forms baselines. */
export interface MarkOptions {
  /** Earlier runs of the series a baseline takes at most (default {@link DEFAULT_BASELINE_RUNS}). */
  baselineRuns?: number;
  /** The band reaches at least this fraction either side of the baseline's median (default {@link DEFAULT_MARGIN}). */
  margin?: number;
}

/** The identity of a point's series, setup aside. */
function identityOf(p: SeriesPoint): string {
  return [p.machine, p.model, p.backend, p.engine, p.figure].join("\u0000");
}

/** Whether a unit's values grow as the run slows (`s`, `ms`), fall (`img/s`), or neither. */
function slowerWhen(unit: string): "higher" | "lower" | null {
  if (unit === "s" || unit === "ms") return "higher";
  if (unit === "img/s") return "lower";
  // `fraction` (test_accuracy) is not speed, and it has no interval: a band
  // of a few runs' accuracies would flag the ordinary spread of training.
  return null;
}

/**
 * Marks every point against the earlier points of its series, in the order
 * given; `points` may come in any order (time order is `createdAt`).
 */
export function markSeries(
  points: readonly SeriesPoint[],
  options: MarkOptions = {},
): MarkedPoint[] {
  const k = options.baselineRuns ?? DEFAULT_BASELINE_RUNS;
  const margin = options.margin ?? DEFAULT_MARGIN;
  const byIdentity = new Map<string, number[]>();
  points.forEach((p, i) => {
    const key = identityOf(p);
    byIdentity.set(key, [...byIdentity.get(key) ?? [], i]);
  });
  const out: MarkedPoint[] = new Array(points.length);
  for (const indices of byIdentity.values()) {
    const ordered = [...indices].sort((a, b) =>
      points[a].createdAt.localeCompare(points[b].createdAt) || a - b
    );
    // The setups this machine, model, backend, engine and figure ran with so far, each with its runs.
    const setups: { setup: RowSetup; runs: SeriesPoint[] }[] = [];
    for (const i of ordered) {
      const p = points[i];
      let own = setups.find((s) => setupFieldDifferences(s.setup, p.setup).length === 0);
      if (!own) setups.push(own = { setup: p.setup, runs: [] });
      const differs = setups.filter((s) => s !== own && s.runs.length > 0)
        .map((s) => differsLine(s.setup, s.runs.length, p.setup));
      out[i] = markOne(p, own.runs, k, margin, differs);
      own.runs.push(p);
    }
  }
  return out;
}

function markOne(
  p: SeriesPoint,
  alike: readonly SeriesPoint[],
  k: number,
  margin: number,
  differs: string[],
): MarkedPoint {
  if (alike.length < MIN_BASELINE_RUNS) {
    const runs = `${alike.length} earlier run${alike.length === 1 ? "" : "s"}`;
    const note = `baseline: ${runs}, ${MIN_BASELINE_RUNS} needed`;
    return { ...p, mark: null, changePct: null, baseline: null, note, differs };
  }
  const baseline = baselineOf(alike.slice(-k), margin);
  const changePct = (p.median - baseline.median) / baseline.median * 100;
  return { ...p, mark: markOf(p, baseline), changePct, baseline, note: null, differs };
}

function baselineOf(runs: readonly SeriesPoint[], margin: number): Baseline {
  const mid = median(runs.map((r) => r.median));
  return {
    median: mid,
    low: Math.min(mid * (1 - margin), ...runs.map((r) => Math.min(r.low ?? r.median, r.median))),
    high: Math.max(mid * (1 + margin), ...runs.map((r) => Math.max(r.high ?? r.median, r.median))),
    runs: runs.length,
  };
}

function markOf(p: SeriesPoint, band: Baseline): Mark | null {
  const slower = slowerWhen(p.unit);
  // Without an interval a point is one draw of the run's noise: never marked.
  if (slower === null || p.low === null || p.high === null) return null;
  const { low, high } = p;
  if (low > band.high) return slower === "higher" ? "slower" : "faster";
  if (high < band.low) return slower === "higher" ? "faster" : "slower";
  return null;
}

/** What differs between `runs` earlier runs set up with `other` and a point set up with `own`. */
function differsLine(other: RowSetup, runs: number, own: RowSetup): string {
  const what = setupFieldDifferences(other, own).map((d) => `${d.what} ${d.base} → ${d.new}`);
  return `not compared with ${runs} earlier run${runs === 1 ? "" : "s"}: ${what.join(", ")}`;
}

/**
 * The regressions among marked points: for each machine, model, backend,
 * engine and figure, its newest point (whatever its setup: an older setup's
 * slowdown is history once the setup changed), when it is marked `slower`
 * and its median moved by at least `pct` percent from the baseline's.
 */
export function regressions(marked: readonly MarkedPoint[], pct: number): MarkedPoint[] {
  const newest = new Map<string, MarkedPoint>();
  for (const p of marked) {
    const key = identityOf(p);
    const seen = newest.get(key);
    if (!seen || p.createdAt >= seen.createdAt) newest.set(key, p);
  }
  return [...newest.values()].filter((p) =>
    p.mark === "slower" && p.changePct !== null && Math.abs(p.changePct) >= pct
  );
}
