/**
 * The GPU kit's Python side: finds the Python and the Keras backend to run
 * Keras on. Keras at the peer's pin comes from the Python's own packages, or
 * else from the kit's wheels, unpacked once into a folder put on
 * `PYTHONPATH` (each checked against its SHA-256 first; a package the Python
 * already imports is kept). Then JAX, else PyTorch (and TensorFlow where a
 * CPU will do), the first that imports and, when a GPU is needed, sees one.
 *
 * @module
 */
import { join } from "node:path";
import { exists } from "../_util/fs.ts";
import { sha256File } from "../_util/hash.ts";
import { runQuiet } from "../_util/run_quiet.ts";
import {
  KERAS_PINS,
  type KerasBackend,
  type KerasVersions,
  probeKerasBackend,
} from "../peer/keras.ts";
import { KIT_PYTHON_VERSION, KIT_WHEELS } from "./wheels.ts";

/** The Keras side, once found: the interpreter, its environment and what it runs on. */
export interface KerasPython {
  /** The interpreter. */
  python: string;
  /** Environment variables it needs (`PYTHONPATH` when the kit's wheels are used). */
  env: Record<string, string>;
  /** Keras, its backend, that framework's version and the device it sees. */
  versions: KerasVersions;
}

/** Options of {@link findKeras}. */
export interface FindKerasOptions {
  /** The Python to run. */
  python: string;
  /** A Keras backend, or `"auto"`: JAX, then PyTorch (then TensorFlow unless `needGpu`). */
  backend: "auto" | KerasBackend;
  /** Refuse a backend that sees no GPU. */
  needGpu: boolean;
  /** The kit's wheels, when there are any (none when run from the repository). */
  wheelsDir?: string;
  /** Where the wheels are unpacked. */
  pylib: string;
}

/**
 * Finds the Python and Keras backend to run, as the module says.
 *
 * @returns What was found, or the reason (every backend tried, each with its own).
 */
export async function findKeras(
  options: FindKerasOptions,
): Promise<KerasPython | { reason: string }> {
  const { python, wheelsDir, pylib } = options;
  const want = KERAS_PINS.keras.split("==")[1];
  // The installed version, read without importing Keras (whose import needs its backend).
  const own = await pythonSays(
    python,
    "import sys\nfrom importlib import metadata\ntry:\n v = metadata.version('keras')\n" +
      "except metadata.PackageNotFoundError:\n v = 'none'\nprint(sys.version.split()[0], v)",
  );
  if (!own) return { reason: `${python} does not run; name a Python 3.12 with --python` };
  const [version, hasKeras] = own.split(" ");
  let env: Record<string, string> = {};
  if (hasKeras !== want) {
    if (!wheelsDir) return { reason: `${python} has Keras ${hasKeras}, expected ${want}` };
    if (!version.startsWith(`${KIT_PYTHON_VERSION}.`)) {
      return {
        reason:
          `the kit's wheels are for CPython ${KIT_PYTHON_VERSION}, ${python} is ${version}; ` +
          `name a Python ${KIT_PYTHON_VERSION} with --python`,
      };
    }
    const failed = await unpackWheels(python, wheelsDir, pylib);
    if (failed) return { reason: failed };
    env = { PYTHONPATH: pylib };
  }
  const candidates: KerasBackend[] = options.backend !== "auto"
    ? [options.backend]
    : options.needGpu
    ? ["jax", "torch"]
    : ["jax", "torch", "tensorflow"];
  const reasons: string[] = [];
  for (const backend of candidates) {
    const probe = await probeKerasBackend(python, backend, env);
    if (!probe.available) reasons.push(probe.reason);
    else if (!probe.gpu && options.needGpu) {
      reasons.push(`Keras on ${backend} sees no GPU (${probe.device})`);
    } else {
      const { available: _, ...versions } = probe;
      return { python, env, versions };
    }
  }
  return { reason: reasons.join("; ") };
}

/**
 * Unpacks the kit's wheels into `pylib` (once), each but those whose module
 * the Python already imports (its own stay in force); a reason when that fails.
 */
async function unpackWheels(
  python: string,
  wheelsDir: string,
  pylib: string,
): Promise<string | undefined> {
  const done = join(pylib, ".unpacked");
  if (await exists(done)) return undefined;
  const modules = JSON.stringify(KIT_WHEELS.map((w) => w.module));
  const code =
    `import importlib.util\nprint(" ".join(m for m in ${modules} if importlib.util.find_spec(m)))`;
  const present = (await pythonSays(python, code))?.split(" ") ?? [];
  await Deno.mkdir(pylib, { recursive: true });
  const unpacked: string[] = [];
  for (const wheel of KIT_WHEELS) {
    if (wheel.module !== "keras" && present.includes(wheel.module)) continue;
    const file = join(wheelsDir, wheel.file);
    const got = await sha256File(file).catch((err) => `none (${(err as Error).message})`);
    if (got !== wheel.sha256) {
      return `${file}: expected SHA-256 ${wheel.sha256}, got ${got}; copy the kit again`;
    }
    const out = await runQuiet(python, ["-m", "zipfile", "-e", file, pylib]).catch(() => undefined);
    if (!out || out.code !== 0) {
      const why = out ? out.stderr.trim().split("\n").at(-1) : "";
      return `could not unpack ${file}: ${why}`;
    }
    unpacked.push(wheel.file);
  }
  await Deno.writeTextFile(done, unpacked.join("\n") + "\n");
  return undefined;
}

async function pythonSays(python: string, code: string): Promise<string | undefined> {
  const out = await runQuiet(python, ["-c", code]).catch(() => undefined);
  return out?.code === 0 ? out.stdout.trim() : undefined;
}
