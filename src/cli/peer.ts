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
import { permutation } from "../data/mod.ts";
import { forwardFlopsPerImage } from "../models/cost.ts";
import { getModelSpec, MODEL_NAMES } from "../models/spec.ts";
import { kerasVenvDir, measureCeiling, probeKeras, runKerasPeer } from "../peer/keras.ts";
import { collectEnvironment } from "../results/environment.ts";
import { type PeerRun, renderPeer, summarizePeer } from "../peer/summary.ts";
import { type ResultsFile, SCHEMA_VERSION, validateResults } from "../results/schema.ts";
import { COMPARED_ENGINES, type EngineSpec, getEngineSpec } from "../train/engines.ts";
import { readResults } from "../train/experiment.ts";
import {
  applyOneDnnChoice,
  cacheDirFromEnv,
  checkEngineBackend,
  ONEDNN_HELP,
  oneDnnVariableFromEnv,
  parseEngineFlags,
  parseEngineList,
  parseFlags,
  parseModelList,
  parseOneDnnChoice,
  parsePositiveInt,
  runCli,
  UsageError,
} from "./_cli.ts";
import { runTrainAllChild } from "./_train_all_child.ts";
import { loadRunData } from "./_run_data.ts";
import { exists, writeFileAtomic, writeJsonAtomic } from "../_util/fs.ts";

const HELP = `Usage: deno task peer [options]

Trains the same models with TF.js (the tensorflow backend, each engine of
--engines) and with Keras 3 on TensorFlow 2.21, alternating the runs (tfjs,
native, Keras; then Keras, native, tfjs; ...), and compares epoch time, images/s,
batch-1 latency, batched throughput, test accuracy and efficiency (FLOP/s over
the machine's measured fp32 ceiling). Needs the Keras environment:
deno task setup-keras.

Options:
  --models LIST         comma-separated, from ${MODEL_NAMES.join(", ")} (default model1)
  --epochs N            epochs per run; the first is left out of the median (default 3)
  --repeats N           runs of each side per model, alternating (default 2)
  --train-size N        training images (default: all left after validation)
  --validation-size N   (default 5000; 200 with --fixtures)
  --test-size N         (default: all)
  --batch-size N        (default 128)
  --threads N           pin TensorFlow's intra-op and inter-op pools to N on both sides
                        (default: TensorFlow's own choice on both)
  --inference-batch N   (default 1024)
  --inference-runs N    timed batch-1 calls, at least 50 (default 100)
  --seed N              (default 42)
  --machine NAME        (default: hostname)
  --data-dir DIR        read Fashion-MNIST from this folder first
  --fixtures            use the 2,000/500-image split in fixtures/
  --engines LIST        TF.js engines beside Keras, comma-separated (also --engine):
                        tfjs (stock TF.js), native (TensorFlow's ops called directly),
                        tfjs-patched (see train-all --help) (default: ${COMPARED_ENGINES.join(",")})
  --train-step STEP     alias: fit = --engines tfjs, native = --engines native
  --inference-path PATH alias: layers = --engines tfjs, native = --engines native
  --stock-gradients     alias: --engines tfjs
${ONEDNN_HELP.replace("this run", "both sides")}
  --venv DIR            the Keras environment (default: the one setup-keras makes,
                        under ~/.cache/fmnist-bench/)
  --out DIR             (default results/peer-<timestamp>)
  -h, --help            show this help
`;

async function main(): Promise<number> {
  const { values } = parseFlags("peer", {
    args: Deno.args,
    options: {
      models: { type: "string", default: "model1" },
      epochs: { type: "string" },
      repeats: { type: "string" },
      "train-size": { type: "string" },
      "validation-size": { type: "string" },
      "test-size": { type: "string" },
      "batch-size": { type: "string" },
      threads: { type: "string" },
      "inference-batch": { type: "string" },
      "inference-runs": { type: "string" },
      seed: { type: "string" },
      machine: { type: "string" },
      "data-dir": { type: "string" },
      fixtures: { type: "boolean", default: false },
      out: { type: "string" },
      venv: { type: "string" },
      engines: { type: "string" },
      engine: { type: "string" },
      "stock-gradients": { type: "boolean", default: false },
      "train-step": { type: "string" },
      "inference-path": { type: "string" },
      onednn: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const models = parseModelList(values.models);
  const int = (flag: string, v: string | undefined) =>
    v === undefined ? undefined : parsePositiveInt(flag, v);
  const epochs = int("--epochs", values.epochs) ?? 3;
  const repeats = int("--repeats", values.repeats) ?? 2;
  const batchSize = int("--batch-size", values["batch-size"]) ?? 128;
  const threadCount = int("--threads", values.threads);
  const inferenceBatch = int("--inference-batch", values["inference-batch"]) ?? 1024;
  const inferenceRuns = int("--inference-runs", values["inference-runs"]) ?? 100;
  if (inferenceRuns < 50) {
    throw new UsageError(
      `--inference-runs: expected at least 50 (a p95 needs them), got ${inferenceRuns}`,
    );
  }
  const seed = int("--seed", values.seed) ?? 42;
  const engines = parsePeerEngines(values);
  for (const e of engines) checkEngineBackend(e, "tensorflow", "--engines");
  // Both sides inherit the variable, so TF.js and Keras run with the same oneDNN setting.
  if (values.onednn !== undefined) applyOneDnnChoice(parseOneDnnChoice(values.onednn));
  const sizes = {
    trainSize: int("--train-size", values["train-size"]),
    validationSize: int("--validation-size", values["validation-size"]),
    testSize: int("--test-size", values["test-size"]),
  };
  const outDir = resolve(
    values.out ??
      join("results", `peer-${new Date().toISOString().replaceAll(":", "-").slice(0, 19)}`),
  );
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
    fixtures: values.fixtures,
    dataDir: values["data-dir"],
    seed,
    ...sizes,
  });
  const order = (epoch: number, n: number) => permutation(n, seed * 1000 + epoch);
  const machine = values.machine?.trim() || undefined;
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
          results = await runTfjs(dir, name, [
            "--models",
            model,
            "--backend",
            "tensorflow",
            "--epochs",
            String(epochs),
            "--batch-size",
            String(batchSize),
            "--seed",
            String(seed),
            "--train-size",
            String(data.train.count),
            "--validation-size",
            String(data.validation.count),
            "--test-size",
            String(data.test.count),
            "--inference-batch",
            String(inferenceBatch),
            "--inference-runs",
            String(inferenceRuns),
            ...(machine ? ["--machine", machine] : []),
            "--engine",
            turn.name,
            ...(values.fixtures ? ["--fixtures"] : []),
            ...(values["data-dir"] ? ["--data-dir", values["data-dir"]] : []),
          ], threadCount);
        } else {
          const { run, versions } = await runKerasPeer({
            python: keras.python,
            spec,
            flopsPerImage: forwardFlopsPerImage(spec),
            data: { train: data.train, validation: data.validation, test: data.test },
            epochs,
            order,
            batchSize,
            learningRate: 1e-3,
            seed,
            inference: {
              batchSize: inferenceBatch,
              runs: inferenceRuns,
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
          const now = new Date().toISOString();
          results = validateResults({
            schemaVersion: SCHEMA_VERSION,
            createdAt: now,
            updatedAt: now,
            status: "complete",
            env: {
              ...env,
              device:
                `Keras ${versions.keras} on TensorFlow ${versions.tensorflow} (CPU), Python ${versions.python}`,
            },
            config: {
              models: [model],
              epochs,
              batchSize,
              trainSize: data.train.count,
              validationSize: data.validation.count,
              testSize: data.test.count,
              backend: "keras",
              seed,
              learningRate: 1e-3,
              data: data.description,
              dataSource: data.source,
              inferenceBatchSize: inferenceBatch,
              inferenceRuns,
              engine: "keras",
            },
            runs: [run],
          }, "the Keras peer's results");
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

/**
 * The TF.js engines: `--engines LIST` or `--engine LIST`, or one named by the
 * older aliases (`--train-step`, `--inference-path`, `--stock-gradients`),
 * else {@link COMPARED_ENGINES}.
 */
function parsePeerEngines(values: {
  engines?: string;
  engine?: string;
  "train-step"?: string;
  "inference-path"?: string;
  "stock-gradients"?: boolean;
}): EngineSpec[] {
  const lists = [["--engines", values.engines], ["--engine", values.engine]] as const;
  const given = lists.filter(([, v]) => v !== undefined);
  const alias = parseEngineFlags("peer", {
    trainStep: values["train-step"],
    inferencePath: values["inference-path"],
    stockGradients: values["stock-gradients"],
  });
  if (given.length > 1 || (given.length === 1 && alias)) {
    throw new UsageError(
      `${given[0][0]} and ${
        given[1]?.[0] ?? "--train-step, --inference-path or --stock-gradients"
      } both name the engines; keep one`,
    );
  }
  if (given.length === 1) return parseEngineList(given[0][0], given[0][1]!, "peer");
  return alias ? [alias] : COMPARED_ENGINES.map(getEngineSpec);
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
