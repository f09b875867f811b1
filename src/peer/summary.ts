/**
 * The TF.js-against-Keras summary: per model, each side's median over its
 * repeated runs, the spread of those runs (the machine's noise), the ratios
 * TF.js/Keras, and efficiency as FLOP/s over the machine's fp32 ceiling.
 *
 * @module
 */
import { describeCpu, describeOneDnn } from "../results/environment.ts";
import { epochTimes } from "../results/report.ts";
import type { ResultsFile } from "../results/schema.ts";
import { percentile } from "../results/stats.ts";

/** One run of one side. */
export interface PeerRun {
  /** Model name. */
  model: string;
  /** Which side. */
  side: "tfjs" | "keras";
  /** 1-based repeat number. */
  repeat: number;
  /** Its results (one model run). */
  results: ResultsFile;
}

/** One side of one model, over its repeats. */
export interface SideSummary {
  /** Runs summarised. */
  runs: number;
  /** Median over runs of each run's median steady epoch, in seconds. */
  epochSeconds: number;
  /** Smallest and largest of those per-run medians. */
  epochSecondsRange: [number, number];
  /** (largest − smallest) / median of the per-run epoch medians: the machine's noise. */
  noise: number;
  /** Training images per second at `epochSeconds`. */
  imagesPerSecond: number;
  /** Median batch-1 p50 over runs, in milliseconds. */
  batch1P50Ms: number;
  /** Median batched throughput over runs, images/s. */
  batchedImagesPerSecond: number;
  /** Median test accuracy over runs. */
  testAccuracy: number;
  /** Training FLOP/s (a step counted as three forward passes) over the ceiling. */
  trainingEfficiency: number;
  /** Batched inference FLOP/s over the ceiling. */
  inferenceEfficiency: number;
  /**
   * TF.js side with the native inference path: `predictOnBatch`'s figures
   * from the same runs (medians over runs).
   */
  layers?: { batch1P50Ms: number; batchedImagesPerSecond: number };
}

/** One model, both sides. */
export interface PeerModelSummary {
  /** Model name. */
  model: string;
  /** Forward FLOPs per image. */
  flopsPerImage: number;
  /** TF.js on the tensorflow backend. */
  tfjs: SideSummary;
  /** Keras. */
  keras: SideSummary;
  /** TF.js over Keras, for times (below 1: TF.js is faster). */
  ratios: { epochSeconds: number; batch1P50: number; batchedSecondsPerImage: number };
  /** TF.js test accuracy minus Keras's, in percentage points. */
  accuracyGapPoints: number;
}

/** The whole comparison, as written to `peer.json`. */
export interface PeerSummary {
  /** Identifies the file. */
  kind: "fmnist-bench-peer";
  /** Layout version. */
  version: 1;
  /** When it was built. */
  createdAt: string;
  /** The machine's fp32 ceiling in GFLOP/s, as measured for this run. */
  ceilingGflops: number;
  /** Training images, epochs and batch size (the same on both sides). */
  config: {
    trainSize: number;
    epochs: number;
    batchSize: number;
    threads: string;
    /** TF.js side: gradients computed by native TensorFlow ops (`[]`: TF.js's own). */
    nativeGradients: string[];
    /** TF.js side: tfjs-node kernels replaced by TensorFlow's fused ones. */
    nativeKernels: string[];
    /** TF.js side: how batches were trained (see `RunConfig.trainStep`). */
    trainStep: "fit" | "native";
    /** TF.js side: how inference was timed (see `RunConfig.inferencePath`). */
    inferencePath: "layers" | "native";
  };
  /** Machine name, CPU and versions. */
  machine: {
    name: string;
    cpu: string;
    /**
     * Whether libtensorflow ran oneDNN's kernels, and why: one state when both
     * sides had the same (as `peer` ensures), else each side's. Absent in older files.
     */
    onednn?: string;
    tfjs: string;
    keras: string;
  };
  /** Per model. */
  models: PeerModelSummary[];
}

/** Options for {@link summarizePeer}. */
export interface SummarizePeerOptions {
  /** The measured fp32 ceiling, GFLOP/s. */
  ceilingGflops: number;
  /** Build time. Default: now. */
  now?: Date;
}

/**
 * Summarises alternating runs of both sides.
 *
 * @throws {RangeError} When a model lacks runs of one side.
 */
export function summarizePeer(
  runs: readonly PeerRun[],
  options: SummarizePeerOptions,
): PeerSummary {
  const { ceilingGflops, now = new Date() } = options;
  const models = [...new Set(runs.map((r) => r.model))];
  const summaries = models.map((model): PeerModelSummary => {
    const side = (s: "tfjs" | "keras") => {
      const mine = runs.filter((r) => r.model === model && r.side === s);
      if (mine.length === 0) {
        throw new RangeError(`summarizePeer: expected ${s} runs of ${model}, got none`);
      }
      return summarizeSide(mine, ceilingGflops);
    };
    const tfjs = side("tfjs");
    const keras = side("keras");
    const flopsPerImage = runs.find((r) => r.model === model)!.results.runs[0].flopsPerImage;
    return {
      model,
      flopsPerImage,
      tfjs,
      keras,
      ratios: {
        epochSeconds: tfjs.epochSeconds / keras.epochSeconds,
        batch1P50: tfjs.batch1P50Ms / keras.batch1P50Ms,
        batchedSecondsPerImage: keras.batchedImagesPerSecond / tfjs.batchedImagesPerSecond,
      },
      accuracyGapPoints: (tfjs.testAccuracy - keras.testAccuracy) * 100,
    };
  });
  const first = (s: "tfjs" | "keras") => runs.find((r) => r.side === s)?.results;
  const tf = first("tfjs");
  const ks = first("keras");
  const threads = tf?.env.threads ?? { intraOp: "default", interOp: "default" };
  return {
    kind: "fmnist-bench-peer",
    version: 1,
    createdAt: now.toISOString(),
    ceilingGflops,
    config: {
      trainSize: tf?.config.trainSize ?? 0,
      epochs: tf?.config.epochs ?? 0,
      batchSize: tf?.config.batchSize ?? 0,
      threads: `intra-op ${threads.intraOp}, inter-op ${threads.interOp}`,
      nativeGradients: tf?.config.nativeGradients ?? [],
      nativeKernels: tf?.config.nativeKernels ?? [],
      trainStep: tf?.config.trainStep ?? "fit",
      inferencePath: tf?.config.inferencePath ?? "layers",
    },
    machine: {
      name: tf?.env.machine ?? "unnamed",
      cpu: tf ? describeCpu(tf.env) : "unknown",
      onednn: !tf || !ks || describeOneDnn(tf.env) === describeOneDnn(ks.env)
        ? describeOneDnn((tf ?? ks)?.env ?? {})
        : `TF.js side ${describeOneDnn(tf.env)}; Keras side ${describeOneDnn(ks.env)}`,
      tfjs: tf
        ? `TF.js ${tf.env.tfjs} on libtensorflow ${tf.env.tensorflow} (Deno ${tf.env.deno})`
        : "–",
      keras: ks?.env.device ?? "–",
    },
    models: summaries,
  };
}

function summarizeSide(runs: readonly PeerRun[], ceiling: number): SideSummary {
  const medians: number[] = [];
  const p50: number[] = [];
  const batched: number[] = [];
  const accuracy: number[] = [];
  const layersP50: number[] = [];
  const layersBatched: number[] = [];
  for (const { results } of runs) {
    const run = results.runs[0];
    const t = epochTimes(run);
    if (!t || !run.inference || !run.test) {
      throw new RangeError(
        `summarizePeer: expected a complete run of ${run.model}, got a partial one`,
      );
    }
    medians.push(t.median);
    p50.push(run.inference.batch1.p50Ms);
    batched.push(run.inference.batched.imagesPerSecond);
    accuracy.push(run.test.accuracy);
    if (run.inference.layers) {
      layersP50.push(run.inference.layers.batch1.p50Ms);
      layersBatched.push(run.inference.layers.batched.imagesPerSecond);
    }
  }
  const { trainSize } = runs[0].results.config;
  const flops = runs[0].results.runs[0].flopsPerImage;
  const epochSeconds = percentile(medians, 50);
  const imagesPerSecond = trainSize / epochSeconds;
  const batchedImagesPerSecond = percentile(batched, 50);
  return {
    runs: runs.length,
    epochSeconds,
    epochSecondsRange: [Math.min(...medians), Math.max(...medians)],
    noise: (Math.max(...medians) - Math.min(...medians)) / epochSeconds,
    imagesPerSecond,
    batch1P50Ms: percentile(p50, 50),
    batchedImagesPerSecond,
    testAccuracy: percentile(accuracy, 50),
    trainingEfficiency: (3 * flops * imagesPerSecond) / 1e9 / ceiling,
    inferenceEfficiency: (flops * batchedImagesPerSecond) / 1e9 / ceiling,
    ...(layersP50.length === runs.length && runs.length > 0
      ? {
        layers: {
          batch1P50Ms: percentile(layersP50, 50),
          batchedImagesPerSecond: percentile(layersBatched, 50),
        },
      }
      : {}),
  };
}

/** Renders the summary as Markdown. */
export function renderPeer(s: PeerSummary, options: { command?: string } = {}): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const out: string[] = ["# TF.js in Deno against Keras, same machine, same run", ""];
  out.push(
    `Machine ${s.machine.name}: ${s.machine.cpu}; TensorFlow threads: ${s.config.threads}; ` +
      `oneDNN ${s.machine.onednn ?? "not recorded"}. ` +
      `TF.js side: ${s.machine.tfjs}, ${
        s.config.nativeGradients.length > 0
          ? `native TensorFlow gradients for ${s.config.nativeGradients.join(", ")}`
          : "TF.js's own gradients"
      }, ${
        s.config.nativeKernels.length > 0
          ? `fused TensorFlow kernels for ${s.config.nativeKernels.join(", ")}`
          : "tfjs-node's own kernels"
      }, ${
        s.config.trainStep === "native"
          ? "the native training step (TensorFlow's ops called directly)"
          : "model.fit"
      }, inference timed ${
        s.config.inferencePath === "native"
          ? "as TensorFlow's ops called directly (predictOnBatch below the table)"
          : "with predictOnBatch"
      }. Keras side: ${s.machine.keras}. ` +
      `${s.config.trainSize.toLocaleString("en-US")} training images, ${s.config.epochs} epochs ` +
      `(the first left out of each run's median), batch ${s.config.batchSize}; the two sides ` +
      `alternate, each run in its own process. fp32 ceiling measured for this run: ` +
      `${s.ceilingGflops.toFixed(1)} GFLOP/s (a large 3×3 conv in TensorFlow).`,
    "",
  );
  if (options.command) out.push("Reproduce with:", "", "```sh", options.command, "```", "");
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  out.push("## Summary", "");
  out.push(
    line([
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
    ]),
    line(Array(10).fill("---")),
  );
  for (const m of s.models) {
    for (const [name, side] of [["TF.js", m.tfjs], ["Keras", m.keras]] as const) {
      out.push(line([
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
      ]));
    }
  }
  out.push("");
  const layers = s.models.filter((m) => m.tfjs.layers);
  if (layers.length > 0) {
    out.push(
      "TF.js's tfjs-layers `predictOnBatch`, timed in the same runs: " +
        layers.map((m) =>
          `${m.model} batch-1 p50 ${m.tfjs.layers!.batch1P50Ms.toFixed(2)} ms, ${
            m.tfjs.layers!.batchedImagesPerSecond.toFixed(0)
          } img/s batched`
        ).join("; ") + ".",
      "",
    );
  }
  out.push("## TF.js / Keras", "");
  out.push(
    line(["model", "epoch time", "batch-1 p50", "batched time per image", "test accuracy gap"]),
    line(Array(5).fill("---")),
    ...s.models.map((m) =>
      line([
        m.model,
        `${m.ratios.epochSeconds.toFixed(2)}×`,
        `${m.ratios.batch1P50.toFixed(2)}×`,
        `${m.ratios.batchedSecondsPerImage.toFixed(2)}×`,
        `${m.accuracyGapPoints >= 0 ? "+" : ""}${m.accuracyGapPoints.toFixed(2)} points`,
      ])
    ),
    "",
    "Below 1× TF.js takes less time than Keras. Noise is the spread of one side's repeated runs " +
      "over their median: a ratio closer to 1 than the noise is a tie.",
    "",
  );
  return out.join("\n");
}
