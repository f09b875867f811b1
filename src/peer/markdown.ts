/**
 * The TF.js-against-Keras summary (`summary.ts`) as Markdown, written to
 * `peer.md`: the machine and how each engine ran, a table of each side's
 * figures and one of each engine's ratios over Keras.
 *
 * @module
 */
import { markdownTable } from "../results/markdown.ts";
import type { PeerEngineConfig, PeerSummary, SideSummary } from "./summary.ts";

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

/** Renders the summary as Markdown. */
export function renderPeer(s: PeerSummary, options: { command?: string } = {}): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const out: string[] = ["# TF.js in Deno against Keras, same machine, same run", ""];
  out.push(
    `Machine ${s.machine.name}: ${s.machine.cpu}; TensorFlow threads: ${s.config.threads}; ` +
      `oneDNN ${s.machine.onednn ?? "not recorded"}. ` +
      `TF.js side: ${s.machine.tfjs}, ${s.config.engines.length} engine${
        s.config.engines.length === 1 ? "" : "s"
      }: ${s.config.engines.map(engineWords).join("; ")}. Keras side: ${s.machine.keras}. ` +
      `${s.config.trainSize.toLocaleString("en-US")} training images, ${s.config.epochs} epochs ` +
      `(the first left out of each run's median), batch ${s.config.batchSize}; the sides ` +
      `alternate, each run in its own process, every engine against the same Keras runs. fp32 ` +
      `ceiling measured for this run: ${s.ceilingGflops.toFixed(1)} GFLOP/s (a large 3×3 conv ` +
      "in TensorFlow).",
    "",
  );
  if (options.command) out.push("Reproduce with:", "", "```sh", options.command, "```", "");
  out.push("## Summary", "");
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
  out.push("## TF.js / Keras", "");
  out.push(
    markdownTable(
      [
        "model",
        "engine",
        "epoch time",
        "batch-1 p50",
        "batched time per image",
        "test accuracy gap",
      ],
      s.models.flatMap((m) =>
        m.engines.map((e) => [
          m.model,
          `\`${e.engine}\``,
          `${e.ratios.epochSeconds.toFixed(2)}×`,
          `${e.ratios.batch1P50.toFixed(2)}×`,
          `${e.ratios.batchedSecondsPerImage.toFixed(2)}×`,
          `${e.accuracyGapPoints >= 0 ? "+" : ""}${e.accuracyGapPoints.toFixed(2)} points`,
        ])
      ),
    ),
    "",
    "Below 1× TF.js takes less time than Keras. Noise is the spread of one side's repeated runs " +
      "over their median: a ratio closer to 1 than the noise is a tie.",
    "",
  );
  return out.join("\n");
}
