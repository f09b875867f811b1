/**
 * A diff of two comparisons (`src/compare/diff.ts`) as Markdown, suited to a CI job's
 * summary: one line of verdict, a table of every compared figure with its
 * ratio, interval and verdict, then the pairs that were refused or
 * unpaired, with why.
 *
 * @module
 */
import {
  fixed,
  markdownTable,
  paragraphs,
  reproduce,
  ROW_LABELS,
  rowLabels,
  section,
} from "./markdown.ts";
import type { ComparisonDiff, DiffPair } from "../compare/diff.ts";
import { DIFF_METRICS, type MetricChange } from "../compare/diff_metrics.ts";
import { formatRatio } from "../compare/verdict.ts";

const percent = (x: number) => `${+(x * 100).toFixed(2)}%`;

/** Renders the diff as Markdown. */
export function renderDiff(d: ComparisonDiff, options: { command?: string } = {}): string {
  const compared = d.pairs.filter((p) => p.status === "compared");
  const changes = compared.flatMap((p) => p.changes.map((c) => ({ p, c })));
  return [
    ...section(
      "# fmnist-bench diff",
      verdictLine(d, compared, changes),
      ...reproduce(options.command),
    ),
    ...paragraphs(...(changes.length > 0 ? [changesTable(changes)] : []), methodNote(d)),
    ...notComparedSection(d),
    ...alsoDiffersSection(compared),
  ].join("\n");
}

type Change = { p: DiffPair; c: MetricChange };

/** The line a CI summary shows: what was compared, what it concluded, whether it fails. */
function verdictLine(
  d: ComparisonDiff,
  compared: readonly DiffPair[],
  changes: readonly Change[],
): string {
  const count = (v: string) => changes.filter(({ c }) => c.verdict === v).length;
  return `Base: ${d.sources.base}. New: ${d.sources.new}. ${compared.length} pair${
    compared.length === 1 ? "" : "s"
  } compared, ${changes.length} figure${changes.length === 1 ? "" : "s"}: ${
    count("slower")
  } slower, ${count("faster")} faster, ${count("no difference")} no difference${
    d.failOnRegression === null
      ? ""
      : `; ${d.regressions} significant slowdown${d.regressions === 1 ? "" : "s"} beyond ${
        percent(d.failOnRegression)
      }${d.regressions > 0 ? " (**fails**)" : ""}`
  }.`;
}

/** Every compared figure: base, new, their ratio with its interval, and the verdict. */
function changesTable(changes: readonly Change[]): string {
  return markdownTable(
    [...ROW_LABELS, "figure", "base", "new", "new / base [95% CI]", "verdict", "samples"],
    changes.map(({ p, c }) => {
      const metric = DIFF_METRICS.find((m) => m.name === c.metric)!;
      const unit = c.metric === "epoch" ? " s" : " ms";
      const digits = c.base < 10 ? 3 : 1;
      return [
        ...rowLabels(p),
        metric.label,
        `${fixed(c.base, digits)}${unit}`,
        `${fixed(c.new, digits)}${unit}`,
        formatRatio(c.ratio, c.interval),
        c.verdict === null
          ? "not judged: one process per side"
          : `**${c.verdict}**${c.regression ? " (regression)" : ""}`,
        `${c.n.base} / ${c.n.new} ${c.over}`,
      ];
    }),
  );
}

/** How a ratio, its interval and its verdict are read, and what one run per side cannot judge. */
function methodNote(d: ComparisonDiff): string {
  return `Each ratio is new over base: above 1 the new run took longer. Its interval is a ${d.method}. ` +
    `The verdict reads the interval: **slower** when all of it lies above ${
      fixed(1 + d.band, 3)
    }, **faster** when all of it lies below ${fixed(1 / (1 + d.band), 3)} (a ${
      percent(d.band)
    } band), else **no difference**.${
      d.failOnRegression === null
        ? ""
        : ` A regression is a figure whose whole interval lies above ${
          fixed(1 + d.failOnRegression, 3)
        }.`
    } With one run per side the intervals come from the samples within each run and do not ` +
    "hold the noise between two processes: the epoch time is judged so (its samples are epochs " +
    "of many steps, and the band is for that noise), the latency figures are not, since they " +
    "vary more between two processes than within one. Give each side two or more runs of the " +
    "same setup (folders holding several results.json) to judge every figure over runs, each " +
    "run's median a sample.";
}

/** The pairs refused, unpaired, not measured, or compared with no figure, with why. */
function notComparedSection(d: ComparisonDiff): string[] {
  const others = d.pairs.filter((p) => p.status !== "compared" || p.reason);
  if (others.length === 0) return [];
  return section(
    "## Not compared",
    markdownTable(
      [...ROW_LABELS, "status", "why"],
      others.map((p) => [...rowLabels(p), p.status, p.reason ?? ""]),
    ),
  );
}

/** What may differ between base and new and did (commit, versions, epochs), per compared pair. */
function alsoDiffersSection(compared: readonly DiffPair[]): string[] {
  const also = compared.filter((p) => p.alsoDiffers.length > 0);
  if (also.length === 0) return [];
  return section(
    "## What else differs",
    also.map((p) =>
      `- ${p.machine} ${p.model} \`${p.backend}\` \`${p.engine}\`: ${
        p.alsoDiffers.map((x) => `${x.what} ${x.base} → ${x.new}`).join("; ")
      }`
    ).join("\n"),
  );
}
