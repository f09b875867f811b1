/**
 * Keras 3 on TensorFlow 2.21 as a peer of the TF.js suite: the same
 * architecture, data, split, per-epoch order, batch size, learning rate and
 * seed, measured the same way, written in the same result schema.
 *
 * Keras runs in a Python virtual environment built from pinned versions
 * ({@link KERAS_PINS}) by {@link setupKeras}. Nothing else in the suite needs
 * Python at run time.
 *
 * @module
 */
import { join } from "node:path";
import { forEachLine } from "../_util/lines.ts";
import { runQuiet } from "../_util/run_quiet.ts";
import type { EpochRecord, RunRecord } from "../results/schema.ts";
import type { EnergyMark, EnergyMeter, GpuActivity } from "../measure/energy.ts";
import { isMeasured, type Measured, notMeasured } from "../measure/measures.ts";
import {
  type KerasJobData,
  type KerasJobSettings,
  kerasMeasures,
  removeKerasJobData,
  writeKerasJob,
} from "./keras_job.ts";
import { KERAS_PROFILE_REPEATS, KERAS_PROFILE_WARMUP, kerasProfiles } from "./keras_profile.ts";

/** The pinned packages of the peer's virtual environment: the libtensorflow backend's TensorFlow release. */
export const KERAS_PINS = Object.freeze({
  tensorflow: "tensorflow-cpu==2.21.0",
  keras: "keras==3.15.1",
});

/** The Python script that trains and measures one model. */
export const KERAS_PEER_SCRIPT: string = new URL("./keras_peer.py", import.meta.url).pathname;

/** The Keras backends the peer script runs on; `tensorflow` is `deno task peer`'s. */
export const KERAS_BACKENDS = ["tensorflow", "jax", "torch"] as const;

/** One of {@link KERAS_BACKENDS}. */
export type KerasBackend = (typeof KERAS_BACKENDS)[number];

/** The peer's virtual environment under the suite's cache folder. */
export function kerasVenvDir(cacheDir: string): string {
  return join(cacheDir, "keras-venv-tf2.21.0-keras3.15.1");
}

/** The Python interpreter inside a virtual environment. */
function venvPython(venvDir: string): string {
  return join(venvDir, "bin", "python");
}

/** What {@link probeKeras} found. */
export type KerasProbe =
  | { available: true; python: string; keras: string; tensorflow: string }
  | { available: false; reason: string };

/**
 * Checks that the virtual environment's Python imports Keras and TensorFlow
 * at the pinned versions. Runs a child Python; never throws.
 */
export async function probeKeras(venvDir: string): Promise<KerasProbe> {
  const python = venvPython(venvDir);
  const hint = "run `deno task setup-keras` to create it";
  try {
    await Deno.stat(python);
  } catch {
    return { available: false, reason: `no Keras virtual environment at ${venvDir}; ${hint}` };
  }
  const out = await runQuiet(python, [
    "-c",
    "import os; os.environ['TF_CPP_MIN_LOG_LEVEL']='3'\n" +
    "import keras, tensorflow as tf; print(keras.__version__, tf.__version__)",
  ]);
  if (!out || out.code !== 0) {
    const why = out ? out.stderr.trim().split("\n").at(-1) : "it could not be started";
    return { available: false, reason: `${python} cannot import Keras: ${why}; ${hint}` };
  }
  const [keras, tensorflow] = out.stdout.trim().split("\n").at(-1)!.split(" ");
  const [wantKeras, wantTf] = [KERAS_PINS.keras, KERAS_PINS.tensorflow].map((p) =>
    p.split("==")[1]
  );
  if (keras !== wantKeras || tensorflow !== wantTf) {
    return {
      available: false,
      reason:
        `${venvDir} has Keras ${keras} on TensorFlow ${tensorflow}, expected Keras ${wantKeras} ` +
        `on TensorFlow ${wantTf}; ${hint}`,
    };
  }
  return { available: true, python, keras, tensorflow };
}

/** Options for {@link setupKeras}. */
export interface SetupKerasOptions {
  /** Where to create the environment. */
  venvDir: string;
  /** The Python that creates it. Default `"python3"`. */
  python?: string;
  /** Progress lines. Default: none. */
  log?: (line: string) => void;
}

/**
 * Creates the peer's virtual environment and installs {@link KERAS_PINS}
 * into it with pip (from whatever index pip is configured to use). Does
 * nothing when a working one is there.
 *
 * @throws {Error} When Python, venv or pip fail; the message has their last line.
 */
export async function setupKeras(
  options: SetupKerasOptions,
): Promise<KerasProbe & { available: true }> {
  const { venvDir, python = "python3", log = () => {} } = options;
  const before = await probeKeras(venvDir);
  if (before.available) {
    log(`Keras ${before.keras} on TensorFlow ${before.tensorflow} is ready in ${venvDir}`);
    return before;
  }
  log(`creating ${venvDir} with ${python} -m venv`);
  const pip = ["-m", "pip", "install", "--quiet", "--disable-pip-version-check"];
  const steps: [string, string[]][] = [
    [python, ["-m", "venv", "--clear", venvDir]],
    [venvPython(venvDir), [...pip, KERAS_PINS.tensorflow, KERAS_PINS.keras]],
  ];
  for (const [cmd, args] of steps) {
    log(`${cmd} ${args.join(" ")}`);
    const out = await runQuiet(cmd, args);
    if (!out) throw new Error(`${cmd}: not found; install Python 3 with venv and pip`);
    if (out.code !== 0) {
      const last = out.stderr.trim().split("\n").filter((l) => !/^WARNING/.test(l)).at(-1);
      throw new Error(`${cmd} ${args.slice(0, 3).join(" ")} failed (exit ${out.code}): ${last}`);
    }
  }
  const after = await probeKeras(venvDir);
  if (!after.available) throw new Error(after.reason);
  log(`Keras ${after.keras} on TensorFlow ${after.tensorflow} is ready in ${venvDir}`);
  return after;
}

/** Options for {@link runKerasPeer}: the job's settings, and how and where it runs. */
export interface KerasRunOptions extends Omit<KerasJobSettings, "kerasBackend" | "profile"> {
  /** The interpreter of a probed environment. */
  python: string;
  /** The same splits the TF.js side trains on. */
  data: KerasJobData;
  /** Per-epoch order of the training images, as `train-all` uses it. */
  order: (epoch: number, n: number) => Int32Array;
  /** A folder for the job's files (data, job, output). */
  workDir: string;
  /** The Keras backend. Default `"tensorflow"`. */
  kerasBackend?: KerasBackend;
  /** Extra environment variables for the child Python (e.g. `PYTHONPATH`). Default: none. */
  env?: Record<string, string>;
  /** Aborting stops the child Python (the model in flight is not recorded). Default: none. */
  signal?: AbortSignal;
  /** The `backend` recorded in the run. Default `"keras"`. */
  backendName?: string;
  /** Called with each finished epoch. */
  onEpoch?: (record: RunRecord["epochs"][number]) => void;
  /**
   * Read at the child's `train-start` and `trained` lines around each epoch's
   * timed region, for its joules; or why there is none. Default: none.
   */
  energy?: Measured<EnergyMeter>;
  /** Validation accuracies whose time to reach is recorded (fractions). Default: none. */
  targetAccuracies?: readonly number[];
  /** Per-op profiles after the timed runs, against this fp32 ceiling (`null`: unknown). Default: none. */
  profile?: KerasProfileRequest;
}

/** A request for the Keras run's per-op profiles ({@link kerasProfiles}). */
export interface KerasProfileRequest {
  /** The machine's fp32 ceiling in GFLOP/s, or null when not measured. */
  ceilingGflops: number | null;
  /** Profiled repeats of each piece of work. Default {@link KERAS_PROFILE_REPEATS}. */
  repeats?: number;
}

/** The versions and device of a Keras run or probe. */
export interface KerasVersions {
  /** Keras's version. */
  keras: string;
  /** The Keras backend it ran on. */
  backend: KerasBackend;
  /** That framework's version (TensorFlow's, JAX's or PyTorch's). */
  backendVersion: string;
  /** The device the framework computes on, in words (e.g. `gpu:0 NVIDIA H100 80GB HBM3`). */
  device: string;
  /** Whether that device is a GPU. */
  gpu: boolean;
  /** Python's version. */
  python: string;
  /** TensorFlow's version, on Keras's tensorflow backend only. */
  tensorflow?: string;
}

/** A Keras run: its record in the results schema and the versions it ran with. */
export interface KerasRun {
  /** The `runs[]` entry, with backend `"keras"` (or `backendName`) and engine `"keras"`. */
  run: RunRecord;
  /** Keras, framework and Python versions, and the device. */
  versions: KerasVersions;
}

/**
 * Imports Keras on one backend in a child Python and reports its versions
 * and the device its framework sees. Never throws.
 *
 * @param python The interpreter.
 * @param env Extra environment variables for it (e.g. `PYTHONPATH`).
 */
export async function probeKerasBackend(
  python: string,
  backend: KerasBackend,
  env: Record<string, string> = {},
): Promise<({ available: true } & KerasVersions) | { available: false; reason: string }> {
  const dir = await Deno.makeTempDir({ prefix: "fmnist-bench-keras-probe-" });
  try {
    const jobPath = join(dir, "probe-job.json");
    await Deno.writeTextFile(jobPath, JSON.stringify({ mode: "probe", kerasBackend: backend }));
    const out = await runQuiet(python, [KERAS_PEER_SCRIPT, jobPath], { env });
    if (!out) return { available: false, reason: `${python}: not found` };
    const line = out.stdout.trim().split("\n").find((l) => l.includes('"probe"'));
    if (out.code !== 0 || !line) {
      const last = out.stderr.trim().split("\n").filter((l) => l.trim() !== "").at(-1);
      return {
        available: false,
        reason: `Keras on ${backend} does not import: ${last ?? `exit ${out.code}`}`,
      };
    }
    const { type: _, ...versions } = JSON.parse(line);
    return { available: true, ...versions };
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/**
 * Trains, evaluates and times one model with Keras in a child Python.
 *
 * @throws {Error} When the child fails; the message has its last error line.
 */
export async function runKerasPeer(options: KerasRunOptions): Promise<KerasRun> {
  const { workDir, data } = options;
  const energy = options.energy ?? notMeasured("no energy meter given");
  const { jobPath, out } = await writeKerasJob(workDir, data, options.order, {
    spec: options.spec,
    flopsPerImage: options.flopsPerImage,
    epochs: options.epochs,
    batchSize: options.batchSize,
    learningRate: options.learningRate,
    seed: options.seed,
    inference: options.inference,
    threads: options.threads,
    kerasBackend: options.kerasBackend ?? "tensorflow",
    ...(options.profile
      ? {
        profile: {
          repeats: options.profile.repeats ?? KERAS_PROFILE_REPEATS,
          warmup: KERAS_PROFILE_WARMUP,
        },
      }
      : {}),
  });
  const readings = await runKerasJob(options, jobPath, isMeasured(energy) ? energy : undefined);
  const { versions, measured, profile, ...run } = JSON.parse(await Deno.readTextFile(out));
  for (const e of run.epochs as EpochRecord[]) {
    const j = await readings.joules.get(e.epoch);
    if (j !== undefined) e.joules = j;
    const gpu = await readings.activity.get(e.epoch);
    if (gpu) e.gpu = { utilisationPercent: gpu.utilisationPercent, smClockMHz: gpu.smClockMHz };
  }
  await removeKerasJobData(workDir, data, options.epochs);
  return {
    run: {
      ...run,
      backend: options.backendName ?? "keras",
      engine: "keras",
      measures: kerasMeasures(measured, run.epochs, {
        targets: options.targetAccuracies ?? [],
        trainSize: data.train.count,
        energy,
      }),
      ...(options.profile
        ? { profile: kerasProfiles(profile, options.profile.ceilingGflops) }
        : {}),
    } as RunRecord,
    versions,
  };
}

/** The energy meter's readings of each epoch's timed region, by epoch. */
interface EpochReadings {
  joules: Map<number, Promise<number>>;
  activity: Map<number, Promise<GpuActivity | null>>;
}

/**
 * Runs the script on the job at `jobPath` to its end: passes each finished
 * epoch to `onEpoch`, and reads `meter` around each epoch's timed region
 * (the script's `train-start` and `trained` lines).
 *
 * @throws {Error} When the child fails or `options.signal` stopped it.
 */
async function runKerasJob(
  options: KerasRunOptions,
  jobPath: string,
  meter: EnergyMeter | undefined,
): Promise<EpochReadings> {
  const readings: EpochReadings = { joules: new Map(), activity: new Map() };
  let mark: EnergyMark | undefined;
  const child = new Deno.Command(options.python, {
    args: [KERAS_PEER_SCRIPT, jobPath],
    env: options.env ?? {},
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stop = () => child.kill("SIGTERM");
  options.signal?.addEventListener("abort", stop, { once: true });
  const stderr = new Response(child.stderr).text();
  await forEachLine(child.stdout, (line) => {
    if (!line.startsWith("{")) return;
    const event = JSON.parse(line);
    if (event.type === "train-start" && meter) mark = meter.mark();
    if (event.type === "trained" && meter && mark) {
      readings.joules.set(event.epoch, meter.joulesSince(mark));
      if (meter.activitySince) readings.activity.set(event.epoch, meter.activitySince(mark));
    }
    if (event.type === "epoch") options.onEpoch?.(event.record);
  });
  const { code } = await child.status;
  options.signal?.removeEventListener("abort", stop);
  if (options.signal?.aborted) {
    const reason = options.signal.reason as Error | undefined;
    const why = reason?.name === "TimeoutError" ? "at its deadline" : `(${reason?.message})`;
    throw new Error(`the Keras peer was stopped ${why}; the models before it are kept`);
  }
  if (code !== 0) {
    const last = (await stderr).trim().split("\n").filter((l) => l.trim() !== "").at(-1);
    throw new Error(`the Keras peer failed (exit ${code}): ${last ?? "no message"}`);
  }
  return readings;
}

/**
 * The machine's fp32 ceiling as TensorFlow reaches it: the best of five runs
 * of a large 3×3 convolution (14×14, 256→512 channels, batch 256, 118 GFLOP),
 * in GFLOP/s. Efficiency figures are FLOP/s over this.
 */
export async function measureCeiling(
  python: string,
  threads: KerasRunOptions["threads"],
  workDir: string,
): Promise<number> {
  await Deno.mkdir(workDir, { recursive: true });
  const jobPath = join(workDir, "ceiling-job.json");
  await Deno.writeTextFile(jobPath, JSON.stringify({ mode: "ceiling", threads }));
  const out = await runQuiet(python, [KERAS_PEER_SCRIPT, jobPath]);
  await Deno.remove(jobPath).catch(() => {});
  const line = out?.stdout.trim().split("\n").find((l) => l.includes('"ceiling"'));
  if (!out || out.code !== 0 || !line) {
    throw new Error(`measuring the fp32 ceiling failed: ${out?.stderr.trim().split("\n").at(-1)}`);
  }
  return JSON.parse(line).gflops;
}
