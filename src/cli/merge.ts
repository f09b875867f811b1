/**
 * `deno task merge <files or folders…>`: merges results from many runs and
 * machines (`results.json` files, earlier `compare.json` files, or folders
 * holding them) into one comparison, keyed by machine, model and backend, and
 * writes `compare.json`, `compare.md` and `compare.svg`.
 *
 * @module
 */
import { resolve } from "node:path";
import { BACKEND_NAMES } from "../backends/registry.ts";
import { buildComparison } from "../compare/comparison.ts";
import { readComparisonInputs } from "../compare/comparison_files.ts";
import { writeComparison } from "../report/comparison_output.ts";
import { parseFlags, printHelp, runCli, timestampedOutDir, UsageError } from "./_cli.ts";
import { filesHelp } from "../results/output_files.ts";

const HELP = `Usage: deno task merge [options] <results.json | compare.json | folder>...

Merges result files from any number of runs and machines into one comparison:
one row per machine, model, backend and engine (the newest run wins a tie),
speed-ups against the tensorflow backend on the same machine, and how cost
grows from model to model. Writes the files below.

Options:
  --out DIR     output folder (default results/merge-<timestamp>)
  -h, --help    show this help

${filesHelp("merge")}
`;

async function main(): Promise<number> {
  const { values, positionals } = parseFlags("merge", {
    args: Deno.args,
    allowPositionals: true,
    options: { out: { type: "string" }, help: { type: "boolean", short: "h", default: false } },
  });
  if (values.help) return printHelp(HELP);
  if (positionals.length === 0) {
    throw new UsageError(
      "expected one or more results.json, compare.json or folders holding them; see `deno task merge --help`",
    );
  }
  const inputs = await readComparisonInputs(positionals);
  const outDir = resolve(values.out ?? timestampedOutDir("merge-"));
  const comparison = buildComparison({
    results: inputs.results,
    rows: inputs.rows,
    machines: inputs.machines,
    backendOrder: BACKEND_NAMES,
    command: `deno task merge --out ${outDir} ${positionals.join(" ")}`,
  });
  const paths = await writeComparison(outDir, comparison);
  const machines = new Set(comparison.rows.map((r) => r.machine)).size;
  console.log(
    `merge: ${comparison.rows.length} rows from ${machines} machine${machines === 1 ? "" : "s"}` +
      ` (${inputs.results.length} results files, ${inputs.rows.length} earlier rows)\n` +
      `merge: ${paths.markdown}\n       ${paths.json}\n       ${paths.chart}` +
      (paths.png ? `\n       ${paths.png}` : "") +
      (paths.html ? `\n       ${paths.html}` : ""),
  );
  if (paths.pngError) console.error(`merge: no PNG chart (${paths.pngError}); the SVG has it`);
  if (paths.htmlError) console.error(`merge: no compare.html (${paths.htmlError})`);
  for (const note of comparison.notes) console.error(`merge: ${note}`);
  return 0;
}

if (import.meta.main) await runCli(main);
