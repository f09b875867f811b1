/**
 * The board (`board.ts`) as plain tables of words: a heading, the notes
 * under it, a header and rows of cells. The terminal, Markdown and HTML
 * forms are all drawn from these, so they say the same thing.
 *
 * @module
 */
import { formatRatio } from "../compare/verdict.ts";
import type { Board, BoardEntry, BoardSeries, GpuCpuRatio, RankFigure } from "./board.ts";

/** One table of the board, in words. */
export interface BoardTable {
  /** What it ranks, e.g. `model1 · tensorflow · tfjs`. */
  heading: string;
  /** Sentences under the heading: the group's setup, and why it stands apart. */
  notes: string[];
  /** Column names. */
  header: string[];
  /** Cells, one array per row. */
  rows: string[][];
}

/** What each figure is called in a heading. */
export const RANK_FIGURE_WORDS: Record<RankFigure, string> = {
  epoch_seconds: "seconds per epoch",
  batch1_ms: "batch-1 latency",
};

/** `2026-12-07 05:58`: an ISO time to the minute. */
export function minuteOf(iso: string): string {
  return iso.slice(0, 16).replace("T", " ");
}

/** A commit's first seven characters, or `-`. */
export function shortCommit(commit: string | null): string {
  return commit?.slice(0, 7) ?? "-";
}

/** `12.3 [12.1–12.6] s`: three significant digits, the interval when there is one. */
export function figureCell(
  median: number,
  low: number | null,
  high: number | null,
  unit: string,
): string {
  const f = (x: number) => Number(x.toPrecision(unit === "fraction" ? 4 : 3)).toString();
  const interval = low !== null && high !== null ? ` [${f(low)}–${f(high)}]` : "";
  return `${f(median)}${interval} ${unit}`;
}

const RANK_HEADER = ["rank", "machine", "median [95%]", "n", "commit", "run", "CPU", "threads"];

function rankRow(e: BoardEntry): string[] {
  return [
    String(e.rank),
    e.machine,
    figureCell(e.median, e.low, e.high, e.unit),
    String(e.n),
    shortCommit(e.gitCommit),
    `${minuteOf(e.createdAt)}${e.status === "complete" ? "" : ` (${e.status})`}`,
    e.cpu,
    e.threads,
  ];
}

/** The tables of one model, backend and engine: one per like-for-like group. */
export function seriesTables(s: BoardSeries): BoardTable[] {
  const name = `${s.model} · ${s.backend} · ${s.engine}`;
  return s.groups.map((g, i) => ({
    heading: s.groups.length === 1 ? name : `${name} (setup ${i + 1} of ${s.groups.length})`,
    notes: [
      `Set up: ${g.setupWords}.`,
      ...(i > 0
        ? ["Set up differently from the machines above: listed apart, not ranked against them."]
        : []),
    ],
    header: RANK_HEADER,
    rows: g.entries.map(rankRow),
  }));
}

const RATIO_HEADER = [
  "machine",
  "model",
  "framework",
  "GPU",
  "CPU",
  "speed-up [95%]",
  "verdict",
  "runs",
];

function ratioRow(r: GpuCpuRatio): string[] {
  const runs = `${minuteOf(r.gpu.createdAt)} (${shortCommit(r.gpu.gitCommit)}), ${
    minuteOf(r.cpu.createdAt)
  } (${shortCommit(r.cpu.gitCommit)})`;
  if (r.speedup === null) {
    const why = r.differs.map((d) => `${d.what} ${d.base} against ${d.new}`).join("; ");
    const verdict = `not compared: set up differently (${why})`;
    return [r.machine, r.model, r.framework, r.gpu.backend, r.cpu.backend, "–", verdict, runs];
  }
  const verdict = r.interval === null
    ? "too few samples for an interval"
    : r.interval.verdict === "faster"
    ? "GPU faster"
    : r.interval.verdict === "slower"
    ? "GPU slower"
    : "no difference";
  return [
    r.machine,
    r.model,
    r.framework,
    r.gpu.backend,
    r.cpu.backend,
    formatRatio(r.speedup, r.interval),
    verdict,
    runs,
  ];
}

/** The GPU-over-CPU table; null when no machine has both. */
export function gpuOverCpuTable(board: Board): BoardTable | null {
  if (board.gpuOverCpu.length === 0) return null;
  return {
    heading: "GPU over CPU within each machine",
    notes: [
      "Each machine's latest run of a GPU backend against its latest run of a CPU backend in the " +
      "same framework: CPU seconds per epoch over GPU seconds (above 1: the GPU is faster), with " +
      "the 95% bootstrap interval of the ratio of medians over both runs' stored epochs and its " +
      "verdict (5% band). Runs set up differently are not compared.",
    ],
    header: RATIO_HEADER,
    rows: board.gpuOverCpu.map(ratioRow),
  };
}

/** Every table of the board: each series' groups, and GPU over CPU (null when no machine has both). */
export function boardTables(board: Board): { ranked: BoardTable[]; gpuOverCpu: BoardTable | null } {
  return { ranked: board.series.flatMap(seriesTables), gpuOverCpu: gpuOverCpuTable(board) };
}
