/**
 * `deno task history`: the history store's series (every recorded run's
 * figures over time), `history import DIR…` to add results folders and
 * other stores, and `history export FILE` to write the store to one file.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { importResults } from "../store/import.ts";
import { markSeries, regressions } from "../store/regression.ts";
import { openStore } from "../store/store.ts";
import { FIGURE_NAMES } from "../store/figures.ts";
import { parseFlags, printHelp, runCli, UsageError } from "./_cli.ts";
import { dateWindow, parseRegressionPct } from "./_history_flags.ts";
import { regressionLine, seriesTable } from "./_history_print.ts";
import { historyExport } from "./_history_export.ts";
import { historyStorePath } from "./_store.ts";
import { BOARD_HELP, checkBoardFlags, runBoard } from "./_history_board.ts";

const HELP = `Usage: deno task history [options]
       deno task history import <folder | results.json | store.sqlite>...
       deno task history export <file.sqlite> [filter options]

Prints the figures of every run recorded in the history store, one line per
run and figure, oldest first within each series: when it ran, the commit,
machine, model, backend and engine, the median with its 95% interval, and
the samples behind it, and its mark: \`slower\` or \`faster\` with the
change in percent when its 95% interval lies wholly beyond the band of the
last 5 earlier runs set up alike (at least 2; the band reaches at least 10%
either side of their median), or what differs from earlier runs set up
otherwise. \`import\` adds the results.json files under folders
(a comparison's runs/ included) and merges store files (*.sqlite: an
export, another machine's store); importing a run twice adds nothing.
\`export\` writes the store, or with filter options the runs that have a
matching figure, to one file for another machine's \`history import\`.

Options:
  --model M      only this model
  --backend B    only this backend
  --engine E     only this engine
  --machine X    only this machine
  --figure F     only this figure (${FIGURE_NAMES.join(", ")})
  --since DATE   only runs started at or after DATE (ISO date or date-time, UTC)
  --until DATE   only runs started at or before DATE (a date: to its end)
  --json         the marked points as JSON on stdout instead of the table
  --fail-on-regression PCT
                 exit 1 when the newest run of a series is marked slower by
                 PCT percent or more against its baseline (one line each)
${BOARD_HELP}
  --store PATH   the store (default FMNIST_BENCH_STORE, else
                 ~/.local/share/fmnist-bench/history.sqlite; docs/history.md)
  -h, --help     show this help
`;

async function main(): Promise<number> {
  const { values, positionals } = parseFlags("history", {
    args: Deno.args,
    allowPositionals: true,
    options: {
      model: { type: "string" },
      backend: { type: "string" },
      engine: { type: "string" },
      machine: { type: "string" },
      figure: { type: "string" },
      store: { type: "string" },
      since: { type: "string" },
      until: { type: "string" },
      json: { type: "boolean", default: false },
      "fail-on-regression": { type: "string" },
      board: { type: "boolean", default: false },
      markdown: { type: "boolean", default: false },
      "rank-by": { type: "string" },
      html: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return printHelp(HELP);
  const [command, ...paths] = positionals;
  if (command !== undefined && command !== "import" && command !== "export") {
    throw new UsageError(
      `expected no argument, \`import DIR…\` or \`export FILE\`, got ${JSON.stringify(command)}`,
    );
  }
  if (command === "import" && paths.length === 0) {
    throw new UsageError("import: expected one or more results folders or results.json files");
  }
  const figure = values.figure;
  if (figure !== undefined && !(FIGURE_NAMES as readonly string[]).includes(figure)) {
    throw new UsageError(`--figure: expected one of ${FIGURE_NAMES.join(", ")}, got ${figure}`);
  }
  const inWindow = dateWindow(values.since, values.until);
  const failPct = parseRegressionPct(values["fail-on-regression"]);
  const boardFlags = { ...values, figure, rankBy: values["rank-by"] };
  checkBoardFlags(boardFlags);
  const path = historyStorePath(values.store);
  if (command === "export") return await historyExport(path, paths, { ...values, figure });
  if (command === undefined && !existsSync(path)) {
    if (values.json) console.log("[]");
    console.error(
      `history: no store at ${path} yet; runs started with deno task are recorded there (docs/history.md)`,
    );
    return 0;
  }
  const store = openStore(path);
  try {
    if (command === "import") {
      const counts = await importResults(store, paths);
      console.log(
        `history: ${counts.new} new, ${counts.updated} updated, ${counts.unchanged} already stored` +
          ` (${store.path})`,
      );
      return 0;
    }
    if (values.board || values.html !== undefined) return await runBoard(store, boardFlags);
    const { model, backend, engine, machine } = values;
    const marked = markSeries(store.series({ model, backend, engine, machine, figure }));
    const points = marked.filter(inWindow);
    if (values.json) console.log(JSON.stringify(points, null, 2));
    else if (points.length === 0) {
      console.error(`history: no figures in ${store.path} match; add runs with history import`);
    } else console.log(seriesTable(points));
    if (failPct === null) return 0;
    const found = regressions(points, failPct);
    for (const p of found) console.error(regressionLine(p, failPct));
    if (found.length === 0) console.error(`history: no regression beyond ${failPct}%`);
    return found.length > 0 ? 1 : 0;
  } finally {
    store.close();
  }
}

if (import.meta.main) await runCli(main);
