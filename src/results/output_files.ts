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

const RUN_TASKS = ["train-all", "browser"] as const;
const COMPARISON_TASKS = ["compare", "merge"] as const;

/** Every output file, in the order a task's help lists them. */
export const OUTPUT_FILES: readonly OutputFile[] = Object.freeze([
  {
    name: "results.json",
    description: "every figure measured, in the suite's schema",
    tasks: RUN_TASKS,
  },
  { name: "report.md", description: "the results as a Markdown report", tasks: RUN_TASKS },
  {
    name: "report.html",
    description: "the report as a page with charts (when their scripts are installed)",
    tasks: RUN_TASKS,
  },
  {
    name: "run.json",
    description: "the run's description, which --resume continues",
    tasks: RUN_TASKS,
  },
  { name: "models/<model>/", description: "each trained model, saved", tasks: ["train-all"] },
  {
    name: "checkpoints/<model>/",
    description: "a model's latest epoch while it trains, for --resume",
    tasks: ["train-all"],
  },
  {
    name: "compare.json",
    description: "the comparison: a row per machine, backend, engine and model",
    tasks: COMPARISON_TASKS,
  },
  { name: "compare.md", description: "the comparison as Markdown", tasks: COMPARISON_TASKS },
  { name: "compare.svg", description: "its chart", tasks: COMPARISON_TASKS },
  {
    name: "compare.png",
    description: "the chart as PNG (when the rasteriser loads)",
    tasks: COMPARISON_TASKS,
  },
  {
    name: "compare.html",
    description: "the comparison as a page (when the chart scripts are installed)",
    tasks: COMPARISON_TASKS,
  },
  {
    name: "runs/<backend>/<engine>/<model>/",
    description: "each train-all run's own files",
    tasks: ["compare"],
  },
  {
    name: "diff.json",
    description: "each pair's figures with their change, interval and verdict",
    tasks: ["diff"],
  },
  { name: "diff.md", description: "the same as Markdown", tasks: ["diff"] },
  { name: "peer.json", description: "the TF.js/Keras summary", tasks: ["peer"] },
  { name: "peer.md", description: "the summary as Markdown", tasks: ["peer"] },
  {
    name: "peer.html",
    description: "the summary as a page (when the chart scripts are installed)",
    tasks: ["peer"],
  },
  {
    name: "runs/<model>/<engine|keras>-<n>/",
    description: "each run's results.json, and a TF.js run's other files",
    tasks: ["peer"],
  },
  {
    name: "plan.json",
    description: "the budget, each plan made, and what each side took",
    tasks: ["run.sh"],
  },
  {
    name: "<side>/<model>/",
    description: "each side's results.json, and a TF.js side's other files",
    tasks: ["run.sh"],
  },
]);

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
