/**
 * The GPU kit's program (`run.sh` starts it from the kit's bundle): on a
 * machine with a GPU and no network, measures model1–3 with stock TF.js on
 * the `webgpu` backend (through `train-all`, in a child process of the same
 * bundle) and with Keras 3 on the machine's own framework (JAX, else
 * PyTorch, through the Keras peer's script), on the same data, split, batch
 * size, epochs and seed, and writes both in the common results schema.
 *
 * With `--dry-run` it runs the same steps with tiny sizes on whatever is
 * there (a software WebGPU adapter, Keras on a CPU); without it, a machine
 * without a hardware WebGPU adapter or a GPU for Keras is refused with one
 * line before anything trains.
 *
 * Run from the repository (`deno run -A src/cli/gpu_kit_run.ts`) it does the
 * same with the repository's files, for development and tests.
 *
 * @module
 */
import { hostname } from "node:os";
import { dirname, join, resolve } from "node:path";
import { exists, writeJsonAtomic } from "../_util/fs.ts";
import { permutation } from "../data/mod.ts";
import { forwardFlopsPerImage } from "../models/cost.ts";
import { getModelSpec, MODEL_NAMES } from "../models/spec.ts";
import { KERAS_BACKENDS, KERAS_PINS, type KerasBackend, runKerasPeer } from "../peer/keras.ts";
import { describeKerasDevice, kerasBackendName, kerasResultsFile } from "../peer/keras_results.ts";
import { collectEnvironment } from "../results/environment.ts";
import type { ResultsFile, RunRecord } from "../results/schema.ts";
import { validateResults } from "../results/schema.ts";
import { INFERENCE_DEFAULTS } from "../train/latency.ts";
import { readResults } from "../train/experiment.ts";
import { findKeras, type KerasPython } from "../kit/keras_python.ts";
import { type KitManifest, readKitManifest } from "../kit/manifest.ts";
import { adapterName, requestAdapterFacts } from "../backends/webgpu.ts";
import { parseFlags, parsePositiveInt, runCli, timestampedOutDir, UsageError } from "./_cli.ts";
import { FIXTURE_VALIDATION_SIZE, loadRunData } from "./_run_data.ts";
import { parseModelList, RUN_DEFAULTS } from "./_run_options.ts";
import { runTrainAllChild } from "./_train_all_child.ts";
import { trainAllMain } from "./train_all.ts";

/** Sizes of a dry run: a handful of images, one epoch. */
export const DRY_RUN_SIZES = Object.freeze({
  epochs: 1,
  trainSize: 4,
  validationSize: 10,
  testSize: 8,
  inferenceBatchSize: 8,
  inferenceRuns: 50,
});

/** Epochs of a real run: the first is left out of the median, as everywhere in the suite. */
export const KIT_EPOCHS = 3;

const HELP = `Usage: ./run.sh [options]

Measures model1–3 on this machine's GPU, without network: stock TF.js on the
webgpu backend (train-all), then Keras ${KERAS_PINS.keras.split("==")[1]} on JAX or PyTorch, on the
fixture split (1,800 training / 200 validation / 500 test images), ${KIT_EPOCHS} epochs,
batch size ${RUN_DEFAULTS.batchSize}, seed ${RUN_DEFAULTS.seed}. Writes results.json files in the suite's schema
for \`deno task merge\`.

Options:
  --machine NAME        name recorded for this machine (default: the hostname)
  --keras-backend NAME  auto, jax or torch (default auto: JAX, else PyTorch,
                        whichever imports and sees a GPU); tensorflow with --dry-run
  --python CMD          the Python 3.12 that runs Keras (default python3)
  --models LIST         comma-separated, or all (default all)
  --epochs N            (default ${KIT_EPOCHS}; 1 with --dry-run)
  --only PART           webgpu or keras: run one part only
  --dry-run             tiny sizes (${DRY_RUN_SIZES.trainSize} training images, 1 epoch) on whatever
                        is here: a software WebGPU adapter, Keras on a CPU
  --backend NAME        webgpu (default), or cpu (pure JS) with --dry-run
  --out DIR             (default results/<machine>-<timestamp> in the kit)
  -h, --help            show this help
`;

/**
 * Runs the kit's command line: `train-all ARGS` (the bundle's own train-all,
 * for its child process) or the kit's run.
 *
 * @param self The program's own path: the kit's bundle, or this file in the repository.
 */
export async function runKitCli(self: string): Promise<never> {
  return await runCli(() =>
    Deno.args[0] === "train-all" ? trainAllMain(Deno.args.slice(1)) : kitRun(self, Deno.args)
  );
}

interface KitFlags {
  machine?: string;
  kerasBackend: "auto" | KerasBackend;
  python: string;
  models: string[];
  epochs: number;
  only?: "webgpu" | "keras";
  dryRun: boolean;
  backend: "webgpu" | "cpu";
  out?: string;
}

/** `parseFlags` with the kit's own hint: on the GPU machine the command is `./run.sh`. */
function parseRunShFlags(args: string[]) {
  try {
    return parseFlags("gpu-kit", {
      args,
      options: {
        machine: { type: "string" },
        "keras-backend": { type: "string" },
        python: { type: "string" },
        models: { type: "string" },
        epochs: { type: "string" },
        only: { type: "string" },
        "dry-run": { type: "boolean", default: false },
        backend: { type: "string" },
        out: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    throw new UsageError(err.message.replace("`deno task gpu-kit --help`", "`./run.sh --help`"));
  }
}

function parseKitFlags(args: string[]): KitFlags | undefined {
  const { values } = parseRunShFlags(args);
  if (values.help) return undefined;
  const dryRun = values["dry-run"] ?? false;
  const kerasBackend = values["keras-backend"] ?? "auto";
  const allowed = dryRun ? ["auto", ...KERAS_BACKENDS] : ["auto", "jax", "torch"];
  if (!allowed.includes(kerasBackend)) {
    throw new UsageError(
      `--keras-backend: expected one of ${allowed.join(", ")}, got ${JSON.stringify(kerasBackend)}`,
    );
  }
  const backend = values.backend ?? "webgpu";
  if (backend !== "webgpu" && !(backend === "cpu" && dryRun)) {
    throw new UsageError(
      `--backend: expected webgpu${dryRun ? " or cpu" : " (cpu only with --dry-run)"}, got ${
        JSON.stringify(backend)
      }`,
    );
  }
  const only = values.only;
  if (only !== undefined && only !== "webgpu" && only !== "keras") {
    throw new UsageError(`--only: expected webgpu or keras, got ${JSON.stringify(only)}`);
  }
  if (values.machine !== undefined && values.machine.trim() === "") {
    throw new UsageError(`--machine: expected a name, got ""`);
  }
  return {
    machine: values.machine?.trim(),
    kerasBackend: kerasBackend as KitFlags["kerasBackend"],
    python: values.python ?? "python3",
    models: values.models === undefined
      ? [...MODEL_NAMES]
      : parseModelList("--models", values.models),
    epochs: values.epochs === undefined
      ? (dryRun ? DRY_RUN_SIZES.epochs : KIT_EPOCHS)
      : parsePositiveInt("--epochs", values.epochs),
    only,
    dryRun,
    backend,
    out: values.out,
  };
}

async function kitRun(self: string, args: string[]): Promise<number> {
  const flags = parseKitFlags(args);
  if (!flags) {
    console.log(HELP);
    return 0;
  }
  const started = performance.now();
  const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(0)} s`;
  const bundled = self.endsWith(".js");
  // The kit's root holds app/src/cli/<bundle>; the repository's holds src/cli/<this file>.
  const root = bundled ? resolve(dirname(self), "../../..") : resolve(dirname(self), "../..");
  const manifest = bundled ? await readKitManifest(root) : undefined;
  const log = (line: string) => console.error(`gpu-kit: ${line}`);
  const machine = flags.machine;
  const outDir = resolve(flags.out ?? join(root, timestampedOutDir(`${machine ?? hostname()}-`)));
  if (await exists(outDir) && (await Array.fromAsync(Deno.readDir(outDir))).length > 0) {
    throw new UsageError(`--out ${outDir}: expected an empty or new folder; pick another`);
  }

  // Everything is checked before anything trains: a machine without a GPU is refused at once.
  const problems: string[] = [];
  const webgpu = flags.only === "keras" ? undefined : await checkWebGpu(flags);
  if (webgpu?.problem) problems.push(webgpu.problem);
  let keras: KerasPython | undefined;
  if (flags.only !== "webgpu") {
    const found = await findKeras({
      python: flags.python,
      backend: flags.kerasBackend,
      needGpu: !flags.dryRun,
      wheelsDir: manifest ? join(root, "wheels") : undefined,
      pylib: join(root, "work", "pylib"),
    });
    if ("reason" in found) problems.push(`Keras: ${found.reason}`);
    else keras = found;
  }
  if (problems.length > 0 && !flags.dryRun) {
    throw new Error(
      `no GPU to measure here: ${problems.join("; ")}; ./run.sh --dry-run runs the same ` +
        `steps with tiny sizes on what is here`,
    );
  }
  for (const p of problems) {
    log(p.startsWith("Keras:") ? p.replace(/^Keras: /, "Keras: not available: ") : p);
  }

  const sizes = flags.dryRun
    ? DRY_RUN_SIZES
    : { validationSize: FIXTURE_VALIDATION_SIZE, inferenceRuns: INFERENCE_DEFAULTS.runs } as const;
  const written: string[] = [];
  // A part that fails does not cost the other its run: both are tried, failures reported at the end.
  const failures: string[] = [];

  if (webgpu && !webgpu.problem) {
    const dir = join(outDir, flags.backend);
    log(`${flags.models.join(", ")} on ${flags.backend}: ${webgpu.device}`);
    const trainArgs = [
      "--fixtures",
      "--backend",
      flags.backend,
      ...(webgpu.fallback ? ["--allow-fallback"] : []),
      "--engine",
      "tfjs",
      "--models",
      flags.models.join(","),
      "--epochs",
      String(flags.epochs),
      "--seed",
      String(RUN_DEFAULTS.seed),
      "--batch-size",
      String(RUN_DEFAULTS.batchSize),
      ...(flags.dryRun
        ? [
          ...["--train-size", String(DRY_RUN_SIZES.trainSize)],
          ...["--validation-size", String(DRY_RUN_SIZES.validationSize)],
          ...["--test-size", String(DRY_RUN_SIZES.testSize)],
          ...["--inference-batch", String(DRY_RUN_SIZES.inferenceBatchSize)],
          ...["--inference-runs", String(DRY_RUN_SIZES.inferenceRuns)],
        ]
        : []),
      ...(machine ? ["--machine", machine] : []),
      "--out",
      dir,
    ];
    const t0 = performance.now();
    const child = await runTrainAllChild(trainArgs, {
      entry: bundled
        ? ["run", "-A", "--no-config", "--no-lock", "--quiet", self, "train-all"]
        : undefined,
      onLine: (line) => console.error(line),
    });
    const results = await readResults(dir);
    if (child.code !== 0 || !results || results.status !== "complete") {
      failures.push(
        `the ${flags.backend} run in ${dir} failed (exit ${child.code}): ${child.lastError}`,
      );
    } else {
      if (manifest) await recordKitCommit(dir, results, manifest);
      written.push(join(dir, "results.json"));
    }
    log(`the ${flags.backend} part took ${seconds(t0)}`);
  }

  if (keras) {
    const dir = join(outDir, kerasBackendName(keras.versions.backend));
    log(`${flags.models.join(", ")} in ${describeKerasDevice(keras.versions)}`);
    const t0 = performance.now();
    try {
      written.push(await runKeras(flags, keras, dir, sizes, manifest));
    } catch (err) {
      failures.push(`the Keras run in ${dir} failed: ${(err as Error).message}`);
    }
    log(`the Keras part took ${seconds(t0)}`);
  }

  log(`done in ${seconds(started)}`);
  if (written.length > 0) {
    console.log(`\ngpu-kit: results:\n${written.map((w) => `  ${w}`).join("\n")}`);
    console.log(
      `gpu-kit: bring ${outDir} back (e.g. into results/) and merge it with the CPU results:\n` +
        `  deno task merge ${outDir} <CPU results.json or folder> --out results/merged`,
    );
  }
  if (failures.length > 0) throw new Error(failures.join("; "));
  if (written.length === 0) throw new Error("nothing was measured: see the lines above");
  return 0;
}

/** Whether WebGPU (or, in a dry run, the pure-JS backend) can run, and on what. */
async function checkWebGpu(
  flags: KitFlags,
): Promise<{ problem?: string; device?: string; fallback?: boolean }> {
  if (flags.backend === "cpu") return { device: "pure JavaScript (a dry run)" };
  const found = await requestAdapterFacts();
  if (!found.facts) return { problem: `WebGPU: ${found.reason}` };
  const description = adapterName(found.facts);
  const { isFallbackAdapter } = found.facts;
  if (isFallbackAdapter && !flags.dryRun) {
    return { problem: `WebGPU: only a software adapter (${description}), not a GPU` };
  }
  return {
    device: `WebGPU: ${description}${isFallbackAdapter ? " (software adapter, a dry run)" : ""}`,
    fallback: isFallbackAdapter,
  };
}

/** Trains and times each model with Keras; writes and returns the results.json path. */
async function runKeras(
  flags: KitFlags,
  keras: KerasPython,
  dir: string,
  sizes: { validationSize: number; inferenceRuns: number; trainSize?: number; testSize?: number },
  manifest: KitManifest | undefined,
): Promise<string> {
  const { seed, batchSize, learningRate } = RUN_DEFAULTS;
  const data = await loadRunData({
    fixtures: true,
    seed,
    validationSize: sizes.validationSize,
    trainSize: sizes.trainSize,
    testSize: sizes.testSize,
  });
  const backend = kerasBackendName(keras.versions.backend);
  const threads = { intraOp: "default", interOp: "default" } as const;
  const env = await collectEnvironment({
    tfjsVersion: "none (Keras)",
    tensorflowVersion: keras.versions.tensorflow ?? null,
    backend,
    device: describeKerasDevice(keras.versions),
    machine: flags.machine,
    threads,
  });
  if (manifest) env.gitCommit = manifest.gitCommit;
  const inferenceBatchSize = Math.min(
    flags.dryRun ? DRY_RUN_SIZES.inferenceBatchSize : RUN_DEFAULTS.inferenceBatchSize,
    data.test.count,
  );
  const config = {
    models: flags.models,
    epochs: flags.epochs,
    batchSize,
    trainSize: data.train.count,
    validationSize: data.validation.count,
    testSize: data.test.count,
    backend,
    seed,
    learningRate,
    data: data.description,
    dataSource: data.source,
    inferenceBatchSize,
    inferenceRuns: sizes.inferenceRuns,
  };
  const createdAt = new Date().toISOString();
  const runs: RunRecord[] = [];
  let versions = keras.versions;
  for (const model of flags.models) {
    const spec = getModelSpec(model);
    console.error(
      `${model}: training with Keras (${flags.epochs} epoch${flags.epochs === 1 ? "" : "s"})`,
    );
    const done = await runKerasPeer({
      python: keras.python,
      env: keras.env,
      kerasBackend: keras.versions.backend,
      backendName: backend,
      spec,
      flopsPerImage: forwardFlopsPerImage(spec),
      data: { train: data.train, validation: data.validation, test: data.test },
      epochs: flags.epochs,
      order: (epoch, n) => permutation(n, seed * 1000 + epoch),
      batchSize,
      learningRate,
      seed,
      inference: {
        batchSize: inferenceBatchSize,
        runs: sizes.inferenceRuns,
        warmup: INFERENCE_DEFAULTS.warmup,
        batchedRuns: INFERENCE_DEFAULTS.batchedRuns,
      },
      threads,
      workDir: join(dir, "work", model),
      onEpoch: (e) =>
        console.error(
          `  epoch ${e.epoch}/${flags.epochs} [${backend}]: ${e.trainSeconds.toFixed(2)} s (${
            e.imagesPerSecond.toFixed(0)
          } img/s), val acc ${((e.valAccuracy ?? 0) * 100).toFixed(2)}%`,
        ),
    });
    versions = done.versions;
    runs.push(done.run);
    const left = flags.models.length - runs.length;
    const results = kerasResultsFile({
      runs,
      versions,
      env,
      config,
      createdAt,
      status: left === 0 ? "complete" : "partial",
    });
    await writeJsonAtomic(join(dir, "results.json"), results);
    const t = done.run.test;
    const inf = done.run.inference;
    console.error(
      `${model} [${backend}]: test accuracy ${((t?.accuracy ?? 0) * 100).toFixed(2)}%, ` +
        `batch-1 p50 ${inf?.batch1.p50Ms.toFixed(2)} ms, batch ${inf?.batched.batchSize}: ` +
        `${inf?.batched.imagesPerSecond.toFixed(0)} img/s`,
    );
  }
  await Deno.remove(join(dir, "work"), { recursive: true }).catch(() => {});
  return join(dir, "results.json");
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

if (import.meta.main) await runKitCli(new URL(import.meta.url).pathname);
