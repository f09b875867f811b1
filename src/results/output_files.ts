/**
 * The files each task writes into its output folder, in one table, and the
 * "Writes" section of each task's `--help` made from it.
 *
 * @module
 */

/** A task that writes an output folder; `run.sh` is the GPU kit's program. */
export type OutputTask =
  | "train-all"
  | "browser"
  | "compare"
  | "merge"
  | "diff"
  | "peer"
  | "run.sh";

/** One file (or folder, its name ending in `/`) that tasks write. */
export interface OutputFile {
  /** Its path in the output folder, e.g. `results.json` or `models/<model>/`. */
  name: string;
  /** What it holds, in one line. */
  description: string;
  /** The tasks that write it. */
  tasks: readonly OutputTask[];
}

const RUN = ["train-all", "browser"] as const;
const COMPARISON = ["compare", "merge"] as const;
const PEER = ["peer"] as const;

/** Every output file, in the order a task's help lists them. */
export const OUTPUT_FILES: readonly OutputFile[] = Object.freeze(
  ([
    ["results.json", "every figure measured, in the suite's schema", RUN],
    ["report.md", "the results as a Markdown report", RUN],
    ["report.html", "the report as a page with charts (when their scripts are installed)", RUN],
    ["run.json", "the run's description, which --resume continues", RUN],
    ["models/<model>/", "each trained model, saved", ["train-all"]],
    ["checkpoints/<model>/", "a model's latest epoch while it trains, for --resume", ["train-all"]],
    ["compare.json", "the comparison: a row per machine, backend, engine and model", COMPARISON],
    ["compare.md", "the comparison as Markdown", COMPARISON],
    ["compare.svg", "its chart", COMPARISON],
    ["compare.png", "the chart as PNG (when the rasteriser loads)", COMPARISON],
    ["compare.html", "the comparison as a page (when the chart scripts are installed)", COMPARISON],
    ["runs/<backend>/<engine>/<model>/", "each train-all run's own files", ["compare"]],
    ["diff.json", "each pair's figures with their change, interval and verdict", ["diff"]],
    ["diff.md", "the same as Markdown", ["diff"]],
    ["peer.json", "the TF.js/Keras summary", PEER],
    ["peer.md", "the summary as Markdown", PEER],
    ["peer.html", "the summary as a page (when the chart scripts are installed)", PEER],
    [
      "runs/<model>/<engine|keras>-<n>/",
      "each run's results.json, and a TF.js run's other files",
      PEER,
    ],
    ["plan.json", "the budget, each plan made, and what each side took", ["run.sh"]],
    ["<side>/<model>/", "each side's results.json, and a TF.js side's other files", ["run.sh"]],
  ] as const).map(([name, description, tasks]) => ({ name, description, tasks })),
);

/** The files `task` writes, in the table's order. */
export function filesOf(task: OutputTask): OutputFile[] {
  return OUTPUT_FILES.filter((f) => f.tasks.includes(task));
}

/**
 * The "Writes" section of `task`'s `--help`: one line per file, names
 * padded to one column.
 *
 * @example
 * ```ts
 * import { filesHelp } from "./output_files.ts";
 * console.log(filesHelp("diff"));
 * // Writes, into the output folder:
 * //   diff.json  each pair's figures with their change, interval and verdict
 * //   diff.md    the same as Markdown
 * ```
 */
export function filesHelp(task: OutputTask): string {
  const files = filesOf(task);
  const width = Math.max(...files.map((f) => f.name.length));
  return [
    "Writes, into the output folder:",
    ...files.map((f) => `  ${f.name.padEnd(width)}  ${f.description}`),
  ].join("\n");
}
