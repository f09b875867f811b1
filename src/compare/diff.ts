/**
 * The baseline check behind `deno task diff BASE NEW`: the rows of two
 * comparisons paired by machine, model, backend and engine, each pair's
 * change in each timed figure as a ratio of new over base with its 95%
 * bootstrap interval and verdict, and whether any slowdown beyond a
 * threshold is significant. Rows whose runs were set up differently (data,
 * oneDNN, sizes, seed, threads, CPU, inference path) are not paired: the
 * pair is refused and what differs is named, since only the code may differ
 * between a baseline and a candidate. The figures and their changes are in
 * `diff_metrics.ts`.
 *
 * @module
 */
import { type ComparisonRow, rowKey as key, type RowSetup } from "./row.ts";
import { changeOf, DIFF_METRICS, type DiffMetric, type MetricChange } from "./diff_metrics.ts";
import { checkBand, DEFAULT_BAND } from "./verdict.ts";

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
  differs: SetupDifference[];
  /** What may differ and did (commit, versions, epochs), shown, not refused. */
  alsoDiffers: SetupDifference[];
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
  software?: SoftwareOf;
  /** Build time. Default: now. */
  now?: Date;
}

/** Rows of one key: repeated runs of one machine, model, backend and engine. */
function grouped(rows: readonly ComparisonRow[]): ComparisonRow[][] {
  return [...Map.groupBy(rows, key).values()];
}

/** What pairing a group needs besides its rows: the options resolved, and the figures chosen. */
interface PairingContext {
  band: number;
  failOnRegression: number | null;
  chosen: readonly DiffMetric[];
  sources: { base: string; new: string };
  software: SoftwareOf | undefined;
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
  const context: PairingContext = {
    band,
    failOnRegression,
    chosen: DIFF_METRICS.filter((m) => metrics.includes(m.name)),
    sources,
    software,
  };
  const baseGroups = grouped(base);
  const nextGroups = grouped(next);
  const used = new Set<ComparisonRow[]>();
  const pairs: DiffPair[] = [];
  for (const bs of baseGroups) {
    const counterpart = counterpartOf(bs[0], baseGroups, nextGroups);
    if (!counterpart) {
      pairs.push(unpaired(bs[0], sources.new));
      continue;
    }
    used.add(counterpart.rows);
    pairs.push(pairOf(bs, counterpart.rows, counterpart.identity, context));
  }
  for (const ns of nextGroups) {
    if (!used.has(ns)) pairs.push(unpaired(ns[0], sources.base));
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

/**
 * The new group that base row `b`'s group pairs with: the one of the same
 * key, else the only unmatched one of the same model and backend when the
 * base side has only one such group too (`identity` then names the machine
 * or engine that differs); undefined where there is none.
 */
function counterpartOf(
  b: ComparisonRow,
  baseGroups: readonly ComparisonRow[][],
  nextGroups: readonly ComparisonRow[][],
): { rows: ComparisonRow[]; identity: SetupDifference[] } | undefined {
  const same = nextGroups.find((g) => key(g[0]) === key(b));
  if (same) return { rows: same, identity: [] };
  const baseKeys = new Set(baseGroups.map((g) => key(g[0])));
  const sameModel = (groups: readonly ComparisonRow[][]) =>
    groups.filter((g) => g[0].model === b.model && g[0].backend === b.backend);
  const unmatched = sameModel(nextGroups).filter((g) => !baseKeys.has(key(g[0])));
  if (unmatched.length !== 1 || sameModel(baseGroups).length !== 1) return undefined;
  const n = unmatched[0][0];
  const identity: SetupDifference[] = [];
  if (n.machine !== b.machine) identity.push({ what: "machine", base: b.machine, new: n.machine });
  if (n.engine !== b.engine) identity.push({ what: "engine", base: b.engine, new: n.engine });
  return { rows: unmatched[0], identity };
}

/** The pair of base runs `bs` and new runs `ns`: refused, not measured, or compared figure by figure. */
function pairOf(
  bs: readonly ComparisonRow[],
  ns: readonly ComparisonRow[],
  identity: readonly SetupDifference[],
  context: PairingContext,
): DiffPair {
  const [b, n] = [bs[0], ns[0]];
  const within = [...bs.slice(1).map((x) => [b, x]), ...ns.slice(1).map((x) => [n, x])]
    .flatMap(([x, y]) => setupDifferences(x, y));
  const differs = [...identity, ...setupDifferences(b, n), ...within];
  const alsoDiffers = softwareDifferences(b, n, context.software);
  if (differs.length > 0) {
    const why = differs.map((d) => `${d.what} (${d.base} against ${d.new})`).join("; ");
    const reason = `set up differently: ${why}; only the code may differ between base and new`;
    return pairRecord(b, "refused", reason, { differs, alsoDiffers });
  }
  const unmeasured = [...bs, ...ns].find((r) => r.status !== "measured");
  if (unmeasured) {
    const side = bs.includes(unmeasured) ? context.sources.base : context.sources.new;
    const reason = `${side} row is ${unmeasured.status}: ${unmeasured.note ?? "no figures"}`;
    return pairRecord(b, "not measured", reason, { alsoDiffers });
  }
  const changes = context.chosen.map((m) =>
    changeOf(m, bs, ns, context.band, context.failOnRegression)
  ).filter((c): c is MetricChange => c !== null);
  const reason = changes.length === 0 ? "no figure has two samples on both sides" : null;
  return pairRecord(b, "compared", reason, { alsoDiffers, changes });
}

/** Row `r`'s pair when the `other` side has no counterpart. */
function unpaired(r: ComparisonRow, other: string): DiffPair {
  const reason = `no ${other} row of ${r.machine} ${r.model} ${r.backend} ${r.engine}`;
  return pairRecord(r, "unpaired", reason);
}

/** A pair's record under row `r`'s names; what `more` leaves out is empty. */
function pairRecord(
  r: ComparisonRow,
  status: DiffPair["status"],
  reason: string | null,
  more: Partial<Pick<DiffPair, "differs" | "alsoDiffers" | "changes">> = {},
): DiffPair {
  const { differs = [], alsoDiffers = [], changes = [] } = more;
  const { machine, model, backend, engine } = r;
  return { machine, model, backend, engine, status, reason, differs, alsoDiffers, changes };
}

/** The setup fields that must agree for two rows to be paired, with how the refusal names them. */
const MUST_AGREE: readonly { field: keyof RowSetup; label: string }[] = [
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

/** One field that differs between a base and a new row, with each side's value in words. */
export interface SetupDifference {
  /** The field, in words. */
  what: string;
  /** The base's value. */
  base: string;
  /** The new value. */
  new: string;
}

/** The software a row ran: its commit and versions, when known. */
export type SoftwareOf = (
  row: ComparisonRow,
  side: "base" | "new",
) => { commit?: string; versions?: string };

/** The setup fields of {@link MUST_AGREE} and the inference path that differ between `b` and `n`. */
function setupDifferences(b: ComparisonRow, n: ComparisonRow): SetupDifference[] {
  const out: SetupDifference[] = b.inferencePath === n.inferencePath
    ? []
    : [{ what: "inference path", base: String(b.inferencePath), new: String(n.inferencePath) }];
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
  return [...out, ...setupFieldDifferences(b.setup, n.setup)];
}

/** The fields of two runs' setups that must agree for their figures to be compared, and do not. */
export function setupFieldDifferences(b: RowSetup, n: RowSetup): SetupDifference[] {
  const out: SetupDifference[] = [];
  for (const { field, label } of MUST_AGREE) {
    const x = b[field];
    const y = n[field];
    if (x !== y) out.push({ what: label, base: shortValue(x), new: shortValue(y) });
  }
  return out;
}

function shortValue(v: string | number | null): string {
  if (v === null) return "not recorded";
  const s = String(v);
  return /^[0-9a-f]{64}( [0-9a-f]{64}){3}$/.test(s) ? `${s.slice(0, 12)}…` : s;
}

/** What may differ between `b` and `n` and did: epochs, and the commit and versions `software` gives. */
function softwareDifferences(
  b: ComparisonRow,
  n: ComparisonRow,
  software: SoftwareOf | undefined,
): SetupDifference[] {
  const out: SetupDifference[] = [];
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
