/**
 * The TF.js-against-Keras summary (`summary.ts`) as Markdown, written to
 * `peer.md`: the machine and how each engine ran, a table of each side's
 * figures and one of each engine's ratios over Keras, and, when the runs were
 * profiled, where the time goes on each side.
 *
 * @module
 */
import { fixed, markdownTable, reproduce, section } from "../report/markdown.ts";
import { DEFAULT_BAND, formatRatio } from "../compare/verdict.ts";
import type { PeerEngineConfig, PeerSummary } from "./summary.ts";
import type { PeerVerdict } from "./engine_ratios.ts";
import type { SideMeasures, SideSummary } from "./side_summary.ts";
import { mib, milliseconds, signedSeconds, targetLabel } from "../report/measures_markdown.ts";
import { type LabelledProfiles, renderProfiles } from "../report/profile_tables.ts";

/** One engine's configuration, in words. */
function engineWords(c: PeerEngineConfig): string {
  return `\`${c.engine}\`: ${
    c.trainStep === "native"
      ? "the native training step (TensorFlow's ops called directly)"
      : "model.fit"
  } with ${
    c.nativeGradients.length > 0
      ? `native TensorFlow gradients for ${c.nativeGradients.join(", ")}`
      : "TF.js's own gradients"
  } and ${
    c.nativeKernels.length > 0
      ? `fused TensorFlow kernels for ${c.nativeKernels.join(", ")}`
      : "tfjs-node's own kernels"
  }, inference timed ${
    c.inferencePath === "native"
      ? "as TensorFlow's ops called directly (predictOnBatch below the table)"
      : "with predictOnBatch"
  }`;
}

/** A ratio over Keras with its interval and verdict: `0.82× [0.79–0.85] **faster**`. */
function verdictCell(ratio: number, verdict: PeerVerdict | null | undefined): string {
  return verdict
    ? `${formatRatio(verdict.ratio, verdict.interval)} **${verdict.verdict}**`
    : formatRatio(ratio, null);
}

/** Renders the summary as Markdown. */
export function renderPeer(s: PeerSummary, options: { command?: string } = {}): string {
  return [
    ...section(
      "# TF.js in Deno against Keras, same machine, same run",
      introLine(s),
      ...reproduce(options.command),
    ),
    ...summarySection(s),
    ...renderSideMeasures(s),
    ...ratiosSection(s),
    ...renderProfiles(peerProfiles(s)),
  ].join("\n");
}

/** Each side's profiles, every TF.js engine then Keras, per model: those that were profiled. */
export function peerProfiles(s: PeerSummary): LabelledProfiles[] {
  return s.models.flatMap((m) =>
    [
      ...m.engines.map((e) => ({ label: `TF.js ${e.engine}`, profiles: e.tfjs.profile })),
      { label: "Keras", profiles: m.keras.profile },
    ].flatMap(({ label, profiles }) => profiles ? [{ label, model: m.model, profiles }] : [])
  );
}

/** The machine, both sides' software, the runs' setup and the fp32 ceiling, in one paragraph. */
function introLine(s: PeerSummary): string {
  return `Machine ${s.machine.name}: ${s.machine.cpu}; TensorFlow threads: ${s.config.threads}; ` +
    `oneDNN ${s.machine.onednn ?? "not recorded"}. ` +
    `TF.js side: ${s.machine.tfjs}, ${s.config.engines.length} engine${
      s.config.engines.length === 1 ? "" : "s"
    }: ${s.config.engines.map(engineWords).join("; ")}. Keras side: ${s.machine.keras}. ` +
    `${s.config.trainSize.toLocaleString("en-US")} training images, ${s.config.epochs} epochs ` +
    `(the first left out of each run's median), batch ${s.config.batchSize}; the sides ` +
    `alternate, each run in its own process, every engine against the same Keras runs. fp32 ` +
    `ceiling measured for this run: ${s.ceilingGflops.toFixed(1)} GFLOP/s (a large 3×3 conv ` +
    "in TensorFlow).";
}

/** A table's column: its header, and how a row fills its cell. */
type Column<T> = [string, (row: T) => string];

/** A table from its columns and rows. */
function columnTable<T>(columns: Column<T>[], rows: readonly T[]): string {
  return markdownTable(
    columns.map(([h]) => h),
    rows.map((r) => columns.map(([, cell]) => cell(r))),
  );
}

/** One side of one model, as the tables name it. */
type SideRow = { model: string; name: string; side: SideSummary };

/** Each side of each model: every TF.js engine, then Keras. */
function sideRows(s: PeerSummary): SideRow[] {
  return s.models.flatMap((m) => [
    ...m.engines.map((e) => ({ model: m.model, name: `TF.js \`${e.engine}\``, side: e.tfjs })),
    { model: m.model, name: "Keras", side: m.keras },
  ]);
}

/** Each side of each model: its medians, noise and efficiency; then `predictOnBatch`'s figures. */
function summarySection(s: PeerSummary): string[] {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const layers = s.models.flatMap((m) =>
    m.engines.filter((e) => e.tfjs.layers).map((e) => ({ model: m.model, e }))
  );
  return section(
    "## Summary",
    columnTable<SideRow>([
      ["model", (r) => r.model],
      ["side", (r) => r.name],
      [
        "s/epoch, median (range of runs)",
        ({ side: { epochSeconds: e, epochSecondsRange: [lo, hi] } }) =>
          `${e.toFixed(2)} (${lo.toFixed(2)}–${hi.toFixed(2)})`,
      ],
      ["noise", (r) => pct(r.side.noise)],
      ["img/s", (r) => r.side.imagesPerSecond.toFixed(0)],
      ["training efficiency", (r) => pct(r.side.trainingEfficiency)],
      ["batch-1 p50", (r) => `${r.side.batch1P50Ms.toFixed(2)} ms`],
      ["batched img/s", (r) => r.side.batchedImagesPerSecond.toFixed(0)],
      ["inference efficiency", (r) => pct(r.side.inferenceEfficiency)],
      ["test acc", (r) => `${(r.side.testAccuracy * 100).toFixed(2)}%`],
    ], sideRows(s)),
    ...(layers.length > 0
      ? [
        "TF.js's tfjs-layers `predictOnBatch`, timed in the same runs as the native predictor: " +
        layers.map(({ model, e }) =>
          `${model} \`${e.engine}\` batch-1 p50 ${e.tfjs.layers!.batch1P50Ms.toFixed(2)} ms, ${
            e.tfjs.layers!.batchedImagesPerSecond.toFixed(0)
          } img/s batched`
        ).join("; ") + ".",
      ]
      : []),
  );
}

/** Each engine over Keras: the time ratios with their verdicts, memory, energy and accuracy. */
function ratiosSection(s: PeerSummary): string[] {
  const ratio = (x: number | null | undefined) =>
    x === null || x === undefined ? "–" : `${x.toFixed(2)}×`;
  const rows = s.models.flatMap((m) =>
    m.engines.map((e) => ({ ...e, model: m.model, r: e.ratios }))
  );
  return section(
    "## TF.js / Keras",
    columnTable([
      ["model", (x) => x.model],
      ["engine", (x) => `\`${x.engine}\``],
      ["epoch time [95% CI]", (x) => verdictCell(x.r.epochSeconds, x.r.verdicts?.epochSeconds)],
      ["batch-1 p50 [95% CI]", (x) => verdictCell(x.r.batch1P50, x.r.verdicts?.batch1)],
      [
        "batched time per image [95% CI]",
        (x) => verdictCell(x.r.batchedSecondsPerImage, x.r.verdicts?.batchedSecondsPerImage),
      ],
      ["training peak memory", (x) => ratio(x.r.trainingPeakMemory)],
      [
        "time to accuracy",
        ({ r: { timeToAccuracy: t } }) =>
          t ? `${t.ratio.toFixed(2)}× (to ${targetLabel(t.target)})` : "–",
      ],
      ["energy per epoch", (x) => ratio(x.r.joulesPerEpoch)],
      [
        "test accuracy gap",
        ({ accuracyGapPoints: g }) => `${g >= 0 ? "+" : ""}${g.toFixed(2)} points`,
      ],
    ], rows),
    "Below 1× TF.js takes less time (or memory) than Keras. Intervals are 95% percentile-bootstrap " +
      "intervals of the ratio of medians, each side's steady epochs (or timed calls), pooled over " +
      "its runs, resampled on their own (2000 resamples, seeded). The verdict is TF.js's and reads " +
      `the interval: **faster** or **slower** only when all of it lies beyond a ${
        DEFAULT_BAND * 100
      }% band around 1, else **no difference**. An interval over one run's epochs does not hold ` +
      "the machine's noise between runs: noise is the spread of one side's repeated runs over " +
      "their median, and a ratio closer to 1 than the noise is a tie whatever its interval. Training peak " +
      "memory is each process's peak resident set while it trained; time to accuracy is the " +
      "training seconds to the highest target both sides reached in every run.",
  );
}

/** Each side's memory, cold start, time to accuracy and energy, as peer.md shows them. */
function renderSideMeasures(s: PeerSummary): string[] {
  const sides = sideRows(s).flatMap(({ side: { measures: m }, ...x }) => m ? [{ ...x, m }] : []);
  if (sides.length === 0) return [];
  const bytes = (b: number | null) => (b === null ? "–" : mib(b));
  const seconds = (x: number | null, digits = 2) => (x === null ? "–" : `${fixed(x, digits)} s`);
  const targets = [
    ...new Set(sides.flatMap((x) => x.m.timeToAccuracy.map((t) => t.target))),
  ].sort((a, b) => a - b);
  const reasons = [...new Set(sides.flatMap((x) => x.m.notMeasured))];
  return section(
    "## Memory, cold start, time to accuracy and energy",
    columnTable([
      ["model", (x) => x.model],
      ["side", (x) => x.name],
      [
        "training peak RSS (over baseline)",
        ({ m }) =>
          m.trainingPeakBytes === null
            ? "–"
            : `${mib(m.trainingPeakBytes)} (+${mib(m.trainingPeakBytes - (m.baselineBytes ?? 0))})`,
      ],
      ["inference peak RSS", (x) => bytes(x.m.inferencePeakBytes)],
      ["backend ready", (x) => seconds(x.m.backendReadySeconds)],
      ["model build", (x) => seconds(x.m.modelBuildSeconds, 3)],
      ["first batch-1 prediction", (x) => milliseconds(x.m.firstPredictionMs)],
      ["first epoch's extra", (x) => signedSeconds(x.m.firstEpochExtraSeconds)],
      ...targets.map((t): Column<(typeof sides)[number]> => [
        `to ${targetLabel(t)}`,
        (x) => timeToTarget(x.m, t),
      ]),
      ["J/epoch", (x) => fixed(x.m.joulesPerEpoch, 1)],
    ], sides),
    "Medians over each side's runs (repeat r trains with seed + r − 1). RSS is the process's resident " +
      "memory (the kernel's peak, reset between phases), its baseline taken after the backend and the " +
      "data were loaded. Time to a target is the training seconds up to the first epoch whose " +
      "validation accuracy reached it, over the runs that reached it; from five such runs on, the " +
      "fastest and the slowest are left out, as MLPerf does.",
    ...(reasons.length > 0 ? [`Not measured: ${reasons.join("; ")}.`] : []),
  );
}

/** A side's time to `target` over its runs, as its cell shows it. */
function timeToTarget(m: SideMeasures, target: number): string {
  const t = m.timeToAccuracy.find((x) => x.target === target);
  if (!t || t.trainSeconds === null) return `not reached (0 of ${t?.runs ?? 0} runs)`;
  const range = t.counted > 1
    ? ` (${fixed(t.trainSecondsRange![0], 1)}–${fixed(t.trainSecondsRange![1], 1)})`
    : "";
  return `${fixed(t.trainSeconds, 1)} s${range}, ${t.reached} of ${t.runs} runs`;
}
