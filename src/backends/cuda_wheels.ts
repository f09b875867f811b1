/**
 * The CUDA 12 and cuDNN 9 user-space libraries that the GPU build of
 * libtensorflow 2.21 opens at run time, as TensorFlow itself ships them: the
 * `nvidia-*-cu12` wheels of `tensorflow[and-cuda]==2.21.0`, each pinned by
 * version, file and SHA-256, and laid out where libtensorflow looks.
 *
 * libtensorflow does not link them; it opens them with `dlopen` through its
 * run paths, `$ORIGIN/../nvidia/<name>/lib`. So the `nvidia/` folder of the
 * wheels is unpacked beside the `tensorflow/` folder that holds the two
 * libraries, exactly as pip lays them out in `site-packages/`.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { type PinnedWheel, unpackWithPython } from "./tensorflow_wheel.ts";
import { exists, isDirectory, writeJsonAtomic } from "../_util/fs.ts";

/**
 * The `and-cuda` extra of `tensorflow==2.21.0`, resolved by pip on
 * 2026-11-30 (`pip install --dry-run --report R "tensorflow[and-cuda]==2.21.0"`):
 * one pin per `Requires-Dist` of that extra, with the file pip chose.
 */
export const CUDA_12_WHEELS: readonly PinnedWheel[] = Object.freeze(
  // name, version, platform tag(s), SHA-256
  `
nvidia-cublas-cu12       12.9.3.13  manylinux_2_27_x86_64                      d7d51055f161b317c7105ddaae90e71eda059026074ffef93cf7cde2886bfe72
nvidia-cuda-cupti-cu12   12.9.79    manylinux_2_25_x86_64                      096bcf334f13e1984ba36685ad4c1d6347db214de03dbb6eebb237b41d9d934f
nvidia-cuda-nvcc-cu12    12.9.86    manylinux2010_x86_64.manylinux_2_12_x86_64 5d6a0d32fdc7ea39917c20065614ae93add6f577d840233237ff08e9a38f58f0
nvidia-cuda-nvrtc-cu12   12.9.86    manylinux2010_x86_64.manylinux_2_12_x86_64 210cf05005a447e29214e9ce50851e83fc5f4358df8b453155d5e1918094dcb4
nvidia-cuda-runtime-cu12 12.9.79    manylinux2014_x86_64.manylinux_2_17_x86_64 25bba2dfb01d48a9b59ca474a1ac43c6ebf7011f1b0b8cc44f54eb6ac48a96c3
nvidia-cudnn-cu12        9.28.0.42  manylinux_2_27_x86_64                      9ff58b7f36dacd0a93e89f8f2957b52466889217963701daa15e577317cfa375
nvidia-cufft-cu12        11.4.1.4   manylinux2014_x86_64.manylinux_2_17_x86_64 c67884f2a7d276b4b80eb56a79322a95df592ae5e765cf1243693365ccab4e28
nvidia-curand-cu12       10.3.10.19 manylinux_2_27_x86_64                      49b274db4780d421bd2ccd362e1415c13887c53c214f0d4b761752b8f9f6aa1e
nvidia-cusolver-cu12     11.7.5.82  manylinux_2_27_x86_64                      15da72d1340d29b5b3cf3fd100e3cd53421dde36002eda6ed93811af63c40d88
nvidia-cusparse-cu12     12.5.10.65 manylinux2014_x86_64.manylinux_2_17_x86_64 73060ce019ac064a057267c585bf1fd5a353734151f87472ff02b2c5c9984e78
nvidia-nccl-cu12         2.32.3     manylinux_2_27_x86_64                      bb94b2348e4861d5e8aa00b36c3d12d9bdf9c6369b82cbb723de0b582280a21c
nvidia-nvjitlink-cu12    12.9.86    manylinux2010_x86_64.manylinux_2_12_x86_64 e3f1171dbdc83c5932a45f0f4c99180a70de9bd2718c1ab77d14104f6d7147f9
`.trim().split("\n").map((row) => cuda(...(row.split(/ +/) as [string, string, string, string]))),
);

/** A pin of a `py3-none` NVIDIA wheel; `tags` is the file's platform tag(s). */
function cuda(name: string, version: string, tags: string, sha256: string): PinnedWheel {
  return {
    requirement: `${name}==${version}`,
    file: `${name.replaceAll("-", "_")}-${version}-py3-none-${tags}.whl`,
    sha256,
    pythonVersion: "3.11",
    // pip matches --platform exactly, so it is given the most specific tag of the file.
    platform: tags.split(".").at(-1)!,
  };
}

/** The file `installCudaLibraries` writes last in `nvidia/`: which wheels it holds. */
export const CUDA_MANIFEST = "fmnist-bench-wheels.json";

/** What {@link CUDA_MANIFEST} holds. */
interface CudaManifest {
  wheels: { requirement: string; sha256: string }[];
}

/** The `nvidia/` folder libtensorflow's run paths point to, for the libraries in `libDir`. */
export function nvidiaDirOf(libDir: string): string {
  return join(dirname(libDir), "nvidia");
}

/**
 * Whether `nvidiaDir` holds exactly the given wheels, unpacked by
 * {@link installCudaLibraries} (its manifest is written last, so a partial
 * unpack never counts).
 */
export async function cudaLibrariesInstalled(
  nvidiaDir: string,
  wheels: readonly PinnedWheel[],
): Promise<boolean> {
  try {
    const manifest: CudaManifest = JSON.parse(
      await Deno.readTextFile(join(nvidiaDir, CUDA_MANIFEST)),
    );
    const want = wheels.map((w) => `${w.requirement} ${w.sha256}`).sort();
    const got = manifest.wheels.map((w) => `${w.requirement} ${w.sha256}`).sort();
    return want.join("\n") === got.join("\n");
  } catch {
    return false;
  }
}

/** Options for {@link installCudaLibraries}. */
export interface InstallCudaOptions {
  /** The Python interpreter whose `zipfile` unpacks the wheels. Default `"python3"`. */
  python?: string;
}

/**
 * Unpacks the `nvidia/` tree of each verified wheel into `nvidiaDir`,
 * atomically (see `unpackWithPython`), with {@link CUDA_MANIFEST} written
 * last, then renamed over any earlier copy.
 *
 * @param wheels The pins, in the same order as `paths`.
 * @param paths The verified wheel files.
 * @throws {SetupError} When a wheel holds no `nvidia/` tree or cannot be read.
 */
export async function installCudaLibraries(
  wheels: readonly PinnedWheel[],
  paths: readonly string[],
  nvidiaDir: string,
  options: InstallCudaOptions = {},
): Promise<void> {
  const script = [
    "import sys, zipfile",
    "dest = sys.argv[1]",
    "for wheel in sys.argv[2:]:",
    "    z = zipfile.ZipFile(wheel)",
    "    names = [n for n in z.namelist() if n.startswith('nvidia/')]",
    "    if not names: sys.exit(wheel + ': expected an nvidia/ folder in the wheel, found none')",
    "    z.extractall(dest, names)",
  ];
  const failure = "could not unpack the CUDA wheels";
  await unpackWithPython(script, [...paths], nvidiaDir, failure, async (tmp) => {
    const manifest: CudaManifest = {
      wheels: wheels.map((w) => ({ requirement: w.requirement, sha256: w.sha256 })),
    };
    await writeJsonAtomic(join(tmp, "nvidia", CUDA_MANIFEST), manifest);
    if (await exists(nvidiaDir)) await Deno.remove(nvidiaDir, { recursive: true });
    await Deno.rename(join(tmp, "nvidia"), nvidiaDir);
  }, options.python);
}

/**
 * Every shared library in the wheels' `lib/` folders under `nvidiaDir`
 * (`libcudnn.so.9`, `libcublasLt.so.12`, …), sorted.
 */
export async function cudaSharedLibraries(nvidiaDir: string): Promise<string[]> {
  const files: string[] = [];
  if (!(await isDirectory(nvidiaDir))) return files;
  for await (const entry of Deno.readDir(nvidiaDir)) {
    const lib = join(nvidiaDir, entry.name, "lib");
    if (!entry.isDirectory || !(await isDirectory(lib))) continue;
    for await (const file of Deno.readDir(lib)) {
      if (file.isFile && /\.so(\.|$)/.test(file.name)) files.push(join(lib, file.name));
    }
  }
  return files.sort((a, b) => basename(a).localeCompare(basename(b)));
}
