/**
 * What a browser page runs: the same models, data, seed, batch size, epochs
 * and timing rules as `train-all` (the trainer, evaluation and latency code
 * of `src/train/`), on one of TF.js's browser backends, reporting each event
 * to the driver. This module runs in the page; the job and the data come
 * from the driver (`job_wire.ts` says how they travel).
 *
 * A backend that lacks a kernel the models' training needs (tfjs-backend-wasm
 * has no `Conv2DBackpropFilter`) still has its inference timed, on the
 * freshly built model, and its record says why it was not trained.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { type PageDevice, setUpPageBackend } from "../backends/browser_page.ts";
import { missingTrainingKernels, notTrainedReason } from "../backends/training_kernels.ts";
import { epochOrder } from "../data/split.ts";
import { toTensors } from "../data/tensors.ts";
import { buildModel } from "../models/factory.ts";
import { countParams, forwardFlopsPerImage } from "../models/cost.ts";
import { getModelSpec } from "../models/spec.ts";
import { notMeasured } from "../measure/measures.ts";
import { evaluateModel } from "../train/evaluate.ts";
import { measureInference } from "../train/latency.ts";
import { modelMeasures } from "../train/run_measures.ts";
import { trainEpochs } from "../train/trainer.ts";
import type { RunRecord } from "../results/schema.ts";
import { type BrowserEvent, type BrowserJob, readJobData } from "./job_wire.ts";

/**
 * Runs the job and reports to `send`; awaits each send, so the driver has
 * every epoch before the next starts.
 */
export async function runBrowserJob(
  job: BrowserJob,
  bytes: Uint8Array,
  send: (event: BrowserEvent) => Promise<unknown>,
): Promise<void> {
  const device: PageDevice = await setUpPageBackend(job.tfjsBackend, job.wasmPaths);
  await send({ type: "device", device, tfjs: tf.version_core });
  const data = readJobData(bytes, job.counts);
  const train = toTensors(data.train);
  const validation = toTensors(data.validation);
  const test = toTensors(data.test);
  const order = epochOrder(job.seed);
  const missing = missingTrainingKernels(tf.getKernel, job.tfjsBackend);
  const probes = {
    hostMemory: notMeasured("a browser page cannot read its process's resident memory"),
    energy: notMeasured("a browser page has no energy counter"),
    backendLoadSeconds: device.readySeconds,
    noDeviceMemory: device.kind === "gpu"
      ? "the page reads no GPU memory figure (tf.memory()'s GPU bytes are in the TF.js record)"
      : "the backend computes on the CPU: a page cannot read its memory",
  };
  try {
    for (const name of job.models) {
      const spec = getModelSpec(name);
      const measures = modelMeasures(probes);
      measures.beforeBuild();
      const t0 = performance.now();
      const model = buildModel(spec, { seed: job.seed, learningRate: job.learningRate });
      measures.built((performance.now() - t0) / 1000);
      try {
        const run: RunRecord = {
          model: spec.name,
          backend: job.backend,
          engine: job.engine,
          params: countParams(spec),
          flopsPerImage: forwardFlopsPerImage(spec),
          epochs: [],
          test: null,
          inference: null,
        };
        let notTrained: string | undefined;
        await send({ type: "model-start", model: spec.name, epochs: job.epochs });
        if (missing.length > 0) {
          notTrained = notTrainedReason(job.tfjsBackend, tf.version_core, missing);
        } else {
          measures.beforeTraining();
          run.epochs = await trainEpochs({
            model,
            train,
            validation,
            epochs: job.epochs,
            batchSize: job.batchSize,
            order,
            memory: measures.tfjs,
            onEpoch: async (record) => {
              await send({ type: "epoch", model: spec.name, record, epochs: job.epochs });
            },
          });
          await measures.afterTraining();
          const evaluation = await evaluateModel(model, test.xs, test.ys);
          run.test = {
            accuracy: evaluation.accuracy,
            loss: evaluation.loss,
            count: evaluation.count,
            confusion: evaluation.confusion,
          };
        }
        await send({ type: "phase", model: spec.name, phase: "inference" });
        const { firstCallMs, path: _path, ...inference } = await measureInference(model, test.xs, {
          batchSize: job.inference.batchSize,
          runs: job.inference.runs,
          warmup: job.inference.warmup,
          batchedRuns: job.inference.batchedRuns,
          moreBatchSizes: job.inference.moreBatchSizes,
        });
        run.inference = inference;
        measures.afterInference(firstCallMs);
        run.measures = measures.record(run.epochs, job.targetAccuracies, job.counts.train);
        await send({ type: "model-done", run, ...(notTrained ? { notTrained } : {}) });
      } finally {
        model.optimizer?.dispose();
        model.dispose();
      }
    }
  } finally {
    tf.dispose([train.xs, train.ys, validation.xs, validation.ys, test.xs, test.ys]);
  }
  await send({ type: "done" });
}
