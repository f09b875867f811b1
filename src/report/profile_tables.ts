/**
 * Per-op profiles side by side, as Markdown: for each model, where a
 * training step's time goes under each label (a backend and engine, a TF.js
 * engine, Keras): the time per op kind (`src/measure/op_kinds.ts`) and
 * outside the ops, the top ops aligned by kind and name, with GFLOP/s
 * against the machine's ceiling, and one sentence naming the largest
 * differences; then the same per kind for a batch-1 and a batched call. A
 * profile that was not taken shows its reason.
 *
 * Profiling times every op, which slows the work: its figures are reported
 * here only, never in the timed medians, and the section says so.
 *
 * @module
 */
import { isMeasured, type NotMeasured } from "../measure/measures.ts";
import { baseOpName, OP_KINDS, type OpKind } from "../measure/op_kinds.ts";
import type { ModelProfiles, OpProfile } from "../measure/op_profile.ts";
import type { ChartSeries } from "./chart_parts.ts";
import { markdownTable, paragraphs } from "./markdown.ts";

/** One run's profiles, under the label its column and bar go by. */
export interface LabelledProfiles {
  /** The column's name, e.g. `tensorflow · tfjs` or `Keras`. */
  label: string;
  /** The model profiled. */
  model: string;
  /** Its profiles. */
  profiles: ModelProfiles;
}

/** The segment after the op kinds: the wall time the ops do not account for. */
export const OUTSIDE_OPS = "outside ops (dispatch, framework)";

/** The segments a step's time is split into, in the order tables list and charts stack them. */
export const TIME_SEGMENTS: readonly string[] = [...OP_KINDS, OUTSIDE_OPS];

/** How many ops the top-ops table shows. */
export const TOP_OPS = 8;

/** The three profiled pieces of work, as the section names them. */
const WORKS = [
  ["trainStep", "Training step"],
  ["batch1", "Batch-1 call"],
  ["batched", "Batched call"],
] as const satisfies readonly (readonly [keyof ModelProfiles, string])[];

/** What the section says of every profile: how it was taken, and that it is not in the medians. */
export const PROFILE_NOTE =
  "Per-op profiles, taken after each run's timed work: every op is timed, which slows the work, " +
  "so these figures never enter the medians and intervals of the other tables. Each figure is " +
  "the median over the profile's repeats; an op's share is of the unprofiled wall time of the " +
  `same work, and "${OUTSIDE_OPS}" is that wall time less the ops' sum. Kinds sort TF.js ` +
  "kernels and TensorFlow ops alike; ops are aligned by name with oneDNN's `_Mkl` prefixes " +
  "dropped. GFLOP/s are of convolutions and matrix products, against the machine's fp32 " +
  "ceiling where it was measured: what one large 3×3 convolution reaches in TensorFlow on " +
  "this machine, not the hardware's peak, so an op can pass 100% of it.";

/** A label and its measured profile of one piece of work: a column of the tables. */
export interface ProfileColumn {
  /** The column's name. */
  label: string;
  /** Its profile. */
  profile: OpProfile;
}

/** The profiled rows of a comparison, under their series' names. */
export function profilesOfSeries(series: readonly ChartSeries[]): LabelledProfiles[] {
  return series.flatMap(({ series: label, row }) =>
    row.profile ? [{ label, model: row.model, profiles: row.profile }] : []
  );
}

/** Milliseconds as the tables write them: `12.3 ms`, `5.1 ms`, `0.42 ms`, `0.031 ms`. */
export function ms(x: number): string {
  if (x === 0) return "0 ms";
  const digits = x >= 1 ? 1 : x >= 0.1 ? 2 : 3;
  return `${x.toFixed(digits)} ms`;
}

const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

/** A kind's or the outside segment's milliseconds in a profile. */
export function segmentMs(p: OpProfile, segment: string): number {
  return segment === OUTSIDE_OPS ? p.overheadMs : p.kinds[segment as OpKind] ?? 0;
}

/**
 * The profile section: a heading of level `depth` (default 2), the note,
 * then each model's tables in the order the items name them; no block at all
 * when no item has a profile.
 */
export function renderProfiles(
  items: readonly LabelledProfiles[],
  options: { depth?: number } = {},
): string[] {
  if (items.length === 0) return [];
  const depth = options.depth ?? 2;
  const models = [...new Set(items.map((i) => i.model))];
  return [
    ...paragraphs(`${"#".repeat(depth)} Where the time goes`, PROFILE_NOTE),
    ...models.flatMap((model) =>
      modelProfiles(model, items.filter((i) => i.model === model), depth + 1)
    ),
  ];
}

/** One model's tables: the training step's kinds and top ops, then the calls' kinds. */
function modelProfiles(model: string, items: readonly LabelledProfiles[], depth: number) {
  const notMeasured: string[] = [];
  const blocks = WORKS.flatMap(([work, title]) => {
    const columns: ProfileColumn[] = [];
    for (const { label, profiles } of items) {
      const p = profiles[work];
      if (isMeasured(p)) columns.push({ label, profile: p });
      else notMeasured.push(`${label}, ${title.toLowerCase()}: ${(p as NotMeasured).notMeasured}`);
    }
    if (columns.length === 0) return [];
    const sentence = differenceSentence(columns);
    return [
      `**${title}** (${batchWords(columns)}; ${sourceWords(columns)}):`,
      ...(sentence ? [sentence] : []),
      kindsTable(columns, work === "trainStep"),
      ...(work === "trainStep" ? [`Top ${TOP_OPS} ops:`, topOpsTable(columns)] : []),
    ];
  });
  return paragraphs(
    `${"#".repeat(depth)} ${model}: where the time goes`,
    ...blocks,
    ...(notMeasured.length > 0 ? [`Not measured: ${notMeasured.join("; ")}.`] : []),
  );
}

/** The batch sizes of the columns: one when they agree, else each label's. */
function batchWords(columns: readonly ProfileColumn[]): string {
  const sizes = new Set(columns.map((c) => c.profile.batchSize));
  return sizes.size === 1
    ? `batch ${[...sizes][0]}`
    : columns.map((c) => `${c.label} batch ${c.profile.batchSize}`).join(", ");
}

/** How each column's ops were timed, and over how many repeats. */
function sourceWords(columns: readonly ProfileColumn[]): string {
  return columns.map((c) =>
    `${c.label}: ${c.profile.source}, ${c.profile.repeats} repeat${
      c.profile.repeats === 1 ? "" : "s"
    }`
  ).join("; ");
}

/**
 * Milliseconds per kind and outside the ops, each with its share of the
 * wall time, then the wall time itself; kinds no column spent time in are
 * left out, except in a training step, which lists them all.
 */
export function kindsTable(columns: readonly ProfileColumn[], everyKind = false): string {
  const segments = TIME_SEGMENTS.filter((s) =>
    everyKind || s === OUTSIDE_OPS || columns.some((c) => segmentMs(c.profile, s) > 0)
  );
  const cell = (p: OpProfile, x: number) =>
    `${ms(x)}${p.wallMs > 0 ? ` (${pct(x / p.wallMs)})` : ""}`;
  return markdownTable(
    ["kind", ...columns.map((c) => c.label)],
    [
      ...segments.map((s) => [s, ...columns.map((c) => cell(c.profile, segmentMs(c.profile, s)))]),
      ["wall time", ...columns.map((c) => ms(c.profile.wallMs))],
      ["wall time while profiled", ...columns.map((c) => ms(c.profile.profiledWallMs))],
    ],
  );
}

/** One op of one column: its name's figures, the names oneDNN renames merged. */
export interface AlignedOp {
  /** Milliseconds per repeat. */
  totalMs: number;
  /** Floating-point operations per repeat, or null when not known. */
  flops: number | null;
  /** The column's fp32 ceiling in GFLOP/s, or null. */
  ceilingGflops: number | null;
  /** The column's unprofiled wall time (ms). */
  wallMs: number;
}

/** An op row: its kind and name, and each column's figures where it ran the op. */
export interface OpRow {
  /** The op's kind. */
  kind: OpKind;
  /** The op's name without oneDNN's prefixes. */
  name: string;
  /** Per column, in the columns' order: its figures, or null where it did not run the op. */
  cells: (AlignedOp | null)[];
}

/** Every op of the columns, aligned by kind and name (oneDNN's prefixes dropped). */
export function alignOps(columns: readonly ProfileColumn[]): OpRow[] {
  const rows = new Map<string, OpRow>();
  columns.forEach(({ profile }, i) => {
    for (const op of profile.ops) {
      const name = baseOpName(op.name);
      const key = `${op.kind}\u0000${name}`;
      const row = rows.get(key) ??
        { kind: op.kind, name, cells: columns.map((): AlignedOp | null => null) };
      rows.set(key, row);
      const had = row.cells[i];
      row.cells[i] = {
        totalMs: (had?.totalMs ?? 0) + op.totalMs,
        flops: !had
          ? op.flops
          : had.flops === null || op.flops === null
          ? null
          : had.flops + op.flops,
        ceilingGflops: profile.ceilingGflops,
        wallMs: profile.wallMs,
      };
    }
  });
  return [...rows.values()];
}

/**
 * The ops that took longest in any column, {@link TOP_OPS} of them, listed
 * by kind (in {@link OP_KINDS} order) then name.
 */
export function topOps(columns: readonly ProfileColumn[]): OpRow[] {
  const longest = (r: OpRow) => Math.max(...r.cells.map((c) => c?.totalMs ?? 0));
  return alignOps(columns)
    .sort((a, b) => longest(b) - longest(a) || a.name.localeCompare(b.name))
    .slice(0, TOP_OPS)
    .sort((a, b) =>
      OP_KINDS.indexOf(a.kind) - OP_KINDS.indexOf(b.kind) || a.name.localeCompare(b.name)
    );
}

/** The top ops: per column its milliseconds, share, and GFLOP/s against the ceiling where known. */
export function topOpsTable(columns: readonly ProfileColumn[]): string {
  const cell = (c: AlignedOp | null) => {
    if (c === null) return "–";
    const parts = [`${ms(c.totalMs)}${c.wallMs > 0 ? ` (${pct(c.totalMs / c.wallMs)})` : ""}`];
    if (c.flops !== null && c.totalMs > 0) {
      const gflops = c.flops / (c.totalMs * 1e6);
      parts.push(
        `${gflops.toFixed(1)} GFLOP/s${
          c.ceilingGflops ? `, ${pct(gflops / c.ceilingGflops)} of ceiling` : ""
        }`,
      );
    }
    return parts.join("; ");
  };
  return markdownTable(
    ["kind", "op", ...columns.map((c) => c.label)],
    topOps(columns).map((r) => [r.kind, `\`${r.name}\``, ...r.cells.map(cell)]),
  );
}

/** One figure of several columns: its name and each column's milliseconds (null: not run). */
interface Compared {
  name: string;
  values: (number | null)[];
}

/** The figure whose columns differ most, with its largest and smallest column; null with none. */
function widest(figures: readonly Compared[], labels: readonly string[]) {
  let best: { name: string; high: [string, number]; low: [string, number] } | null = null;
  let spread = 0;
  for (const f of figures) {
    const present = f.values.flatMap((v, i) => (v === null ? [] : [[labels[i], v] as const]));
    if (present.length < 2) continue;
    const high = present.reduce((a, b) => (b[1] > a[1] ? b : a));
    const low = present.reduce((a, b) => (b[1] < a[1] ? b : a));
    if (high[1] - low[1] > spread) {
      spread = high[1] - low[1];
      best = { name: f.name, high: [...high], low: [...low] };
    }
  }
  return best;
}

/**
 * One sentence on the columns: with several, the largest differences between
 * them by kind (outside the ops included) and by op, each as
 * `Conv2DBackpropFilter: tfjs 12.3 ms, Keras 5.1 ms`; with one, where most
 * of its time goes. Null when there is nothing to say (no time at all).
 */
export function differenceSentence(columns: readonly ProfileColumn[]): string | null {
  const labels = columns.map((c) => c.label);
  if (columns.length === 1) {
    const [{ profile: p }] = columns;
    const top = [...TIME_SEGMENTS].sort((a, b) => segmentMs(p, b) - segmentMs(p, a))[0];
    const op = p.ops[0];
    if (!op || p.wallMs <= 0) return null;
    return `Most of the time: ${top}, ${ms(segmentMs(p, top))} of ${ms(p.wallMs)}; the slowest ` +
      `op \`${op.name}\`, ${ms(op.totalMs)}.`;
  }
  const both = (w: NonNullable<ReturnType<typeof widest>>) =>
    `${w.high[0]} ${ms(w.high[1])}, ${w.low[0]} ${ms(w.low[1])}`;
  const kind = widest(
    TIME_SEGMENTS.map((s) => ({ name: s, values: columns.map((c) => segmentMs(c.profile, s)) })),
    labels,
  );
  const op = widest(
    alignOps(columns).map((r) => ({
      name: r.name,
      values: r.cells.map((c) => c?.totalMs ?? null),
    })),
    labels,
  );
  const parts = [
    ...(kind ? [`by kind, ${kind.name}: ${both(kind)}`] : []),
    ...(op ? [`by op, ${op.name}: ${both(op)}`] : []),
  ];
  return parts.length > 0 ? `Largest differences ${parts.join("; ")}.` : null;
}
