/**
 * The small Markdown pieces the reports share: a table, and numbers written
 * with a dash where there is no value.
 *
 * @module
 */
import type { Interval } from "../_util/stats.ts";
import type { ComparisonRow } from "../compare/row.ts";
import type { EpochTimes } from "../results/stats.ts";

/**
 * A GitHub-flavoured Markdown table: a header row, its rule, then the rows.
 * A `|` or line break inside a cell (a machine name from someone's results)
 * is escaped, so it cannot end the cell or the table.
 */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const cell = (c: string) => c.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/**
 * A section of a report: its heading (`## Summary`, `#`s included) and its
 * blocks (tables, paragraphs, lists), each followed by a blank line.
 */
export function section(heading: string, ...blocks: string[]): string[] {
  return paragraphs(heading, ...blocks);
}

/** Blocks (tables, paragraphs, lists) as a report lays them out: each followed by a blank line. */
export function paragraphs(...blocks: string[]): string[] {
  return blocks.flatMap((b) => [b, ""]);
}

/** The blocks that give the command a report's figures came from; none without one. */
export function reproduce(command: string | null | undefined): string[] {
  return command ? ["Reproduce with:", `\`\`\`sh\n${command}\n\`\`\``] : [];
}

/** A table's header cells, written as a Markdown row writes them: `"model | test acc"`. */
export function columns(header: string): string[] {
  return header.split(" | ");
}

/** `x` with `digits` decimals; an en dash for a missing or non-finite value. */
export function fixed(x: number | null | undefined, digits = 2): string {
  return x === null || x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(digits);
}

/**
 * What a tail percentile of few calls rests on, for the note under a
 * latency table: with 100 calls the p99 lies between the two slowest.
 */
export function tailNote(callCounts: readonly number[]): string {
  const fewest = Math.min(...callCounts);
  return `Percentiles interpolate between the calls' times as NumPy does. With ${fewest} calls ` +
    `the p99 lies between the ${between(fewest, 99)} slowest calls and the p95 between the ${
      between(fewest, 95)
    }${
      fewest < 1000
        ? ": a tail of few calls is rough. Take more calls (`--inference-runs`) for a steadier tail."
        : "."
    }`;
}

/** The two calls, counted from the slowest, that the p-th percentile of n calls interpolates between. */
function between(n: number, p: number): string {
  const fromTop = ((100 - p) / 100) * (n - 1);
  const a = Math.floor(fromTop) + 1;
  const b = Math.ceil(fromTop) + 1;
  return a === b ? ordinal(a) : `${ordinal(a)} and ${ordinal(b)}`;
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13
    ? "th"
    : ({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[n % 10] ?? "th";
  return `${n}${suffix}`;
}

/**
 * Decimals for seconds per epoch: two below 10 s (a 2 s fixture epoch's
 * interval would read 2.0 [1.9–2.0] with one), one above.
 */
export function secondsDigits(seconds: number): number {
  return seconds < 10 ? 2 : 1;
}

/** A median and its 95% interval: `12.3 [12.1–12.6]`; the bare median without one. */
export function intervalCell(
  median: number,
  interval: Interval | null | undefined,
  digits: number,
): string {
  return interval
    ? `${fixed(median, digits)} [${fixed(interval.low, digits)}–${fixed(interval.high, digits)}]`
    : fixed(median, digits);
}

/** Seconds per epoch: `12.3 [12.1–12.6] (12.0–13.1, 4 epochs)`, the range over the steady epochs. */
export function epochSecondsCell(t: EpochTimes | null): string {
  if (!t) return "–";
  const digits = secondsDigits(t.median);
  const range = `${fixed(t.min, digits)}–${fixed(t.max, digits)}`;
  return `${intervalCell(t.median, t.interval, digits)} (${range}, ${t.n} epoch${
    t.n === 1 ? "" : "s"
  })`;
}

/** The header of the cells {@link rowLabels} gives. */
export const ROW_LABELS: readonly string[] = ["machine", "model", "backend", "engine"];

/** The cells that name a comparison's row: its machine, model, backend and engine. */
export function rowLabels(r: Pick<ComparisonRow, "machine" | "model" | "backend" | "engine">) {
  return [r.machine, r.model, `\`${r.backend}\``, `\`${r.engine}\``];
}
