/**
 * The session behind `deno task peer`: TF.js in Deno against Keras 3 on the
 * same TensorFlow, same machine, same run. For each model the TF.js engines
 * and Keras alternate (tfjs, native, Keras, then Keras, native, tfjs, …),
 * each run in its own process, on the same images, split, per-epoch order,
 * batch size, learning rate, seed and thread settings. Writes `peer.json`,
 * `peer.md`, `peer.html` and every run's own `results.json`.
 *
 * @module
 */
import { join } from "node:path";
import { writeFileAtomic, writeJsonAtomic } from "../_util/fs.ts";
import type { EngineSpec } from "../engines/registry.ts";
import { collectEnvironment, type Environment } from "../measure/environment.ts";
import { loadChartScripts } from "../report/html_assets.ts";
import type { ResultsFile } from "../results/schema.ts";
import { completeResults, executeInChild } from "../executors/child.ts";
import { EXECUTORS } from "../executors/registry.ts";
import type { ExecutorJob } from "../executors/types.ts";
import { loadRunData, type RunData, type RunDataOptions } from "../train/run_data.ts";
import type { RunDescription } from "../train/run_description.ts";
import { renderPeerHtml } from "../peer/html.ts";
import { type KerasProbe, measureCeiling, probeKeras } from "../peer/keras.ts";
import { renderPeer } from "../peer/markdown.ts";
import type { PeerRun } from "../peer/side_summary.ts";
import { summarizePeer } from "../peer/summary.ts";

/** What a peer comparison is, checked before anything runs. */
export interface PeerRequest {
  run: RunDescription;
  engines: EngineSpec[];
  /** Runs of each side per model. */
  repeats: number;
  /** `--threads`: both sides' pools pinned to this size. */
  threadCount?: number;
  threads: { intraOp: number | "default"; interOp: number | "default" };
  /** The Keras environment. */
  venv: string;
  outDir: string;
  /** The command recorded in `peer.json` and `peer.md`. */
  command: string;
}

/** How the session reaches its data and its user. */
export interface PeerContext {
  /** Where the run's data is cached, and a download's progress. */
  dataOptions: RunDataOptions;
  /** `TF_ENABLE_ONEDNN_OPTS` as both sides inherit it. */
  oneDnnVariable: string | undefined;
  /** Prints one of the session's own lines. */
  log: (line: string) => void;
  /** Prints a progress line (an epoch) of a TF.js child, labelled e.g. `tfjs native`. */
  onChildLine: (label: string, line: string) => void;
  /** Records each write of the Keras runs' results (the history store); the TF.js children record their own. */
  record?: ExecutorJob["record"];
  /** Told once why recording failed. */
  onRecordError?: ExecutorJob["onRecordError"];
}

/** What a peer comparison wrote. */
export interface PeerOutcome {
  /** `peer.md`'s text. */
  markdown: string;
  /** The files written (`peer.html` missing when it could not be drawn). */
  files: string[];
  /** Why `peer.html` was not written. */
  htmlError?: string;
}

type Keras = Extract<KerasProbe, { available: true }>;

/**
 * Runs the peer comparison and writes it.
 *
 * @throws {Error} When the Keras environment is not available.
 */
export async function runPeer(request: PeerRequest, context: PeerContext): Promise<PeerOutcome> {
  const keras = await probeKeras(request.venv);
  if (!keras.available) throw new Error(`the Keras peer is not available: ${keras.reason}`);
  const data = await loadRunData(request.run, context.dataOptions);
  const env = await collectEnvironment({
    tfjsVersion: "none (Keras peer)",
    tensorflowVersion: keras.tensorflow,
    backend: "keras",
    device: `Keras ${keras.keras} on TensorFlow ${keras.tensorflow} (CPU)`,
    deviceInfo: { kind: "cpu" },
    machine: request.run.machine,
    threads: request.threads,
    oneDnnVariable: context.oneDnnVariable,
  });
  context.log(announcement(request, keras, data));
  const ceiling = await measureCeiling(keras.python, request.threads, join(request.outDir, "work"));
  context.log(`fp32 ceiling (a large 3×3 conv in TensorFlow): ${ceiling.toFixed(1)} GFLOP/s`);
  const runs = await alternate(request, keras, data, env, context, ceiling);
  return await writePeer(request, summarizePeer(runs, { ceilingGflops: ceiling }), runs);
}

function announcement(request: PeerRequest, keras: Keras, data: RunData): string {
  const { run, repeats } = request;
  return `${run.models.join(", ")}: TF.js (tensorflow backend; engines ${
    request.engines.map((e) => e.name).join(", ")
  }) vs Keras ${keras.keras} on TensorFlow ${keras.tensorflow}, ` +
    `${repeats} alternating run${repeats === 1 ? "" : "s"} of each side, ${run.epochs} epochs, ` +
    `${data.train.count} train / ${data.validation.count} validation / ${data.test.count} test images`;
}

/**
 * Runs each model's turns: every engine and Keras take turns, and every
 * other repeat runs the turns backwards (tfjs, native, Keras; Keras, native, tfjs; …).
 */
async function alternate(
  request: PeerRequest,
  keras: Keras,
  data: RunData,
  env: Environment,
  context: PeerContext,
  ceilingGflops: number,
): Promise<PeerRun[]> {
  const runs: PeerRun[] = [];
  for (const model of request.run.models) {
    // What both sides run: the same model, data, sizes, seed and measurements.
    // oneDNN: each child inherits this process's variable.
    const run: RunDescription = {
      ...request.run,
      models: [model],
      dataSource: data.source,
      trainSize: data.train.count,
      validationSize: data.validation.count,
      testSize: data.test.count,
      oneDnn: undefined,
    };
    for (let rep = 1; rep <= request.repeats; rep++) {
      // Each repeat on its own seed, as MLPerf's time to accuracy is measured over seeds.
      const seeded: RunDescription = { ...run, seed: run.seed + rep - 1 };
      const turns: (EngineSpec | "keras")[] = [...request.engines, "keras"];
      if (rep % 2 === 0) turns.reverse();
      for (const turn of turns) {
        const name = turn === "keras" ? "keras" : turn.name;
        const dir = join(request.outDir, "runs", model, `${name}-${rep}`);
        context.log(`${model} ${name} run ${rep} of ${request.repeats}`);
        const results = turn === "keras"
          ? (await EXECUTORS.keras.execute({
            run: seeded,
            outDir: dir,
            data: context.dataOptions,
            preparedData: data,
            record: context.record,
            onRecordError: context.onRecordError,
            keras: {
              python: keras.python,
              kerasBackend: "tensorflow",
              backendName: "keras",
              threads: request.threads,
              env,
              ...(request.run.profile ? { profile: { ceilingGflops } } : {}),
            },
          })).results
          : await runTfjs(
            dir,
            { ...seeded, engine: turn.name },
            request.threadCount,
            (line) => context.onChildLine(`tfjs ${name}`, line),
          );
        runs.push({ model, side: turn === "keras" ? "keras" : "tfjs", repeat: rep, results });
      }
    }
  }
  return runs;
}

/** Writes peer.json, peer.md and peer.html. */
async function writePeer(
  request: PeerRequest,
  summary: ReturnType<typeof summarizePeer>,
  runs: readonly PeerRun[],
): Promise<PeerOutcome> {
  const { outDir, command } = request;
  await writeJsonAtomic(join(outDir, "peer.json"), { ...summary, command });
  const markdown = renderPeer(summary, { command });
  await writeFileAtomic(join(outDir, "peer.md"), markdown);
  const files = [join(outDir, "peer.md"), join(outDir, "peer.json")];
  let htmlError: string | undefined;
  try {
    const html = join(outDir, "peer.html");
    const page = renderPeerHtml(summary, runs, await loadChartScripts(), { command });
    await writeFileAtomic(html, page);
    files.push(html);
  } catch (err) {
    htmlError = (err as Error).message.split("\n")[0];
  }
  await Deno.remove(join(outDir, "work"), { recursive: true }).catch(() => {});
  return { markdown, files, htmlError };
}

/** Runs a TF.js engine through `train-all` in a child process and reads its results. */
async function runTfjs(
  dir: string,
  run: RunDescription,
  threads: number | undefined,
  onEpoch: (line: string) => void,
): Promise<ResultsFile> {
  const outcome = await executeInChild(run, dir, {
    env: threads
      ? { TF_NUM_INTRAOP_THREADS: String(threads), TF_NUM_INTEROP_THREADS: String(threads) }
      : {},
    onLine: (line) => {
      if (/^\s+epoch \d+\//.test(line)) onEpoch(line.trim());
    },
  });
  return completeResults(outcome, "TF.js", dir);
}
