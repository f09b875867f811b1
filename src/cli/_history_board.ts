/**
 * `deno task history --board` and `--html FILE`: the board of machines
 * (`store/board.ts`) as a terminal table or Markdown, and `history.html`
 * (`report/history_html.ts`), its trends and board in one page.
 *
 * @module
 */
import { writeFileAtomic } from "../_util/fs.ts";
import { markSeries } from "../store/regression.ts";
import { buildBoard, RANK_FIGURES, type RankFigure } from "../store/board.ts";
import { type BoardTable, boardTables, RANK_FIGURE_WORDS } from "../store/board_tables.ts";
import type { HistoryStore, SeriesFilter } from "../store/store.ts";
import { loadChartScripts } from "../report/html_assets.ts";
import { renderHistoryHtml } from "../report/history_html.ts";
import { markdownTable, paragraphs } from "../report/markdown.ts";
import { textTable, UsageError, wrap } from "./_cli.ts";

/** The flags of the board and the page. */
export interface BoardFlags extends SeriesFilter {
  /** Print the board. */
  board: boolean;
  /** As Markdown rather than a terminal table. */
  markdown: boolean;
  /** Write history.html here. */
  html?: string;
  /** The figure to rank by (`--rank-by`). */
  rankBy?: string;
}

/** The help lines of the board's flags. */
export const BOARD_HELP =
  `  --board        the board: machines ranked by their latest run, and GPU over
                 CPU within each machine (docs/history.md)
  --markdown     with --board: print it as Markdown
  --rank-by F    with --board or --html: rank by ${RANK_FIGURES.join(" or ")} (default
                 epoch_seconds)
  --html FILE    write history.html: trend charts and the board, one page`;

/** Checks the flags: --markdown and --rank-by need the board. */
export function checkBoardFlags(flags: BoardFlags): RankFigure {
  const { board, markdown, html, rankBy = "epoch_seconds" } = flags;
  if (markdown && !board) throw new UsageError("--markdown: expected with --board");
  if (!(RANK_FIGURES as readonly string[]).includes(rankBy)) {
    throw new UsageError(`--rank-by: expected one of ${RANK_FIGURES.join(", ")}, got ${rankBy}`);
  }
  if (flags.rankBy !== undefined && !board && html === undefined) {
    throw new UsageError("--rank-by: expected with --board or --html");
  }
  return rankBy as RankFigure;
}

/** Prints the board and writes the page as the flags ask; 0. */
export async function runBoard(store: HistoryStore, flags: BoardFlags): Promise<number> {
  const figure = checkBoardFlags(flags);
  const { model, backend, engine, machine } = flags;
  const points = store.series({ model, backend, engine, machine });
  if (points.length === 0) {
    console.error(`history: no figures in ${store.path} match; add runs with history import`);
    return 0;
  }
  const tables = boardTables(buildBoard(points, store.samples, { figure }));
  const title = `Board of machines: ${RANK_FIGURE_WORDS[figure]}`;
  if (flags.board) {
    console.log(flags.markdown ? boardMarkdown(title, tables) : boardText(title, tables));
  }
  if (flags.html !== undefined) {
    const marked = markSeries(points);
    const charted = flags.figure ? marked.filter((p) => p.figure === flags.figure) : marked;
    const page = renderHistoryHtml({
      markdown: `# fmnist-bench history\n\n${boardMarkdown(title, tables)}`,
      points: charted,
      scripts: await loadChartScripts(),
    });
    await writeFileAtomic(flags.html, page);
    console.error(`history: wrote ${flags.html}`);
  }
  return 0;
}

const INTRO = "Each machine's latest run of each model, backend and engine, ranked lowest first. " +
  "Only runs set up alike are ranked together (the same data, batch sizes, sizes, seed and " +
  "device; the CPU, threads and oneDNN may differ): a run set up otherwise is listed apart.";

/** One line: a stored string's line breaks would end a heading. */
type BoardTables = ReturnType<typeof boardTables>;

const oneLine = (s: string) => s.replace(/\s+/g, " ");

/** The board as Markdown: its title as a `##` section, each table a `###` one. */
export function boardMarkdown(title: string, tables: BoardTables): string {
  const { ranked, gpuOverCpu: ratios } = tables;
  const table = (t: BoardTable, level: string) =>
    paragraphs(
      `${level} ${oneLine(t.heading)}`,
      ...t.notes.map(oneLine),
      markdownTable(t.header, t.rows),
    );
  return [
    ...paragraphs(`## ${title}`, INTRO),
    ...ranked.flatMap((t) => table(t, "###")),
    ...(ratios ? table(ratios, "##") : []),
  ].join("\n").trimEnd() + "\n";
}

/** The board for the terminal: each table under its heading and notes. */
export function boardText(title: string, tables: BoardTables): string {
  const all = [...tables.ranked, ...(tables.gpuOverCpu ? [tables.gpuOverCpu] : [])];
  return [title, ...wrap(INTRO, 0), ""].concat(
    all.flatMap((t) => [
      t.heading,
      ...t.notes.flatMap((n) => wrap(n, 2)),
      textTable(t.header, t.rows),
      "",
    ]),
  ).join("\n").trimEnd();
}
