/**
 * The Keras side of a comparison, as `deno task peer` and the GPU kit both
 * run it: each model of a run description trained, evaluated and timed with
 * Keras in a child Python ({@link runKerasPeer}) on the prepared splits, the
 * suite's epoch order, batch size, learning rate, seed and inference
 * settings, with one progress line per epoch and `results.json` rewritten
 * atomically after each model.
 *
 * @module
 */
import { join } from "node:path";
import { type DataSplit, epochOrder } from "../data/split.ts";
import { forwardFlopsPerImage } from "../models/cost.ts";
import { getModelSpec } from "../models/spec.ts";
import type { Environment } from "../measure/environment.ts";
import type { EpochRecord, ResultsFile } from "../results/schema.ts";
import {
  createResultsWriter,
  type ResultsWriter,
  type ResultsWriterOptions,
} from "../results/writer.ts";
import {
  inferenceTimingFor,
  recordedConfig,
  type RunDataRecord,
  type RunDescription,
  targetAccuraciesFor,
} from "../train/run_description.ts";
import { type KerasBackend, type KerasRunOptions, runKerasPeer } from "./keras.ts";
import { kerasRecord } from "./keras_results.ts";
import { findEnergyMeter } from "../measure/energy.ts";
import { isMeasured } from "../measure/measures.ts";

/** Options of {@link runKerasSide}. */
export interface KerasSideOptions {
  /** What to run: models, epochs, batch size, learning rate, seed, inference settings. */
  run: RunDescription;
  /** The splits the TF.js side trains on, with their source. */
  data: RunDataRecord & { train: DataSplit; validation: DataSplit; test: DataSplit };
  /** The interpreter of a probed Keras environment. */
  python: string;
  /** Extra environment variables for it (e.g. `PYTHONPATH`). Default: none. */
  pythonEnv?: Record<string, string>;
  /** The Keras backend. */
  kerasBackend: KerasBackend;
  /** The backend name the runs are recorded under (`keras`, `keras-jax`, …). */
  backendName: string;
  /** TensorFlow's thread pools, pinned as on the TF.js side. */
  threads: KerasRunOptions["threads"];
  /** The machine's environment (`collectEnvironment`). */
  env: Environment;
  /** The folder that gets `results.json`; Keras's job files go in `work/` inside, removed after. */
  dir: string;
  /** Where the progress lines go. Default: stderr. */
  log?: (line: string) => void;
  /** What Keras computes on, for the energy meter: RAPL for the CPU, `nvidia-smi` for a GPU. Default `"cpu"`. */
  device?: "cpu" | "gpu";
  /** Aborting stops the model in flight; the models before it stay written. Default: none. */
  signal?: AbortSignal;
  /** Records each write beside the file (the history store); see `ResultsWriterOptions`. */
  record?: ResultsWriterOptions["record"];
  /** Told once why recording failed; the run goes on. */
  onRecordError?: ResultsWriterOptions["onRecordError"];
  /** Each model's per-op profiles after its timed runs. Default: none. */
  profile?: KerasRunOptions["profile"];
}

/** One epoch's progress line, the same for every Keras run. */
export function kerasEpochLine(label: string, e: EpochRecord, epochs: number): string {
  return `  epoch ${e.epoch}/${epochs} [${label}]: ${e.trainSeconds.toFixed(2)} s (${
    e.imagesPerSecond.toFixed(0)
  } img/s), val acc ${((e.valAccuracy ?? 0) * 100).toFixed(2)}%`;
}

/**
 * Trains, evaluates and times every model of `options.run` with Keras.
 *
 * @returns The results as last written to `dir/results.json`.
 * @throws {Error} When a Keras run fails; the models before it stay written.
 */
export async function runKerasSide(options: KerasSideOptions): Promise<ResultsFile> {
  const { run, data, dir, backendName } = options;
  const log = options.log ?? ((line: string) => console.error(line));
  const config = recordedConfig(run, data, backendName);
  const inference = inferenceTimingFor(run, data.test.count);
  const createdAt = new Date().toISOString();
  let writer: ResultsWriter | undefined;
  const energy = await findEnergyMeter({ device: options.device ?? "cpu" });
  try {
    await runModels();
  } finally {
    if (isMeasured(energy)) await energy.close();
  }
  await Deno.remove(join(dir, "work"), { recursive: true }).catch(() => {});
  if (!writer) throw new RangeError("runKerasSide: expected at least one model, got none");
  return writer.results;

  async function runModels(): Promise<void> {
    for (const model of run.models) {
      const spec = getModelSpec(model);
      const label = `${backendName} ${model}`;
      const done = await runKerasPeer({
        python: options.python,
        env: options.pythonEnv,
        kerasBackend: options.kerasBackend,
        backendName,
        spec,
        flopsPerImage: forwardFlopsPerImage(spec),
        data: { train: data.train, validation: data.validation, test: data.test },
        epochs: run.epochs,
        order: epochOrder(run.seed),
        batchSize: run.batchSize,
        learningRate: run.learningRate,
        seed: run.seed,
        inference,
        threads: options.threads,
        workDir: join(dir, "work", model),
        onEpoch: (e) => log(kerasEpochLine(label, e, run.epochs)),
        energy,
        targetAccuracies: targetAccuraciesFor(run),
        signal: options.signal,
        profile: options.profile,
      });
      writer ??= await createResultsWriter({
        outDir: dir,
        ...kerasRecord({ versions: done.versions, env: options.env, config }),
        createdAt,
        label: "the Keras runs' results",
        record: options.record,
        onRecordError: options.onRecordError,
      });
      const last = writer.results.runs.length + 1 === run.models.length;
      writer.results.status = last ? "complete" : "partial";
      await writer.putRun(done.run);
      const { test: t, inference: inf } = done.run;
      log(
        `  ${label}: test accuracy ${((t?.accuracy ?? 0) * 100).toFixed(2)}%, ` +
          `batch-1 p50 ${inf?.batch1.p50Ms.toFixed(2)} ms, batch ${inf?.batched.batchSize}: ` +
          `${inf?.batched.imagesPerSecond.toFixed(0)} img/s`,
      );
    }
  }
}
