/**
 * `deno task peer`: TF.js in Deno against Keras 3 on the same TensorFlow
 * (2.21), same machine, same run. For each model the TF.js engines (by
 * default `tfjs`, stock TF.js, and `native`, this suite's TensorFlow-ops
 * engine) and Keras alternate (tfjs, native, Keras, then Keras, native,
 * tfjs, …), each run in its own process, on the same images, split,
 * per-epoch order, batch size, learning rate, seed and thread settings. Writes `peer.json`, `peer.md`, and every run's own
 * `results.json` (which `deno task merge` can merge).
 *
 * @module
 */
import { join, resolve } from "node:path";
import { exists, writeFileAtomic, writeJsonAtomic } from "../_util/fs.ts";
import { permutation } from "../data/mod.ts";
import { forwardFlopsPerImage } from "../models/cost.ts";
import { getModelSpec } from "../models/spec.ts";
import { kerasVenvDir, measureCeiling, probeKeras, runKerasPeer } from "../peer/keras.ts";
import { kerasResultsFile } from "../peer/keras_results.ts";
import { renderPeer } from "../peer/markdown.ts";
import { type PeerRun, summarizePeer } from "../peer/summary.ts";
import { collectEnvironment } from "../results/environment.ts";
import type { ResultsFile } from "../results/schema.ts";
import { COMPARED_ENGINES, type EngineSpec, getEngineSpec } from "../engines/registry.ts";
import { readResults } from "../train/experiment.ts";
import {
  applyOneDnnChoice,
  cacheDirFromEnv,
  oneDnnVariableFromEnv,
  parseFlags,
  parsePositiveInt,
  runCli,
  timestampedOutDir,
  UsageError,
} from "./_cli.ts";
import { loadRunData } from "./_run_data.ts";
import {
  checkEngineBackend,
  engineHelp,
  oneDnnHelp,
  parseRunFlags,
  resolveRun,
  RUN_FLAGS,
  runFlagsHelp,
  type TaskDefaults,
  trainAllArgs,
} from "./_run_options.ts";
import { runTrainAllChild } from "./_train_all_child.ts";

/** peer's own defaults: model1, three epochs. */
const DEFAULTS: TaskDefaults = { models: ["model1"], epochs: 3 };

const HELP = `Usage: deno task peer [options]

Trains the same models with TF.js (the tensorflow backend, each engine of
--engines) and with Keras 3 on TensorFlow 2.21, alternating the runs (tfjs,
native, Keras; then Keras, native, tfjs; ...), and compares epoch time, images/s,
batch-1 latency, batched throughput, test accuracy and efficiency (FLOP/s over
the machine's measured fp32 ceiling). Needs the Keras environment:
deno task setup-keras.

Options:
${runFlagsHelp(DEFAULTS)}
  --repeats N           runs of each side per model, alternating (default 2)
  --threads N           pin TensorFlow's intra-op and inter-op pools to N on both sides
                        (default: TensorFlow's own choice on both)
${engineHelp("list", COMPARED_ENGINES)}
${oneDnnHelp("both sides")}
  --venv DIR            the Keras environment (default: the one setup-keras makes,
                        under ~/.cache/fmnist-bench/)
  --out DIR             (default results/peer-<timestamp>)
  -h, --help            show this help
`;

async function main(): Promise<number> {
  const { values } = parseFlags("peer", {
    args: Deno.args,
    options: {
      ...RUN_FLAGS,
      repeats: { type: "string" },
      threads: { type: "string" },
      venv: { type: "string" },
      engines: { type: "string" },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const flags = parseRunFlags("peer", values, "list");
  const settings = resolveRun(flags, { defaults: DEFAULTS, backend: "tensorflow" });
  const { models, epochs, batchSize, seed, learningRate } = settings;
  const int = (flag: string, v: string | undefined) =>
    v === undefined ? undefined : parsePositiveInt(flag, v);
  const repeats = int("--repeats", values.repeats) ?? 2;
  const threadCount = int("--threads", values.threads);
  const engines = flags.engines?.list ?? COMPARED_ENGINES.map(getEngineSpec);
  for (const e of engines) checkEngineBackend(e, "tensorflow", flags.engines?.flag ?? "--engines");
  // Both sides inherit the variable, so TF.js and Keras run with the same oneDNN setting.
  if (flags.oneDnn !== undefined) applyOneDnnChoice(flags.oneDnn);
  const outDir = resolve(flags.out ?? timestampedOutDir("peer-"));
  if (await exists(join(outDir, "peer.json"))) {
    throw new UsageError(
      `--out ${outDir}: it already holds a peer comparison; pick another folder`,
    );
  }

  const venv = values.venv ? resolve(values.venv) : kerasVenvDir(cacheDirFromEnv());
  const keras = await probeKeras(venv);
  if (!keras.available) throw new Error(`the Keras peer is not available: ${keras.reason}`);
  const threads = {
    intraOp: threadCount ?? "default" as const,
    interOp: threadCount ?? "default" as const,
  };

  const data = await loadRunData({
    ...settings.data,
    seed: settings.seed,
    trainSize: settings.trainSize,
    validationSize: settings.validationSize,
    testSize: settings.testSize,
  });
  const order = (epoch: number, n: number) => permutation(n, seed * 1000 + epoch);
  const machine = flags.machine;
  const env = await collectEnvironment({
    tfjsVersion: "none (Keras peer)",
    tensorflowVersion: keras.tensorflow,
    backend: "keras",
    device: `Keras ${keras.keras} on TensorFlow ${keras.tensorflow} (CPU)`,
    deviceInfo: { kind: "cpu" },
    machine,
    threads,
    oneDnnVariable: oneDnnVariableFromEnv(),
  });
  console.error(
    `peer: ${models.join(", ")}: TF.js (tensorflow backend; engines ${
      engines.map((e) => e.name).join(", ")
    }) vs Keras ${keras.keras} on TensorFlow ${keras.tensorflow}, ` +
      `${repeats} alternating run${repeats === 1 ? "" : "s"} of each side, ${epochs} epochs, ` +
      `${data.train.count} train / ${data.validation.count} validation / ${data.test.count} test images`,
  );
  const ceiling = await measureCeiling(keras.python, threads, join(outDir, "work"));
  console.error(
    `peer: fp32 ceiling (a large 3×3 conv in TensorFlow): ${ceiling.toFixed(1)} GFLOP/s`,
  );

  const runs: PeerRun[] = [];
  for (const model of models) {
    const spec = getModelSpec(model);
    // What both sides run: the same model, data, sizes, seed and measurements.
    const common = {
      models: [model],
      epochs,
      batchSize,
      trainSize: data.train.count,
      validationSize: data.validation.count,
      testSize: data.test.count,
      seed,
      dataSource: data.source,
      inferenceBatchSize: Math.min(settings.inferenceBatchSize, data.test.count),
      inferenceRuns: settings.inferenceRuns,
    };
    for (let rep = 1; rep <= repeats; rep++) {
      // Each engine and Keras take turns; every other repeat runs the turns backwards.
      const turns: (EngineSpec | "keras")[] = [...engines, "keras"];
      if (rep % 2 === 0) turns.reverse();
      for (const turn of turns) {
        const side = turn === "keras" ? "keras" : "tfjs";
        const name = turn === "keras" ? "keras" : turn.name;
        const dir = join(outDir, "runs", model, `${name}-${rep}`);
        console.error(`peer: ${model} ${name} run ${rep} of ${repeats}`);
        let results: ResultsFile;
        if (turn !== "keras") {
          const args = trainAllArgs(
            { ...common, backend: "tensorflow", engine: turn.name },
            { machine },
          );
          results = await runTfjs(dir, name, args, threadCount);
        } else {
          const { run, versions } = await runKerasPeer({
            python: keras.python,
            spec,
            flopsPerImage: forwardFlopsPerImage(spec),
            data: { train: data.train, validation: data.validation, test: data.test },
            epochs,
            order,
            batchSize,
            learningRate,
            seed,
            inference: {
              batchSize: common.inferenceBatchSize,
              runs: settings.inferenceRuns,
              warmup: 10,
              batchedRuns: 5,
            },
            threads,
            workDir: dir,
            onEpoch: (e) =>
              console.error(
                `  [keras ${model}] epoch ${e.epoch}/${epochs}: ${e.trainSeconds.toFixed(1)} s (${
                  e.imagesPerSecond.toFixed(0)
                } img/s), val acc ${((e.valAccuracy ?? 0) * 100).toFixed(2)}%`,
              ),
          });
          results = kerasResultsFile({
            runs: [run],
            versions,
            env,
            config: { ...common, backend: "keras", learningRate, data: data.description },
          });
          await writeJsonAtomic(join(dir, "results.json"), results);
          await Deno.remove(join(dir, "job.json")).catch(() => {});
          await Deno.remove(join(dir, "run.json")).catch(() => {});
        }
        runs.push({ model, side, repeat: rep, results });
      }
    }
  }

  const summary = summarizePeer(runs, { ceilingGflops: ceiling });
  const command = `deno task peer ${Deno.args.join(" ")}`.trim();
  await writeJsonAtomic(join(outDir, "peer.json"), { ...summary, command });
  const markdown = renderPeer(summary, { command });
  await writeFileAtomic(join(outDir, "peer.md"), markdown);
  await Deno.remove(join(outDir, "work"), { recursive: true }).catch(() => {});
  console.log(markdown.slice(markdown.indexOf("## Summary")));
  console.log(`peer: ${join(outDir, "peer.md")}\npeer: ${join(outDir, "peer.json")}`);
  return 0;
}

/** Runs `train_all.ts` in a child process and reads its results. */
async function runTfjs(
  dir: string,
  engine: string,
  args: string[],
  threads: number | undefined,
): Promise<ResultsFile> {
  const out = await runTrainAllChild([...args, "--out", dir], {
    env: threads
      ? { TF_NUM_INTRAOP_THREADS: String(threads), TF_NUM_INTEROP_THREADS: String(threads) }
      : {},
    onLine: (line) => {
      if (/^\s+epoch \d+\//.test(line)) console.error(`  [tfjs ${engine}] ${line.trim()}`);
    },
  });
  const results = await readResults(dir);
  if (out.code !== 0 || !results || results.status !== "complete") {
    throw new Error(`the TF.js run in ${dir} failed (exit ${out.code}): ${out.lastError}`);
  }
  return results;
}

if (import.meta.main) await runCli(main);
