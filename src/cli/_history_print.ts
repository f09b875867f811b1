/**
 * What `deno task history` prints of marked series points: the table of
 * series lines with their marks, and one line per regression.
 *
 * @module
 */
import type { MarkedPoint } from "../store/regression.ts";
import { textTable } from "./_cli.ts";

const HEADER = [
  "time",
  "commit",
  "machine",
  "model",
  "backend",
  "engine",
  "figure",
  "median [95%]",
  "n",
  "mark",
];

/** The table of series lines, one per point, with its mark. */
export function seriesTable(points: readonly MarkedPoint[]): string {
  return textTable(HEADER, points.map(line));
}

function line(p: MarkedPoint): string[] {
  return [
    p.createdAt.slice(0, 16).replace("T", " "),
    p.gitCommit?.slice(0, 7) ?? "-",
    p.machine,
    p.model,
    p.backend,
    p.engine,
    p.figure,
    `${withInterval(p.median, p.low, p.high, p.unit)} ${p.unit}`,
    String(p.n),
    markText(p),
  ];
}

/**
 * A point's mark in words: `slower +55.0% (baseline: 3 runs)`, `-` when its
 * baseline holds it, the note when it has no baseline, then what differs
 * from the other setups of its series.
 */
export function markText(p: MarkedPoint): string {
  const mark = p.mark !== null && p.baseline !== null && p.changePct !== null
    ? `${p.mark} ${signed(p.changePct)} (baseline: ${runs(p.baseline.runs)})`
    : p.note ?? "-";
  return [mark, ...p.differs].join("; ");
}

/**
 * A regression in one line: which series, its median and interval against
 * the baseline's median and band (the envelope of its runs), and the change.
 */
export function regressionLine(p: MarkedPoint, pct: number): string {
  const b = p.baseline!;
  return `history: regression beyond ${pct}%: ${p.model} ${p.backend} ${p.engine} on ${p.machine}, ` +
    `${p.figure} ${withInterval(p.median, p.low, p.high, p.unit)} ${p.unit} against ` +
    `${withInterval(b.median, null, null, p.unit)} ${p.unit}, band ` +
    `${bandOf(b, p.unit)} ${p.unit} over ${runs(b.runs)}: ${signed(p.changePct!)} ` +
    `(run of ${p.createdAt})`;
}

function bandOf(b: { low: number; high: number }, unit: string): string {
  return withInterval(b.low, b.low, b.high, unit).replace(/^\S+ /, "");
}

function withInterval(median: number, low: number | null, high: number | null, unit: string) {
  const digits = unit === "fraction" ? 4 : 3;
  const f = (x: number) => Number(x.toPrecision(digits)).toString();
  return low !== null && high !== null ? `${f(median)} [${f(low)}, ${f(high)}]` : f(median);
}

function signed(pct: number): string {
  return `${pct >= 0 ? "+" : ""}${pct.toFixed(1)}%`;
}

function runs(n: number): string {
  return `${n} run${n === 1 ? "" : "s"}`;
}
