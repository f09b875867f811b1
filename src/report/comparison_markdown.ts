/**
 * Renders a {@link Comparison} as Markdown: one table of every machine, model,
 * backend and engine (rows that did not run give their reason), the growth of
 * cost from model to model beside the FLOPs, where the time goes in the rows
 * that were profiled, and each machine's environment.
 *
 * @module
 */
import type { Comparison, ScalingRow } from "../compare/comparison.ts";
import type { ComparisonRow, MachineSummary, VerdictedInterval } from "../compare/row.ts";
import { DEFAULT_BAND } from "../compare/verdict.ts";
import {
  columns,
  epochSecondsCell,
  fixed,
  intervalCell,
  markdownTable,
  reproduce,
  ROW_LABELS,
  rowLabels,
  section,
  tailNote,
} from "./markdown.ts";
import { renderMeasures } from "./measures_markdown.ts";
import { seriesOf } from "./html_charts.ts";
import { profilesOfSeries, renderProfiles } from "./profile_tables.ts";
import type { GpuCpuPair, PairRatio } from "../compare/gpu_cpu_pairs.ts";

function n(x: number): string {
  return x.toLocaleString("en-US", { maximumFractionDigits: 0 });
}

/** The device column: what ran, and whether it was a GPU at all. */
function deviceCell(row: ComparisonRow): string {
  const device = row.device ?? "–";
  if (row.fellBackToCpu && !/fell back|no GPU/i.test(device)) {
    return `${device} (**fell back to the CPU**)`;
  }
  if (row.softwareAdapter && !/software/i.test(device)) return `${device} (**software adapter**)`;
  return device;
}

/**
 * A speed-up, with the slow-down spelled out when it is below 1, and its
 * 95% interval and verdict when there is one.
 */
export function speedupCell(
  speedup: number | null,
  interval: VerdictedInterval | null = null,
): string {
  if (speedup === null) return "–";
  const ci = interval ? ` [${ratioDigits(interval.low)}–${ratioDigits(interval.high)}]` : "";
  const verdict = interval ? ` **${interval.verdict}**` : "";
  if (speedup >= 0.995) return `${speedup.toFixed(2)}×${ci}${verdict}`;
  const slower = 1 / speedup;
  return `${speedup.toPrecision(2)}×${ci} (${
    slower.toLocaleString("en-US", {
      maximumFractionDigits: slower < 2 ? 2 : slower < 10 ? 1 : 0,
    })
  }× slower)${verdict}`;
}

/** Both sides' cold start: first epoch's extra seconds and first prediction. */
function coldStartCell(c: GpuCpuPair["coldStart"]): string {
  const pair = (g: number | null, x: number | null, unit: string, digits: number) =>
    `${g === null ? "–" : `${fixed(g, digits)} ${unit}`} / ${
      x === null ? "–" : `${fixed(x, digits)} ${unit}`
    }`;
  return `first epoch extra ${
    pair(c.gpu.firstEpochExtraSeconds, c.cpu.firstEpochExtraSeconds, "s", 2)
  }; first prediction ${pair(c.gpu.firstPredictionMs, c.cpu.firstPredictionMs, "ms", 1)}`;
}

/** A GPU-over-CPU ratio with its interval and verdict, or `–`. */
function pairCell(r: PairRatio | null): string {
  return r ? speedupCell(r.ratio, r.interval) : "–";
}

function ratioDigits(x: number): string {
  return x >= 0.995 ? x.toFixed(2) : x.toPrecision(2);
}

const STATUS_WORDS = {
  unavailable: "not available",
  "fell-back": "fell back to the CPU",
  failed: "failed",
} as const;

function statusCell(row: ComparisonRow): string {
  return row.status === "measured" ? row.note ?? "" : `${STATUS_WORDS[row.status]}: ${row.note}`;
}

/** Options for {@link renderComparison}. */
export interface RenderComparisonOptions {
  /** File name of the chart to embed, relative to the Markdown file. Default: none. */
  chart?: string;
}

/** Renders the comparison as Markdown. */
export function renderComparison(c: Comparison, options: RenderComparisonOptions = {}): string {
  return [
    ...introSection(c, options),
    ...trainingSection(c),
    ...latencySection(c.rows),
    ...sizeNotes(c.rows),
    ...measuresSection(c.rows),
    ...renderProfiles(
      profilesOfSeries(seriesOf(c.rows).filter((s) => s.row.status === "measured")),
    ),
    ...gpuOverCpuSection(c.gpuOverCpu ?? []),
    ...scalingSection(c.scaling),
    ...machinesSection(c.machines),
    ...(c.notes.length > 0 ? section("## Notes", c.notes.map((x) => `- ${x}`).join("\n")) : []),
  ].join("\n");
}

/** The title, what the figures mean, the command and the chart. */
function introSection(c: Comparison, options: RenderComparisonOptions): string[] {
  const machines = [...new Set(c.rows.map((r) => r.machine))];
  return section(
    "# fmnist-bench comparison",
    `${c.rows.length} row${c.rows.length === 1 ? "" : "s"} from ${machines.length} machine${
      machines.length === 1 ? "" : "s"
    }, built ${c.createdAt}. Every row names its engine: \`tfjs\` is stock TF.js (\`model.fit\`, ` +
      "`predictOnBatch`), `native` this suite's TensorFlow-ops training step and predictor, " +
      "`tfjs-patched` `model.fit` with some TensorFlow gradients and kernels. Speed-up is " +
      `training images per second over the \`${c.baseline}\` backend's running the same engine ` +
      "on the same machine and model; \"over tfjs\" is an engine's over the `tfjs` engine's on " +
      "the same backend. No figure divides one engine's time by another's across backends, and " +
      "none is claimed for a GPU package that fell back to the CPU. Times are training only; the " +
      "median and range leave out the first epoch when there are several.",
    ...reproduce(c.command),
    ...(options.chart ? [`![seconds per epoch and accuracy per epoch](${options.chart})`] : []),
  );
}

/** The table of every row, and how to read its intervals. */
function trainingSection(c: Comparison): string[] {
  return section(
    "## Training and inference",
    markdownTable(
      [
        ...ROW_LABELS,
        ...columns("device | train images | s/epoch, median [95% CI] (range) | img/s"),
        `speed-up vs \`${c.baseline}\`, same engine [95% CI]`,
        ...columns("over tfjs, same backend [95% CI] | batch-1 p50 [95% CI]"),
        ...columns("batched img/s [95% CI] | test acc | notes"),
      ],
      c.rows.map(trainingCells),
    ),
    "Intervals are 95% percentile-bootstrap intervals (2000 resamples, seeded): of a median over " +
      "the steady epochs, or over the timed inference calls; of a speed-up over both rows' epochs. " +
      `The verdict reads the interval: **faster** or **slower** only when all of it lies beyond a ` +
      `${DEFAULT_BAND * 100}% band around 1, else **no difference**. An interval over few epochs ` +
      "is wide: train more epochs to narrow it.",
  );
}

function trainingCells(r: ComparisonRow): string[] {
  return [
    ...rowLabels(r),
    deviceCell(r),
    r.trainSize === null ? "–" : `${n(r.trainSize)} × ${r.epochs}`,
    epochSecondsCell(r.secondsPerEpoch),
    r.imagesPerSecond === null ? "–" : fixed(r.imagesPerSecond, r.imagesPerSecond < 10 ? 2 : 0),
    speedupCell(r.speedup, r.speedupInterval),
    speedupCell(r.engineSpeedup, r.engineSpeedupInterval),
    r.batch1 === null
      ? "–"
      : `${intervalCell(r.batch1.p50Ms, r.batch1.interval, 2)} ms${
        r.inferencePath === "native" ? " (native predictor)" : ""
      }`,
    r.batched
      ? `${
        intervalCell(
          r.batched.imagesPerSecond,
          r.batched.interval,
          r.batched.imagesPerSecond < 10 ? 2 : 0,
        )
      } (batch ${r.batched.batchSize})`
      : "–",
    r.test ? `${(r.test.accuracy * 100).toFixed(2)}% of ${n(r.test.count)}` : "–",
    statusCell(r),
  ];
}

/** Batch-1 latency percentiles of the rows that recorded their calls; none without. */
function latencySection(rows: readonly ComparisonRow[]): string[] {
  const latencyRows = rows.filter((r) => r.batch1 && r.batch1.runs !== null);
  if (latencyRows.length === 0) return [];
  return section(
    "## Batch-1 latency",
    markdownTable(
      [...ROW_LABELS, "p50 [95% CI]", "p90", "p95", "p99", "calls"],
      latencyRows.map((r) => {
        const b = r.batch1!;
        return [
          ...rowLabels(r),
          `${intervalCell(b.p50Ms, b.interval, 2)} ms`,
          b.p90Ms === null ? "–" : `${fixed(b.p90Ms)} ms`,
          b.p95Ms === null ? "–" : `${fixed(b.p95Ms)} ms`,
          b.p99Ms === null ? "–" : `${fixed(b.p99Ms)} ms`,
          String(b.runs),
        ];
      }),
    ),
    tailNote(latencyRows.map((r) => r.batch1!.runs!)),
  );
}

/** Warnings where rows trained or were tested on different numbers of images. */
function sizeNotes(rows: readonly ComparisonRow[]): string[] {
  const out: string[] = [];
  const sizes = new Set(rows.filter((r) => r.trainSize !== null).map((r) => r.trainSize));
  if (sizes.size > 1) {
    out.push(
      "Rows trained on different numbers of images (short runs on slow backends): compare " +
        "images per second and speed-ups, not seconds per epoch, and not accuracy.",
      "",
    );
  }
  const testSizes = new Set(rows.filter((r) => r.test).map((r) => r.test!.count));
  if (testSizes.size > 1) {
    out.push(
      `Test accuracy was measured on different numbers of images (${
        [...testSizes].sort((a, b) => b - a).map(n).join(", ")
      }): compare accuracy only between rows of the same count.`,
      "",
    );
  }
  return out;
}

/** Memory, cold start, time to accuracy and energy of the measured rows. */
function measuresSection(rows: readonly ComparisonRow[]): string[] {
  const measuredRows = rows.filter((r) => r.status === "measured");
  if (measuredRows.length === 0) return [];
  return [
    renderMeasures(
      ROW_LABELS,
      measuredRows.map((r) => ({ labels: rowLabels(r), measures: r.measures ?? undefined })),
    ),
  ];
}

/** Each framework's GPU over its CPU on one machine, and the notes of the pairs. */
function gpuOverCpuSection(pairs: readonly GpuCpuPair[]): string[] {
  if (pairs.length === 0) return [];
  const notes = pairs.flatMap((p) =>
    [...p.notes, ...(p.differs.length ? [`the runs differ in ${p.differs.join(", ")}`] : [])]
      .map((n) => `- ${p.machine} ${p.model} \`${p.gpu.backend}\` over \`${p.cpu.backend}\`: ${n}`)
  );
  return section(
    "## GPU over CPU, one framework on one machine",
    markdownTable(
      columns(
        "machine | model | framework | GPU | CPU | training | batch-1 p50 | batched | " +
          "cold start, GPU / CPU",
      ),
      pairs.map((p) => [
        p.machine,
        p.model,
        `\`${p.framework}\``,
        `\`${p.gpu.backend}\`${p.gpu.device ? `: ${p.gpu.device}` : ""}`,
        `\`${p.cpu.backend}\`${p.cpu.device ? `: ${p.cpu.device}` : ""}`,
        pairCell(p.training),
        pairCell(p.batch1),
        [...p.moreBatched, ...(p.batched ? [p.batched] : [])]
          .map((b) => `${pairCell(b)} at batch ${b.batchSize}`).join("; ") || "–",
        coldStartCell(p.coldStart),
      ]),
    ),
    "Each ratio is the GPU's speed over the CPU's (training images/s, batch-1 p50 latency, batched " +
      "images/s) between two runs on the same machine that differ in their device only, with the " +
      "95% bootstrap interval and its verdict. Cold start is apart: the first epoch's seconds over " +
      "the steady median, and the first batch-1 prediction, on each side.",
    ...(notes.length > 0 ? [notes.join("\n")] : []),
  );
}

/** How cost grows from model to model beside the FLOPs; none without scaling rows. */
function scalingSection(scaling: readonly ScalingRow[]): string[] {
  if (scaling.length === 0) return [];
  return section(
    "## How cost grows from model to model",
    markdownTable(
      columns(
        "machine | backend | engine | model | MFLOP/image | × FLOPs | × time per image | " +
          "training GFLOP/s",
      ),
      scaling.map((s) => [
        s.machine,
        `\`${s.backend}\``,
        `\`${s.engine}\``,
        s.model,
        fixed(s.flopsPerImage / 1e6, 1),
        `${fixed(s.flopsRatio, 1)}×`,
        `${fixed(s.timeRatio, 1)}×`,
        fixed(s.trainingGflops, 1),
      ]),
    ),
    "Ratios are against the smallest model on the same machine, backend and engine. Training GFLOP/s " +
      "counts a step as three forward passes (forward, and backward for inputs and weights).",
  );
}

function machinesSection(machines: readonly MachineSummary[]): string[] {
  if (machines.length === 0) return [];
  return section(
    "## Machines",
    markdownTable(
      ["machine", "CPU", "oneDNN", "GPU", "libtensorflow", "software", "git commit"],
      machines.map((m) => [
        m.machine,
        m.cpu,
        m.onednn ?? "not recorded",
        m.gpu,
        m.tensorflow ?? "–",
        m.software,
        m.gitCommit ?? "–",
      ]),
    ),
  );
}
