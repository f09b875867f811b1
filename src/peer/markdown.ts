/**
 * The TF.js-against-Keras summary (`summary.ts`) as Markdown, written to
 * `peer.md`: the machine and how each engine ran, a table of each side's
 * figures and one of each engine's ratios over Keras.
 *
 * @module
 */
import { fixed, markdownTable } from "../report/markdown.ts";
import { DEFAULT_BAND, formatRatio } from "../compare/verdict.ts";
import type { PeerEngineConfig, PeerSummary } from "./summary.ts";
import type { PeerVerdict } from "./engine_ratios.ts";
import type { SideMeasures, SideSummary } from "./side_summary.ts";
import { mib, milliseconds, signedSeconds, targetLabel } from "../report/measures_markdown.ts";

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
  const out: string[] = ["# TF.js in Deno against Keras, same machine, same run", ""];
  out.push(introLine(s), "");
  if (options.command) out.push("Reproduce with:", "", "```sh", options.command, "```", "");
  out.push(...summarySection(s), ...renderSideMeasures(s), ...ratiosSection(s));
  return out.join("\n");
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

/** Each side of each model: its medians, noise and efficiency; then `predictOnBatch`'s figures. */
function summarySection(s: PeerSummary): string[] {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const out: string[] = ["## Summary", ""];
  const summaryRows: string[][] = [];
  for (const m of s.models) {
    const sides: [string, SideSummary][] = [
      ...m.engines.map((e): [string, SideSummary] => [`TF.js \`${e.engine}\``, e.tfjs]),
      ["Keras", m.keras],
    ];
    for (const [name, side] of sides) {
      summaryRows.push([
        m.model,
        name,
        `${side.epochSeconds.toFixed(2)} (${side.epochSecondsRange[0].toFixed(2)}–${
          side.epochSecondsRange[1].toFixed(2)
        })`,
        pct(side.noise),
        side.imagesPerSecond.toFixed(0),
        pct(side.trainingEfficiency),
        `${side.batch1P50Ms.toFixed(2)} ms`,
        side.batchedImagesPerSecond.toFixed(0),
        pct(side.inferenceEfficiency),
        `${(side.testAccuracy * 100).toFixed(2)}%`,
      ]);
    }
  }
  out.push(
    markdownTable([
      "model",
      "side",
      "s/epoch, median (range of runs)",
      "noise",
      "img/s",
      "training efficiency",
      "batch-1 p50",
      "batched img/s",
      "inference efficiency",
      "test acc",
    ], summaryRows),
    "",
  );
  const layers = s.models.flatMap((m) =>
    m.engines.filter((e) => e.tfjs.layers).map((e) => ({ model: m.model, e }))
  );
  if (layers.length > 0) {
    out.push(
      "TF.js's tfjs-layers `predictOnBatch`, timed in the same runs as the native predictor: " +
        layers.map(({ model, e }) =>
          `${model} \`${e.engine}\` batch-1 p50 ${e.tfjs.layers!.batch1P50Ms.toFixed(2)} ms, ${
            e.tfjs.layers!.batchedImagesPerSecond.toFixed(0)
          } img/s batched`
        ).join("; ") + ".",
      "",
    );
  }
  return out;
}

/** Each engine over Keras: the time ratios with their verdicts, memory, energy and accuracy. */
function ratiosSection(s: PeerSummary): string[] {
  const ratio = (x: number | null | undefined) =>
    x === null || x === undefined ? "–" : `${x.toFixed(2)}×`;
  return [
    "## TF.js / Keras",
    "",
    markdownTable(
      [
        "model",
        "engine",
        "epoch time [95% CI]",
        "batch-1 p50 [95% CI]",
        "batched time per image [95% CI]",
        "training peak memory",
        "time to accuracy",
        "energy per epoch",
        "test accuracy gap",
      ],
      s.models.flatMap((m) =>
        m.engines.map((e) => [
          m.model,
          `\`${e.engine}\``,
          verdictCell(e.ratios.epochSeconds, e.ratios.verdicts?.epochSeconds),
          verdictCell(e.ratios.batch1P50, e.ratios.verdicts?.batch1),
          verdictCell(e.ratios.batchedSecondsPerImage, e.ratios.verdicts?.batchedSecondsPerImage),
          ratio(e.ratios.trainingPeakMemory),
          e.ratios.timeToAccuracy
            ? `${e.ratios.timeToAccuracy.ratio.toFixed(2)}× (to ${
              targetLabel(e.ratios.timeToAccuracy.target)
            })`
            : "–",
          ratio(e.ratios.joulesPerEpoch),
          `${e.accuracyGapPoints >= 0 ? "+" : ""}${e.accuracyGapPoints.toFixed(2)} points`,
        ])
      ),
    ),
    "",
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
    "",
  ];
}

/** Each side's memory, cold start, time to accuracy and energy, as peer.md shows them. */
function renderSideMeasures(s: PeerSummary): string[] {
  const sides = s.models.flatMap((m) => [
    ...m.engines.map((e) => ({ model: m.model, name: `TF.js \`${e.engine}\``, side: e.tfjs })),
    { model: m.model, name: "Keras", side: m.keras },
  ]).filter((
    x,
  ): x is { model: string; name: string; side: SideSummary & { measures: SideMeasures } } =>
    x.side.measures !== undefined
  );
  if (sides.length === 0) return [];
  const bytes = (b: number | null) => (b === null ? "–" : mib(b));
  const seconds = (x: number | null, digits = 2) => (x === null ? "–" : `${fixed(x, digits)} s`);
  const targets = [
    ...new Set(sides.flatMap((x) => x.side.measures.timeToAccuracy.map((t) => t.target))),
  ].sort((a, b) => a - b);
  const reasons = [...new Set(sides.flatMap((x) => x.side.measures.notMeasured))];
  return [
    "## Memory, cold start, time to accuracy and energy",
    "",
    markdownTable(
      [
        "model",
        "side",
        "training peak RSS (over baseline)",
        "inference peak RSS",
        "backend ready",
        "model build",
        "first batch-1 prediction",
        "first epoch's extra",
        ...targets.map((t) => `to ${targetLabel(t)}`),
        "J/epoch",
      ],
      sides.map(({ model, name, side: { measures: m } }) => [
        model,
        name,
        m.trainingPeakBytes === null
          ? "–"
          : `${mib(m.trainingPeakBytes)} (+${mib(m.trainingPeakBytes - (m.baselineBytes ?? 0))})`,
        bytes(m.inferencePeakBytes),
        seconds(m.backendReadySeconds),
        seconds(m.modelBuildSeconds, 3),
        milliseconds(m.firstPredictionMs),
        signedSeconds(m.firstEpochExtraSeconds),
        ...targets.map((target) => {
          const t = m.timeToAccuracy.find((x) => x.target === target);
          if (!t || t.trainSeconds === null) return `not reached (0 of ${t?.runs ?? 0} runs)`;
          const range = t.counted > 1
            ? ` (${fixed(t.trainSecondsRange![0], 1)}–${fixed(t.trainSecondsRange![1], 1)})`
            : "";
          return `${fixed(t.trainSeconds, 1)} s${range}, ${t.reached} of ${t.runs} runs`;
        }),
        m.joulesPerEpoch === null ? "–" : fixed(m.joulesPerEpoch, 1),
      ]),
    ),
    "",
    "Medians over each side's runs (repeat r trains with seed + r − 1). RSS is the process's resident " +
    "memory (the kernel's peak, reset between phases), its baseline taken after the backend and the " +
    "data were loaded. Time to a target is the training seconds up to the first epoch whose " +
    "validation accuracy reached it, over the runs that reached it; from five such runs on, the " +
    "fastest and the slowest are left out, as MLPerf does.",
    "",
    ...(reasons.length > 0 ? [`Not measured: ${reasons.join("; ")}.`, ""] : []),
  ];
}
