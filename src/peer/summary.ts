/**
 * The TF.js-against-Keras summary: per model and TF.js engine (`tfjs`, stock
 * TF.js; `native`, this suite's TensorFlow-ops engine; see
 * `src/engines/registry.ts`), each side's median over its repeated runs, the
 * spread of those runs (the machine's noise), the ratios of each engine over
 * Keras, and efficiency as FLOP/s over the machine's fp32 ceiling. One side
 * is summed up in `side_summary.ts`, an engine against Keras in
 * `engine_ratios.ts`.
 *
 * @module
 */
import { describeCpu, describeOneDnn } from "../measure/environment.ts";
import { ENGINE_NAMES } from "../engines/registry.ts";
import type { ResultsFile } from "../results/schema.ts";
import { engineSummary, type PeerEngineSummary } from "./engine_ratios.ts";
import { type PeerRun, type SideSummary, summarizeSide } from "./side_summary.ts";

/** One model: each TF.js engine, and Keras. */
export interface PeerModelSummary {
  /** Model name. */
  model: string;
  /** Forward FLOPs per image. */
  flopsPerImage: number;
  /** Each TF.js engine that ran, in engine registry order, against Keras. */
  engines: PeerEngineSummary[];
  /** Keras. */
  keras: SideSummary;
}

/** How one TF.js engine ran (from its first run's configuration). */
export interface PeerEngineConfig {
  /** The engine. */
  engine: string;
  /** Gradients computed by native TensorFlow ops (`[]`: TF.js's own). */
  nativeGradients: string[];
  /** tfjs-node kernels replaced by TensorFlow's fused ones. */
  nativeKernels: string[];
  /** How batches were trained (see `RunConfig.trainStep`). */
  trainStep: "fit" | "native";
  /** How inference was timed (see `RunConfig.inferencePath`). */
  inferencePath: "layers" | "native";
}

/** The whole comparison, as written to `peer.json`. */
export interface PeerSummary {
  /** Identifies the file. */
  kind: "fmnist-bench-peer";
  /** Layout version: 2 since the TF.js side is split by engine. */
  version: 2;
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
    /** Each TF.js engine, as it ran. */
    engines: PeerEngineConfig[];
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
 * Summarises alternating runs of both sides, the TF.js runs grouped by engine.
 *
 * @throws {RangeError} When a model lacks Keras runs or TF.js runs, or lacks
 *   runs of an engine another model has.
 */
export function summarizePeer(
  runs: readonly PeerRun[],
  options: SummarizePeerOptions,
): PeerSummary {
  const { ceilingGflops, now = new Date() } = options;
  const models = [...new Set(runs.map((r) => r.model))];
  const engineOf = (r: PeerRun) => r.results.config.engine;
  const rank = (e: string) => (ENGINE_NAMES as readonly string[]).indexOf(e);
  const engines = [...new Set(runs.filter((r) => r.side === "tfjs").map(engineOf))]
    .sort((a, b) => rank(a) - rank(b));
  const summaries = models.map((model): PeerModelSummary => {
    const side = (s: "tfjs" | "keras", engine?: string) => {
      const mine = runs.filter((r) =>
        r.model === model && r.side === s && (engine === undefined || engineOf(r) === engine)
      );
      if (mine.length === 0) {
        const which = `${s}${engine ? ` (engine ${engine})` : ""}`;
        throw new RangeError(`summarizePeer: expected ${which} runs of ${model}, got none`);
      }
      return summarizeSide(mine, ceilingGflops);
    };
    const keras = side("keras");
    if (engines.length === 0) side("tfjs");
    const flopsPerImage = runs.find((r) => r.model === model)!.results.runs[0].flopsPerImage;
    return {
      model,
      flopsPerImage,
      engines: engines.map((engine) => engineSummary(engine, side("tfjs", engine), keras)),
      keras,
    };
  });
  const first = (s: "tfjs" | "keras") => runs.find((r) => r.side === s)?.results;
  const [tf, ks] = [first("tfjs"), first("keras")];
  const engineConfig = (engine: string): PeerEngineConfig => {
    const c = runs.find((r) => r.side === "tfjs" && engineOf(r) === engine)!.results.config;
    return {
      engine,
      nativeGradients: c.nativeGradients ?? [],
      nativeKernels: c.nativeKernels ?? [],
      trainStep: c.trainStep ?? "fit",
      inferencePath: c.inferencePath ?? "layers",
    };
  };
  const threads = tf?.env.threads ?? { intraOp: "default", interOp: "default" };
  return {
    kind: "fmnist-bench-peer",
    version: 2,
    createdAt: now.toISOString(),
    ceilingGflops,
    config: {
      trainSize: tf?.config.trainSize ?? 0,
      epochs: tf?.config.epochs ?? 0,
      batchSize: tf?.config.batchSize ?? 0,
      threads: `intra-op ${threads.intraOp}, inter-op ${threads.interOp}`,
      engines: engines.map(engineConfig),
    },
    machine: machineOf(tf, ks),
    models: summaries,
  };
}

/** The machine and both sides' software, from the first run of each side. */
function machineOf(
  tf: ResultsFile | undefined,
  ks: ResultsFile | undefined,
): PeerSummary["machine"] {
  return {
    name: tf?.env.machine ?? "unnamed",
    cpu: tf ? describeCpu(tf.env) : "unknown",
    onednn: !tf || !ks || describeOneDnn(tf.env) === describeOneDnn(ks.env)
      ? describeOneDnn((tf ?? ks)?.env ?? {})
      : `TF.js side ${describeOneDnn(tf.env)}; Keras side ${describeOneDnn(ks.env)}`,
    tfjs: tf
      ? `TF.js ${tf.env.tfjs} on libtensorflow ${tf.env.tensorflow} (Deno ${tf.env.deno})`
      : "–",
    keras: ks?.env.device ?? "–",
  };
}
