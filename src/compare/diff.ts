/**
 * The baseline check behind `deno task diff BASE NEW`: the rows of two
 * comparisons paired by machine, model, backend and engine, each pair's
 * change in each timed figure as a ratio of new over base with its 95%
 * bootstrap interval and verdict, and whether any slowdown beyond a
 * threshold is significant. Rows whose runs were set up differently (data,
 * oneDNN, sizes, seed, threads, CPU, inference path) are not paired: the
 * pair is refused and what differs is named, since only the code may differ
 * between a baseline and a candidate.
 *
 * @module
 */
import { bootstrapRatio, type Interval, median } from "../_util/stats.ts";
import type { ComparisonRow, RowSetup } from "./row.ts";
import { MIN_SAMPLES } from "../results/stats.ts";
import {
  checkBand,
  DEFAULT_BAND,
  isSignificantSlowdown,
  type Verdict,
  verdictOf,
} from "./verdict.ts";

/** The setup fields that must agree for two rows to be paired, with how the refusal names them. */
export const MUST_AGREE: readonly { field: keyof RowSetup; label: string }[] = [
  { field: "dataSha256", label: "data checksums" },
  { field: "onednn", label: "oneDNN" },
  { field: "batchSize", label: "batch size" },
  { field: "inferenceBatchSize", label: "inference batch size" },
  { field: "trainSize", label: "training images" },
  { field: "testSize", label: "test images" },
  { field: "seed", label: "seed" },
  { field: "threads", label: "threads" },
  { field: "cpu", label: "CPU" },
];

/** What may differ between a paired base and new row, and is shown beside the pair. */
export const MAY_DIFFER = [
  "git commit",
  "Deno, TF.js and libtensorflow versions",
  "epochs",
] as const;

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

/** One row of either side and what became of it. */
export interface DiffPair {
  /** Machine name. */
  machine: string;
  /** Model name. */
  model: string;
  /** Backend name. */
  backend: string;
  /** Engine name. */
  engine: string;
  /**
   * `compared`: paired, figures below; `refused`: a counterpart that was set
   * up differently (see `differs`); `unpaired`: no counterpart on the other
   * side; `not measured`: one side has no figures.
   */
  status: "compared" | "refused" | "unpaired" | "not measured";
  /** Why it was not compared, in words. */
  reason: string | null;
  /** What differs between the two rows' setups. */
  differs: { what: string; base: string; new: string }[];
  /** What may differ and did (commit, versions, epochs), shown, not refused. */
  alsoDiffers: { what: string; base: string; new: string }[];
  /** Each compared figure; figures without two samples on both sides are left out. */
  changes: MetricChange[];
}

/** The whole diff, as written to `diff.json`. */
export interface ComparisonDiff {
  /** Identifies the file. */
  kind: "fmnist-bench-diff";
  /** Layout version. */
  version: 1;
  /** When it was made. */
  createdAt: string;
  /** Where the base and new rows came from, in words. */
  sources: { base: string; new: string };
  /** Ratios within `1/(1+band)` and `1+band` are no difference. */
  band: number;
  /** The threshold of `--fail-on-regression` (0.1 for 10%), or null. */
  failOnRegression: number | null;
  /** Interval: 95% percentile bootstrap, 2000 resamples, each side resampled on its own. */
  method: string;
  /** Every pair. */
  pairs: DiffPair[];
  /** Figures whose slowdown beyond the threshold is significant. */
  regressions: number;
}

/** Options for {@link diffComparisons}. */
export interface DiffOptions {
  /** The band of no difference. Default {@link DEFAULT_BAND} (5%). */
  band?: number;
  /** Flag a significant slowdown beyond this (0.1 for 10%). Default null: none flagged. */
  failOnRegression?: number | null;
  /** Figures compared. Default all of {@link DIFF_METRICS}. */
  metrics?: readonly DiffMetric["name"][];
  /** Where each side came from, in words. Default `"base"` and `"new"`. */
  sources?: { base: string; new: string };
  /** The software a row ran: versions and commit, for `alsoDiffers`. Default: none known. */
  software?: (row: ComparisonRow, side: "base" | "new") => { commit?: string; versions?: string };
  /** Build time. Default: now. */
  now?: Date;
}

const key = (r: ComparisonRow) => `${r.machine}\u0000${r.model}\u0000${r.backend}\u0000${r.engine}`;

/** Rows of one key: repeated runs of one machine, model, backend and engine. */
function grouped(rows: readonly ComparisonRow[]): ComparisonRow[][] {
  const groups = new Map<string, ComparisonRow[]>();
  for (const r of rows) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
  return [...groups.values()];
}

/**
 * Pairs the rows of two sets of results and compares each pair's timed
 * figures. Rows of the same machine, model, backend and engine on one side
 * are repeated runs: with several on both sides a figure's samples are
 * each run's median (a bootstrap over runs), else each run's own samples
 * (over epochs or calls). A base group pairs with the new group of the same
 * key; where there is none, but exactly one group on each side has the same
 * model and backend, that pair is refused, naming the machine or engine
 * that differs.
 */
export function diffComparisons(
  base: readonly ComparisonRow[],
  next: readonly ComparisonRow[],
  options: DiffOptions = {},
): ComparisonDiff {
  const {
    band = DEFAULT_BAND,
    failOnRegression = null,
    metrics = DIFF_METRICS.map((m) => m.name),
    sources = { base: "base", new: "new" },
    software,
    now = new Date(),
  } = options;
  checkBand(band);
  const chosen = DIFF_METRICS.filter((m) => metrics.includes(m.name));
  const baseGroups = grouped(base);
  const nextGroups = grouped(next);
  const nextByKey = new Map(nextGroups.map((g) => [key(g[0]), g]));
  const baseKeys = new Set(baseGroups.map((g) => key(g[0])));
  const used = new Set<ComparisonRow[]>();
  const pairs: DiffPair[] = [];
  const sameModel = (groups: ComparisonRow[][], r: ComparisonRow) =>
    groups.filter((g) => g[0].model === r.model && g[0].backend === r.backend);

  for (const bs of baseGroups) {
    const b = bs[0];
    const label = { machine: b.machine, model: b.model, backend: b.backend, engine: b.engine };
    let ns = nextByKey.get(key(b));
    const identity: DiffPair["differs"] = [];
    if (!ns) {
      const unmatched = sameModel(nextGroups, b).filter((g) => !baseKeys.has(key(g[0])));
      if (unmatched.length === 1 && sameModel(baseGroups, b).length === 1) {
        ns = unmatched[0];
        const n = ns[0];
        if (n.machine !== b.machine) {
          identity.push({ what: "machine", base: b.machine, new: n.machine });
        }
        if (n.engine !== b.engine) identity.push({ what: "engine", base: b.engine, new: n.engine });
      }
    }
    if (!ns) {
      pairs.push(unpaired(label, `no ${sources.new} row of ${describe(b)}`));
      continue;
    }
    used.add(ns);
    const n = ns[0];
    const within = [...bs.slice(1).map((x) => [b, x]), ...ns.slice(1).map((x) => [n, x])]
      .flatMap(([x, y]) => setupDifferences(x, y));
    const differs = [...identity, ...setupDifferences(b, n), ...within];
    const alsoDiffers = softwareDifferences(b, n, software);
    if (differs.length > 0) {
      pairs.push({
        ...label,
        status: "refused",
        reason: `set up differently: ${
          differs.map((d) => `${d.what} (${d.base} against ${d.new})`).join("; ")
        }; only the code may differ between base and new`,
        differs,
        alsoDiffers,
        changes: [],
      });
      continue;
    }
    const unmeasured = [...bs, ...ns].find((r) => r.status !== "measured");
    if (unmeasured) {
      pairs.push({
        ...label,
        status: "not measured",
        reason: `${
          bs.includes(unmeasured) ? sources.base : sources.new
        } row is ${unmeasured.status}: ${unmeasured.note ?? "no figures"}`,
        differs: [],
        alsoDiffers,
        changes: [],
      });
      continue;
    }
    const changes = chosen.flatMap((m) => {
      const change = changeOf(m, bs, ns!, band, failOnRegression);
      return change ? [change] : [];
    });
    pairs.push({
      ...label,
      status: "compared",
      reason: changes.length === 0 ? "no figure has two samples on both sides" : null,
      differs: [],
      alsoDiffers,
      changes,
    });
  }
  for (const ns of nextGroups) {
    if (used.has(ns)) continue;
    const n = ns[0];
    pairs.push(
      unpaired(
        { machine: n.machine, model: n.model, backend: n.backend, engine: n.engine },
        `no ${sources.base} row of ${describe(n)}`,
      ),
    );
  }
  return {
    kind: "fmnist-bench-diff",
    version: 1,
    createdAt: now.toISOString(),
    sources,
    band,
    failOnRegression,
    method: "95% percentile bootstrap of the ratio of medians, 2000 resamples (seeded), " +
      "each side's samples resampled on their own",
    pairs,
    regressions: pairs.reduce((k, p) => k + p.changes.filter((c) => c.regression).length, 0),
  };
}

function describe(r: ComparisonRow): string {
  return `${r.machine} ${r.model} ${r.backend} ${r.engine}`;
}

function unpaired(
  label: Pick<DiffPair, "machine" | "model" | "backend" | "engine">,
  reason: string,
): DiffPair {
  return { ...label, status: "unpaired", reason, differs: [], alsoDiffers: [], changes: [] };
}

function setupDifferences(b: ComparisonRow, n: ComparisonRow): DiffPair["differs"] {
  const out: DiffPair["differs"] = [];
  if (b.inferencePath !== n.inferencePath) {
    out.push({
      what: "inference path",
      base: String(b.inferencePath),
      new: String(n.inferencePath),
    });
  }
  if (!b.setup || !n.setup) {
    if (b.status === "measured" && n.status === "measured") {
      out.push({
        what: "setup",
        base: b.setup ? "recorded" : "not recorded",
        new: n.setup ? "recorded" : "not recorded",
      });
    }
    return out;
  }
  for (const { field, label } of MUST_AGREE) {
    const x = b.setup[field];
    const y = n.setup[field];
    if (x !== y) out.push({ what: label, base: shortValue(x), new: shortValue(y) });
  }
  return out;
}

function shortValue(v: string | number | null): string {
  if (v === null) return "not recorded";
  const s = String(v);
  return /^[0-9a-f]{64}( [0-9a-f]{64}){3}$/.test(s) ? `${s.slice(0, 12)}…` : s;
}

function softwareDifferences(
  b: ComparisonRow,
  n: ComparisonRow,
  software: DiffOptions["software"],
): DiffPair["alsoDiffers"] {
  const out: DiffPair["alsoDiffers"] = [];
  if (b.epochs !== n.epochs) {
    out.push({ what: "epochs", base: String(b.epochs), new: String(n.epochs) });
  }
  if (!software) return out;
  const x = software(b, "base");
  const y = software(n, "new");
  if (x.commit !== y.commit) {
    out.push({ what: "git commit", base: x.commit ?? "–", new: y.commit ?? "–" });
  }
  if (x.versions !== y.versions) {
    out.push({ what: "versions", base: x.versions ?? "–", new: y.versions ?? "–" });
  }
  return out;
}

/**
 * A figure's samples for one side: each run's median when both sides have
 * repeated runs (`overRuns`), else every run's own samples pooled.
 */
function sideSamples(
  metric: DiffMetric,
  runs: readonly ComparisonRow[],
  overRuns: boolean,
): number[] | null {
  const own = runs.map((r) => metric.samples(r));
  if (own.some((x) => !x || x.length === 0)) return null;
  const samples = overRuns ? own.map((x) => median(x!)) : own.flatMap((x) => [...x!]);
  return samples.length >= MIN_SAMPLES ? samples : null;
}

function changeOf(
  metric: DiffMetric,
  bs: readonly ComparisonRow[],
  ns: readonly ComparisonRow[],
  band: number,
  failOnRegression: number | null,
): MetricChange | null {
  const overRuns = bs.length > 1 && ns.length > 1;
  const x = sideSamples(metric, bs, overRuns);
  const y = sideSamples(metric, ns, overRuns);
  if (!x || !y) return null;
  const judged = overRuns || JUDGED_FROM_ONE_RUN.includes(metric.name);
  const interval = bootstrapRatio(y, x);
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
