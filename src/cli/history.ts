/**
 * `deno task history`: the history store's series (every recorded run's
 * figures over time), `history import DIR…` to add results folders and
 * other stores, and `history export FILE` to write the store to one file.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { importResults } from "../store/import.ts";
import { openStore, type SeriesPoint } from "../store/store.ts";
import { FIGURE_NAMES } from "../store/figures.ts";
import { parseFlags, printHelp, runCli, textTable, UsageError } from "./_cli.ts";
import { historyExport } from "./_history_export.ts";
import { historyStorePath } from "./_store.ts";

const HELP = `Usage: deno task history [options]
       deno task history import <folder | results.json | store.sqlite>...
       deno task history export <file.sqlite> [filter options]

Prints the figures of every run recorded in the history store, one line per
run and figure, oldest first within each series: when it ran, the commit,
machine, model, backend and engine, the median with its 95% interval, and
the samples behind it. \`import\` adds the results.json files under folders
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
  const path = historyStorePath(values.store);
  if (command === "export") return await historyExport(path, paths, { ...values, figure });
  if (command === undefined && !existsSync(path)) {
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
    const points = store.series({ ...values, figure });
    if (points.length === 0) {
      console.error(`history: no figures in ${store.path} match; add runs with history import`);
      return 0;
    }
    console.log(textTable(
      ["time", "commit", "machine", "model", "backend", "engine", "figure", "median [95%]", "n"],
      points.map(line),
    ));
    return 0;
  } finally {
    store.close();
  }
}

function line(p: SeriesPoint): string[] {
  const digits = p.unit === "fraction" ? 4 : 3;
  const f = (x: number) => Number(x.toPrecision(digits)).toString();
  const interval = p.low !== null && p.high !== null ? ` [${f(p.low)}, ${f(p.high)}]` : "";
  return [
    p.createdAt.slice(0, 16).replace("T", " "),
    p.gitCommit?.slice(0, 7) ?? "-",
    p.machine,
    p.model,
    p.backend,
    p.engine,
    p.figure,
    `${f(p.median)}${interval} ${p.unit}`,
    String(p.n),
  ];
}

if (import.meta.main) await runCli(main);
