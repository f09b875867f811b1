/**
 * `deno task diff BASE NEW`: is NEW faster or slower than BASE? Pairs the
 * rows of two sets of results by machine, model, backend and engine,
 * refuses pairs set up differently, and gives each timed figure's change
 * with its 95% interval and verdict; writes diff.json and diff.md and prints
 * the Markdown (for a CI job summary). With `--fail-on-regression PCT` it
 * exits 1 when a slowdown beyond PCT is significant.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { buildComparison } from "../compare/comparison.ts";
import type { ComparisonRow, MachineSummary } from "../compare/row.ts";
import { machineSummary } from "../compare/comparison_rows.ts";
import { readComparisonInputs } from "../compare/comparison_files.ts";
import { diffComparisons } from "../compare/diff.ts";
import { DIFF_METRICS, type DiffMetric } from "../compare/diff_metrics.ts";
import { renderDiff } from "../report/diff_markdown.ts";
import { DEFAULT_BAND } from "../compare/verdict.ts";
import { writeFileAtomic, writeJsonAtomic } from "../_util/fs.ts";
import { parseFlags, printHelp, runCli, timestampedOutDir, UsageError } from "./_cli.ts";
import { filesHelp } from "../results/output_files.ts";

const HELP = `Usage: deno task diff [options] <BASE> <NEW>

Compares two sets of results (each a results.json, a compare.json or a folder
holding them). Rows are paired by machine, model, backend and engine; a pair
whose runs differ in anything but the code (data checksums, oneDNN, batch
sizes, sizes, seed, threads, CPU, engine, machine) is refused and what differs
is named. Each paired figure (s/epoch, batch-1 latency, batched time per call)
gets new / base with its 95% bootstrap interval and a verdict: slower, faster
or no difference (within the band). Several runs of one setup on a side are
repeats: each run's median is then a sample. With one run per side only the
epoch time is judged (latency varies more between processes than within one).
Prints the Markdown, and writes diff.json and diff.md.

Options:
  --band PCT                  no-difference band, in percent (default ${DEFAULT_BAND * 100})
  --fail-on-regression PCT    exit 1 when a figure's slowdown beyond PCT percent
                              is significant (its whole interval lies above it)
  --metrics LIST              figures to compare, of ${
  DIFF_METRICS.map((m) => m.name).join(", ")
} (default all)
  --out DIR                   output folder (default results/diff-<timestamp>)
  -h, --help                  show this help

Exit codes: 0 compared (whatever the verdicts, without --fail-on-regression);
1 a significant regression beyond --fail-on-regression; 2 a bad flag or an
input that cannot be read.

${filesHelp("diff")}
`;

/** A percentage flag: `10` or `10%` → 0.1. */
function parsePercent(flag: string, value: string, allowZero: boolean): number {
  const trimmed = value.trim().replace(/%$/, "");
  const n = Number(trimmed);
  if (trimmed === "" || !Number.isFinite(n) || n < 0 || (!allowZero && n === 0) || n >= 100) {
    throw new UsageError(
      `${flag}: expected a percentage ${
        allowZero ? "from 0" : "above 0"
      } and below 100 (e.g. 10 or 10%), got ${JSON.stringify(value)}`,
    );
  }
  return n / 100;
}

/** Every row of one side, repeated runs kept (not merged as `compare` does), and its machines. */
async function rowsOf(
  path: string,
): Promise<{ rows: ComparisonRow[]; machines: MachineSummary[] }> {
  let inputs;
  try {
    inputs = await readComparisonInputs([path]);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const rows = [...inputs.rows];
  const machines = [...inputs.machines];
  for (const { results, source } of inputs.results) {
    rows.push(...buildComparison({ results: [{ results, source }] }).rows);
    machines.push(machineSummary(results));
  }
  return { rows, machines };
}

async function main(): Promise<number> {
  const { values, positionals } = parseFlags("diff", {
    args: Deno.args,
    allowPositionals: true,
    options: {
      band: { type: "string" },
      "fail-on-regression": { type: "string" },
      metrics: { type: "string" },
      out: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return printHelp(HELP);
  if (positionals.length !== 2) {
    throw new UsageError(
      `expected two inputs, BASE and NEW, got ${positionals.length}; see \`deno task diff --help\``,
    );
  }
  const band = values.band === undefined ? DEFAULT_BAND : parsePercent("--band", values.band, true);
  const failOnRegression = values["fail-on-regression"] === undefined
    ? null
    : parsePercent("--fail-on-regression", values["fail-on-regression"], false);
  const names = DIFF_METRICS.map((m) => m.name) as string[];
  const metrics = values.metrics === undefined
    ? undefined
    : values.metrics.split(",").map((m) => m.trim()).map((m) => {
      if (!names.includes(m)) {
        throw new UsageError(
          `--metrics: expected some of ${names.join(", ")}, got ${JSON.stringify(m)}`,
        );
      }
      return m as DiffMetric["name"];
    });
  const [basePath, newPath] = positionals;
  const base = await rowsOf(basePath);
  const next = await rowsOf(newPath);
  const outDir = resolve(values.out ?? timestampedOutDir("diff-"));
  const command = `deno task diff ${Deno.args.join(" ")}`;
  const diff = diffComparisons(base.rows, next.rows, {
    band,
    failOnRegression,
    metrics,
    sources: { base: basePath, new: newPath },
    software: (row, side) => {
      const m = (side === "base" ? base : next).machines.find((x) => x.machine === row.machine);
      return { commit: m?.gitCommit ?? undefined, versions: m?.software };
    },
  });
  const markdown = renderDiff(diff, { command });
  await writeFileAtomic(join(outDir, "diff.md"), markdown);
  await writeJsonAtomic(join(outDir, "diff.json"), diff);
  console.log(markdown);
  console.error(`diff: ${join(outDir, "diff.md")}\n      ${join(outDir, "diff.json")}`);
  if (diff.pairs.every((p) => p.status !== "compared")) {
    console.error("diff: no pair was compared: see the table of pairs not compared");
  }
  return diff.regressions > 0 ? 1 : 0;
}

if (import.meta.main) await runCli(main);
