/**
 * The GPU kit's sides as they run here: TF.js through `train-all` in a child
 * process, Keras through the peer's script, on the GPU or kept to the CPU;
 * each writes `results.json` in the suite's schema.
 *
 * @module
 */
import { join } from "node:path";
import { writeJsonAtomic } from "../_util/fs.ts";
import { describeKerasDevice, kerasBackendName } from "../peer/keras_results.ts";
import { collectEnvironment } from "../measure/environment.ts";
import { type ResultsFile, validateResults } from "../results/schema.ts";
import { completeResults, executeInChild } from "../executors/child.ts";
import { EXECUTORS } from "../executors/registry.ts";
import type { RunDataOptions } from "../train/run_data.ts";
import type { RunDescription } from "../train/run_description.ts";
import type { KerasPython } from "./keras_python.ts";
import type { KitSideKind } from "./kit_plan.ts";
import type { KitManifest } from "./manifest.ts";
import type { KitParts } from "./parts.ts";
import type { KitOptions, KitPlace } from "./place.ts";

/** One side of a framework's pair, as it runs here. */
export interface Side {
  /** The backend name its results are recorded under (`webgpu`, `wasm`, `keras-jax`, `keras-jax-cpu`). */
  name: string;
  kind: KitSideKind;
  /** What the plan calls it. */
  label: string;
  /** Runs one model into `dir`; returns its results. */
  run(run: RunDescription, dir: string, signal: AbortSignal): Promise<ResultsFile>;
}

/** What the plan calls each side. */
export const SIDE_LABELS: Readonly<Record<KitSideKind, string>> = Object.freeze({
  "tfjs-gpu": "TF.js webgpu",
  "tfjs-cpu": "TF.js wasm (CPU)",
  "keras-gpu": "Keras GPU",
  "keras-cpu": "Keras CPU",
});

/** How the sides start their work. */
export interface SideContext {
  options: KitOptions;
  place: KitPlace;
  parts: KitParts;
  /** Where the run's data is cached, and a download's progress. */
  dataOptions: RunDataOptions;
  /** The `deno` arguments that start `train-all` (default: the repository's). */
  trainAllEntry?: readonly string[];
  /** Each line a TF.js child prints. */
  onChildLine: (line: string) => void;
}

/** The side of `kind` as it runs here, or `undefined` when its framework cannot run. */
export function sideOf(kind: KitSideKind, context: SideContext): Side | undefined {
  const { options, parts: { webgpu, keras } } = context;
  if (kind === "tfjs-gpu" || kind === "tfjs-cpu") {
    if (!webgpu || webgpu.problem) return undefined;
    const backend = kind === "tfjs-gpu" ? options.backend : "wasm";
    return {
      name: backend,
      kind,
      label: kind === "tfjs-gpu" ? `TF.js ${backend}` : SIDE_LABELS[kind],
      run: (run, dir, signal) =>
        runTfjsSide(
          { ...run, backend, allowFallback: kind === "tfjs-gpu" && run.allowFallback },
          dir,
          context,
          signal,
        ),
    };
  }
  if (!keras) return undefined;
  const gpu = kind === "keras-gpu";
  const name = `${kerasBackendName(keras.versions.backend)}${gpu ? "" : "-cpu"}`;
  return { name, kind, label: SIDE_LABELS[kind], run: kerasRunner(keras, context, name, gpu) };
}

/** TF.js on one backend through `train-all` in a child process. */
async function runTfjsSide(
  run: RunDescription,
  dir: string,
  context: SideContext,
  signal: AbortSignal,
): Promise<ResultsFile> {
  const child = await executeInChild(run, dir, {
    entry: context.trainAllEntry,
    onLine: context.onChildLine,
    signal,
  });
  const { results } = child;
  const manifest = context.place.manifest;
  if (results && manifest) await recordKitCommit(dir, results, manifest);
  if (signal.aborted && results && results.status !== "complete") {
    const why = stopReason(signal);
    throw new Error(
      `the ${run.backend} run in ${dir} was stopped ${why}; what it measured is kept`,
    );
  }
  return completeResults(child, `${run.backend}`, dir);
}

/** Why a side's signal fired: the budget's timeout, or Ctrl-C. */
function stopReason(signal: AbortSignal): string {
  const reason = signal.reason as Error | undefined;
  return reason?.name === "TimeoutError" ? "at the end of the budget" : `(${reason?.message})`;
}

/** Keras on the machine's framework, on the GPU or kept to the CPU, on the same data. */
function kerasRunner(
  k: KerasPython,
  context: SideContext,
  name: string,
  gpu: boolean,
): Side["run"] {
  // The CPU side hides the GPU from the framework, so it computes on the CPU it reports.
  const cpuOnly: Record<string, string> = k.versions.backend === "jax"
    ? { JAX_PLATFORMS: "cpu" }
    : { CUDA_VISIBLE_DEVICES: "" };
  const pythonEnv = gpu ? k.env : { ...k.env, ...cpuOnly };
  const device = gpu && k.versions.gpu ? "gpu" : "cpu";
  return async (run, dir, signal) => {
    try {
      const threads = { intraOp: "default", interOp: "default" } as const;
      const env = await collectEnvironment({
        tfjsVersion: "none (Keras)",
        tensorflowVersion: k.versions.tensorflow ?? null,
        backend: name,
        device: describeKerasDevice(k.versions),
        machine: run.machine,
        threads,
      });
      const manifest = context.place.manifest;
      if (manifest) env.gitCommit = manifest.gitCommit;
      const { results } = await EXECUTORS.keras.execute({
        run,
        outDir: dir,
        data: context.dataOptions,
        keras: {
          python: k.python,
          pythonEnv,
          kerasBackend: k.versions.backend,
          backendName: name,
          threads,
          env,
          device,
        },
        signal,
      });
      return results;
    } catch (err) {
      throw new Error(`the Keras run in ${dir} failed: ${(err as Error).message}`);
    }
  };
}

/** Records the commit the kit was built from in a run's results (no git on the GPU machine). */
async function recordKitCommit(
  dir: string,
  results: ResultsFile,
  manifest: KitManifest,
): Promise<void> {
  const fixed = validateResults(
    { ...results, env: { ...results.env, gitCommit: manifest.gitCommit } },
    join(dir, "results.json"),
  );
  await writeJsonAtomic(join(dir, "results.json"), fixed);
}
