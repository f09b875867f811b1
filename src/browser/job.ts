/**
 * What a browser page runs: the same models, data, seed, batch size, epochs
 * and timing rules as `train-all` (the trainer, evaluation and latency code
 * of `src/train/`), on one of TF.js's browser backends, reporting each event
 * to the driver. This module runs in the page; the job and the data come
 * from the driver (`job_wire.ts` says how they travel).
 *
 * With `run.profile`, each model's ops are profiled after its timed work
 * (`src/train/op_profiles.ts`, through `tf.profile`); a WebGPU adapter
 * without timestamp queries gives the reason instead.
 *
 * A backend that lacks a kernel the models' training needs still has its
 * inference timed, on the freshly built model, and its record says why it was
 * not trained (tfjs-backend-wasm lacks `Conv2DBackpropFilter`, but the page
 * registers the suite's when it sets wasm up, so wasm trains).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { type PageDevice, setUpPageBackend } from "../backends/browser_page.ts";
import { missingTrainingKernels, notTrainedReason } from "../backends/training_kernels.ts";
import { epochOrder } from "../data/split.ts";
import { type SplitTensors, toTensors } from "../data/tensors.ts";
import { buildModel } from "../models/factory.ts";
import { getModelSpec, type ModelSpec } from "../models/spec.ts";
import { notMeasured } from "../measure/measures.ts";
import { evaluateModel } from "../train/evaluate.ts";
import { measureInference } from "../train/latency.ts";
import { profileModel } from "../train/op_profiles.ts";
import { type MeasureProbes, modelMeasures } from "../train/run_measures.ts";
import { emptyRunRecord } from "../train/run_record.ts";
import { trainEpochs } from "../train/trainer.ts";
import { type BrowserEvent, type BrowserJob, readJobData } from "./job_wire.ts";

/** Sends one event to the driver, which answers once it has recorded it. */
type Send = (event: BrowserEvent) => Promise<unknown>;

/** What every model of the job shares. */
interface JobContext {
  job: BrowserJob;
  send: Send;
  train: SplitTensors;
  validation: SplitTensors;
  test: SplitTensors;
  order: ReturnType<typeof epochOrder>;
  /** The training kernels the backend lacks; any: the models are not trained. */
  missing: string[];
  probes: MeasureProbes;
}

/**
 * Runs the job and reports to `send`; awaits each send, so the driver has
 * every epoch before the next starts.
 */
export async function runBrowserJob(job: BrowserJob, bytes: Uint8Array, send: Send): Promise<void> {
  const device: PageDevice = await setUpPageBackend(job.tfjsBackend, job.wasmPaths);
  await send({ type: "device", device, tfjs: tf.version_core });
  const data = readJobData(bytes, job.counts);
  const context: JobContext = {
    job,
    send,
    train: toTensors(data.train),
    validation: toTensors(data.validation),
    test: toTensors(data.test),
    order: epochOrder(job.run.seed),
    missing: missingTrainingKernels(tf.getKernel, job.tfjsBackend),
    probes: pageProbes(device),
  };
  const { train, validation, test } = context;
  try {
    for (const name of job.run.models) await runModel(context, getModelSpec(name));
  } finally {
    tf.dispose([train.xs, train.ys, validation.xs, validation.ys, test.xs, test.ys]);
  }
  await send({ type: "done" });
}

/** What a page can measure beyond seconds: no host memory, no energy. */
function pageProbes(device: PageDevice): MeasureProbes {
  return {
    hostMemory: notMeasured("a browser page cannot read its process's resident memory"),
    energy: notMeasured("a browser page has no energy counter"),
    backendLoadSeconds: device.readySeconds,
    noDeviceMemory: device.kind === "gpu"
      ? "the page reads no GPU memory figure (tf.memory()'s GPU bytes are in the TF.js record)"
      : "the backend computes on the CPU: a page cannot read its memory",
  };
}

/** Builds, trains (where the backend can), tests and times one model, and reports its run. */
async function runModel(context: JobContext, spec: ModelSpec): Promise<void> {
  const { job, send, test } = context;
  const { seed, learningRate, epochs, batchSize } = job.run;
  const measures = modelMeasures(context.probes);
  const model = measures.build(() => buildModel(spec, { seed, learningRate }));
  try {
    const run = emptyRunRecord(spec, job.backend, job.run.engine);
    let notTrained: string | undefined;
    await send({ type: "model-start", model: spec.name, epochs });
    if (context.missing.length > 0) {
      notTrained = notTrainedReason(job.tfjsBackend, tf.version_core, context.missing);
    } else {
      measures.beforeTraining();
      run.epochs = await trainEpochs({
        model,
        train: context.train,
        validation: context.validation,
        epochs,
        batchSize,
        order: context.order,
        memory: measures.tfjs,
        onEpoch: async (record) => {
          await send({ type: "epoch", model: run.model, record, epochs });
        },
      });
      await measures.afterTraining();
      run.test = await evaluateModel(model, test.xs, test.ys);
    }
    await send({ type: "phase", model: run.model, phase: "inference" });
    const { firstCallMs, path: _path, ...inference } = await measureInference(
      model,
      test.xs,
      job.inference,
    );
    run.inference = inference;
    measures.afterInference(firstCallMs);
    run.measures = measures.record(run.epochs, job.targetAccuracies, job.counts.train);
    if (job.run.profile) {
      // After everything timed: tf.profile times each kernel with the backend's own timer.
      await send({ type: "phase", model: run.model, phase: "profile" });
      run.profile = await profileModel(tf, model, context.train.xs, context.train.ys, {
        step: "fit",
        path: "layers",
        batchSize,
        inferenceBatchSize: job.inference.batchSize,
        ceilingGflops: null,
        notTrained,
      });
    }
    await send({ type: "model-done", run, ...(notTrained ? { notTrained } : {}) });
  } finally {
    model.optimizer?.dispose();
    model.dispose();
  }
}
