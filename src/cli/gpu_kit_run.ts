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
import { MODEL_NAMES } from "../models/spec.ts";
import { KERAS_BACKENDS, KERAS_PINS, type KerasBackend } from "../peer/keras.ts";
import { describeKerasDevice, kerasBackendName } from "../peer/keras_results.ts";
import { runKerasSide } from "../peer/keras_side.ts";
import { collectEnvironment } from "../results/environment.ts";
import type { ResultsFile } from "../results/schema.ts";
import { validateResults } from "../results/schema.ts";
import { readResults } from "../train/experiment.ts";
import { describeRun, RUN_DEFAULTS, type RunDescription } from "../train/run_description.ts";
import { findKeras, type KerasPython } from "../kit/keras_python.ts";
import { KIT_DATA_UNPACKED } from "../kit/kit_data.ts";
import { type KitManifest, readKitManifest } from "../kit/manifest.ts";
import { adapterName, requestAdapterFacts } from "../backends/webgpu.ts";
import { parseFlags, parsePositiveInt, runCli, timestampedOutDir, UsageError } from "./_cli.ts";
import { runTrainAllChild, trainAllArgs } from "./_launcher.ts";
import { loadRunData } from "./_run_data.ts";
import { parseModelList } from "./_run_options.ts";
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
kit's data (a stratified subset of Fashion-MNIST: 30,000 training images, of
which 5,000 are held out for validation, and the 10,000 test images), ${KIT_EPOCHS} epochs,
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
  --data-dir DIR        the data (default: the kit's work/data; from the
                        repository, the fixture split)
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
  dataDir?: string;
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
        "data-dir": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    throw new UsageError(err.message.replace("`deno task gpu-kit --help`", "`./run.sh --help`"));
  }
}

/** Checks every flag (before `--help` is answered); `undefined` for `--help`. */
function parseKitFlags(args: string[]): KitFlags | undefined {
  const { values } = parseRunShFlags(args);
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
  const flags: KitFlags = {
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
    dataDir: values["data-dir"],
  };
  return values.help ? undefined : flags;
}

/** Where the kit runs from and writes to. */
interface KitPlace {
  /** The program's own path. */
  self: string;
  /** Run from the kit's bundle (else from the repository). */
  bundled: boolean;
  /** The kit's root, or the repository's. */
  root: string;
  /** The kit's manifest, in a built kit. */
  manifest?: KitManifest;
  /** The results folder. */
  outDir: string;
}

const log = (line: string) => console.error(`gpu-kit: ${line}`);

async function kitRun(self: string, args: string[]): Promise<number> {
  const flags = parseKitFlags(args);
  if (!flags) {
    console.log(HELP);
    return 0;
  }
  const started = performance.now();
  const place = await kitPlace(self, flags);
  const { webgpu, keras } = await checkParts(flags, place);
  const run = kitRunDescription(flags, place, webgpu?.fallback ?? false);
  const written: string[] = [];
  // A part that fails does not cost the other its run: both are tried, failures reported at the end.
  const failures: string[] = [];
  if (webgpu && !webgpu.problem) {
    log(`${flags.models.join(", ")} on ${flags.backend}: ${webgpu.device}`);
    await timedPart(
      `the ${flags.backend} part`,
      written,
      failures,
      () => runWebGpuPart(run, place),
    );
  }
  if (keras) {
    log(`${flags.models.join(", ")} in ${describeKerasDevice(keras.versions)}`);
    await timedPart("the Keras part", written, failures, () => runKerasPart(run, keras, place));
  }
  log(`done in ${seconds(started)}`);
  if (written.length > 0) {
    console.log(`\ngpu-kit: results:\n${written.map((w) => `  ${w}`).join("\n")}`);
    console.log(
      `gpu-kit: bring ${place.outDir} back (e.g. into results/) and merge it with the CPU results:\n` +
        `  deno task merge ${place.outDir} <CPU results.json or folder> --out results/merged`,
    );
  }
  if (failures.length > 0) throw new Error(failures.join("; "));
  if (written.length === 0) throw new Error("nothing was measured: see the lines above");
  return 0;
}

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(0)} s`;

/** Runs one part, timing it; its results file goes to `written`, its failure to `failures`. */
async function timedPart(
  name: string,
  written: string[],
  failures: string[],
  part: () => Promise<string>,
): Promise<void> {
  const t0 = performance.now();
  try {
    written.push(await part());
  } catch (err) {
    failures.push((err as Error).message);
  }
  log(`${name} took ${seconds(t0)}`);
}

async function kitPlace(self: string, flags: KitFlags): Promise<KitPlace> {
  const bundled = self.endsWith(".js");
  // The kit's root holds app/src/cli/<bundle>; the repository's holds src/cli/<this file>.
  const root = bundled ? resolve(dirname(self), "../../..") : resolve(dirname(self), "../..");
  const manifest = bundled ? await readKitManifest(root) : undefined;
  const outDir = resolve(
    flags.out ?? join(root, timestampedOutDir(`${flags.machine ?? hostname()}-`)),
  );
  if (await exists(outDir) && (await Array.fromAsync(Deno.readDir(outDir))).length > 0) {
    throw new UsageError(`--out ${outDir}: expected an empty or new folder; pick another`);
  }
  return { self, bundled, root, manifest, outDir };
}

/** Checks both parts before anything trains: a machine without a GPU is refused at once. */
async function checkParts(
  flags: KitFlags,
  place: KitPlace,
): Promise<{ webgpu?: WebGpuCheck; keras?: KerasPython }> {
  const problems: string[] = [];
  const webgpu = flags.only === "keras" ? undefined : await checkWebGpu(flags);
  if (webgpu?.problem) problems.push(webgpu.problem);
  let keras: KerasPython | undefined;
  if (flags.only !== "webgpu") {
    const found = await findKeras({
      python: flags.python,
      backend: flags.kerasBackend,
      needGpu: !flags.dryRun,
      wheelsDir: place.manifest ? join(place.root, "wheels") : undefined,
      pylib: join(place.root, "work", "pylib"),
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
  return { webgpu, keras };
}

/**
 * What both parts run: the kit's data (in the repository, `--data-dir` or the
 * fixture split), the suite's defaults, tiny sizes in a dry run.
 */
function kitRunDescription(
  flags: KitFlags,
  place: KitPlace,
  allowFallback: boolean,
): RunDescription {
  const dataDir = flags.dataDir ??
    (place.bundled ? join(place.root, KIT_DATA_UNPACKED) : undefined);
  return describeRun({
    models: flags.models,
    epochs: flags.epochs,
    backend: flags.backend,
    allowFallback,
    engine: "tfjs",
    data: dataDir === undefined ? { fixtures: true } : { fixtures: false, dataDir },
    ...(flags.dryRun ? DRY_RUN_SIZES : {}),
    machine: flags.machine,
  });
}

/** TF.js on WebGPU through the bundle's own train-all; returns the results.json path. */
async function runWebGpuPart(run: RunDescription, place: KitPlace): Promise<string> {
  const dir = join(place.outDir, run.backend!);
  const child = await runTrainAllChild(trainAllArgs(run, { out: dir }), {
    entry: place.bundled
      ? ["run", "-A", "--no-config", "--no-lock", "--quiet", place.self, "train-all"]
      : undefined,
    onLine: (line) => console.error(line),
  });
  const results = await readResults(dir);
  if (child.code !== 0 || !results || results.status !== "complete") {
    throw new Error(
      `the ${run.backend} run in ${dir} failed (exit ${child.code}): ${child.lastError}`,
    );
  }
  if (place.manifest) await recordKitCommit(dir, results, place.manifest);
  return join(dir, "results.json");
}

/** Keras on the machine's framework, on the same data; returns the results.json path. */
async function runKerasPart(
  run: RunDescription,
  keras: KerasPython,
  place: KitPlace,
): Promise<string> {
  const backendName = kerasBackendName(keras.versions.backend);
  const dir = join(place.outDir, backendName);
  try {
    const data = await loadRunData(run);
    const threads = { intraOp: "default", interOp: "default" } as const;
    const env = await collectEnvironment({
      tfjsVersion: "none (Keras)",
      tensorflowVersion: keras.versions.tensorflow ?? null,
      backend: backendName,
      device: describeKerasDevice(keras.versions),
      machine: run.machine,
      threads,
    });
    if (place.manifest) env.gitCommit = place.manifest.gitCommit;
    await runKerasSide({
      run,
      data,
      python: keras.python,
      pythonEnv: keras.env,
      kerasBackend: keras.versions.backend,
      backendName,
      threads,
      env,
      dir,
      device: keras.versions.gpu ? "gpu" : "cpu",
    });
    return join(dir, "results.json");
  } catch (err) {
    throw new Error(`the Keras run in ${dir} failed: ${(err as Error).message}`);
  }
}

/** Whether WebGPU (or, in a dry run, the pure-JS backend) can run, and on what. */
interface WebGpuCheck {
  problem?: string;
  device?: string;
  fallback?: boolean;
}

async function checkWebGpu(flags: KitFlags): Promise<WebGpuCheck> {
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
