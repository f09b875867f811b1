/**
 * Builds the GPU kit: one folder of at most 64 MiB that a GPU machine
 * without network runs with `./run.sh` (see `docs/compare-and-gpu.md`):
 *
 * - `deno.xz`: the Deno binary, `xz -6` compressed (about a third of its size) and cached by
 *   its SHA-256, so that building a kit again takes no new compression;
 * - `app/src/cli/gpu_kit_run.js`: the suite's code and the npm packages of
 *   TF.js and its WebGPU backend in one bundle (`bundle.ts`), with
 *   `app/src/cli/keras_peer.py` beside it
 *   where the bundle looks for them, and `app/node_modules/` with the browser
 *   builds of Vega, Vega-Lite and vega-embed that `report.html` inlines and
 *   tfjs-backend-wasm's `.wasm` files, for the `wasm` backend (TF.js's CPU side);
 * - `data/`: the stratified Fashion-MNIST subset the runs train on, `xz -9`
 *   compressed, with its `subset.json` (`kit_data.ts`);
 * - `wheels/`: Keras 3 and the packages it needs there (`wheels.ts`);
 * - `vulkan/`: Debian's Vulkan loader, for a machine without one (`vulkan_loader.ts`);
 * - `run.sh`, `README.md` and `manifest.json`.
 *
 * The size is checked before anything is written (from the inputs' sizes)
 * and again after (from the files on disk).
 *
 * @module
 */
import { basename, join } from "node:path";
import { exists, writeFileAtomic, writeJsonAtomic } from "../_util/fs.ts";
import { sha256File } from "../_util/hash.ts";
import { SetupError } from "../backends/setup_tools.ts";
import { WASM_FILES, WASM_PACKAGE, wasmDistDir } from "../backends/wasm.ts";
import { describeSubset } from "../data/subset.ts";
import { KERAS_PEER_SCRIPT } from "../peer/keras.ts";
import { chartScriptFiles } from "../report/html_assets.ts";
import { bundleKitProgram, KIT_BUNDLE_PATH } from "./bundle.ts";
import { KIT_DATA_DIR, KIT_DATA_UNPACKED, kitData } from "./kit_data.ts";
import { KIT_MANIFEST, type KitManifest } from "./manifest.ts";
import { kitReadme } from "./readme.ts";
import { runScript } from "./run_script.ts";
import { kitSizeProblem } from "./size.ts";
import { fetchKitWheels, KIT_WHEELS } from "./wheels.ts";
import {
  fetchKitVulkan,
  KIT_VULKAN,
  KIT_VULKAN_COPYRIGHT,
  KIT_VULKAN_FILE,
} from "./vulkan_loader.ts";
import { xzCompress } from "./xz.ts";

/** Options of {@link buildKit}. */
export interface BuildKitOptions {
  /** The kit's folder: new, or empty. */
  outDir: string;
  /** The Deno binary to carry (links resolved). */
  denoPath: string;
  /** Its version, recorded in the manifest. */
  denoVersion: string;
  /** The suite's cache folder (compressed Deno, wheels). */
  cacheDir: string;
  /** The Python whose pip downloads missing wheels. Default `"python3"`. */
  python?: string;
  /** The suite's commit, recorded in the kit and in its results. */
  gitCommit: string | null;
  /** A folder holding the official Fashion-MNIST files, tried first for the kit's data. Default: none. */
  dataDir?: string;
  /** Debian's `libvulkan1` package: a file, its URL or a Debian mirror's. Default: the cache, else apt. */
  vulkanDeb?: string;
  /** Progress lines. Default: none. */
  log?: (line: string) => void;
}

/** What {@link buildKit} made. */
export interface BuiltKit {
  /** The kit's folder. */
  dir: string;
  /** Its manifest. */
  manifest: KitManifest;
  /** Every file's size in bytes, manifest and README included. */
  files: Record<string, number>;
  /** All files together, in bytes. */
  bytes: number;
}

/** The kit's compressed Deno binary. */
const DENO_FILE = "deno.xz";
/** The kit's data manifest, copied beside the unpacked files by `run.sh`. */
const KIT_SUBSET_JSON = `${KIT_DATA_DIR}/subset.json`;

/**
 * Builds the kit into `outDir`.
 *
 * @throws {SetupError} When a part is missing (xz, pip, apt or the Vulkan
 *   loader's package, a wheel or package with another SHA-256) or the kit would exceed 64 MiB (nothing is left behind then).
 */
export async function buildKit(options: BuildKitOptions): Promise<BuiltKit> {
  const { outDir, log = () => {} } = options;
  const deno = await compressedDeno(options.denoPath, options.cacheDir, log);
  const wheels = await fetchKitWheels({ cacheDir: options.cacheDir, python: options.python, log });
  const data = await kitData({ cacheDir: options.cacheDir, dataDir: options.dataDir, log });
  const vulkan = await fetchKitVulkan({ cacheDir: options.cacheDir, from: options.vulkanDeb, log });
  log("bundling the suite with esbuild");
  const bundle = await bundleKitProgram();
  const subsetJson = JSON.stringify(data.manifest, null, 2) + "\n";

  // The files as they will be, from their sources' sizes: checked before anything is written.
  const copies: (readonly [string, string])[] = [
    [DENO_FILE, deno.path],
    ["app/src/cli/keras_peer.py", KERAS_PEER_SCRIPT],
    ...data.files.map((f) => [f.file, f.path] as const),
    ...wheels.map((w) => [`wheels/${basename(w)}`, w] as const),
    ...(await chartScriptFiles()).map((f) => [`app/node_modules/${f.path}`, f.source] as const),
    ...(await wasmBackendFiles()),
  ];
  const text = (s: string) => new TextEncoder().encode(s).length;
  const files: Record<string, number> = {};
  for (const [to, from] of copies) files[to] = (await Deno.stat(from)).size;
  files[KIT_BUNDLE_PATH] = bundle.code.length;
  files[KIT_SUBSET_JSON] = text(subsetJson);
  files[KIT_VULKAN_FILE] = vulkan.library.length;
  files[KIT_VULKAN_COPYRIGHT] = vulkan.copyright.length;
  const manifest: KitManifest = {
    kind: "fmnist-bench-gpu-kit",
    createdAt: new Date().toISOString(),
    gitCommit: options.gitCommit,
    deno: {
      version: options.denoVersion,
      file: DENO_FILE,
      sha256: deno.sha256,
      xzSha256: deno.xzSha256,
      bytes: deno.rawBytes,
    },
    vulkan: {
      package: KIT_VULKAN.package,
      version: KIT_VULKAN.version,
      deb: KIT_VULKAN.deb,
      debSha256: KIT_VULKAN.debSha256,
      file: KIT_VULKAN_FILE,
      sha256: KIT_VULKAN.sha256,
      bytes: vulkan.library.length,
    },
    wheels: KIT_WHEELS.map((w) => ({ file: w.file, sha256: w.sha256 })),
    data: describeSubset(KIT_DATA_UNPACKED, data.manifest),
    subset: data.manifest,
    packages: bundle.packages,
    files,
  };
  const script = runScript({
    denoFile: DENO_FILE,
    xzSha256: deno.xzSha256,
    sha256: deno.sha256,
    data: data.files,
    vulkan: { file: KIT_VULKAN_FILE, sha256: KIT_VULKAN.sha256 },
  });
  const readme = kitReadme(manifest);
  // The manifest's own size is bounded by its text without the files' sizes doubled.
  const estimate = Object.values(files).reduce((a, b) => a + b, 0) + text(script) + text(readme) +
    text(JSON.stringify(manifest, null, 2)) + 1024;
  const before = kitSizeProblem(estimate);
  if (before) throw new SetupError(before);

  log(`writing ${outDir}`);
  return await writeKit(outDir, {
    copies,
    texts: [
      [KIT_BUNDLE_PATH, bundle.code],
      [KIT_SUBSET_JSON, subsetJson],
      [KIT_VULKAN_FILE, vulkan.library],
      [KIT_VULKAN_COPYRIGHT, vulkan.copyright],
      ["run.sh", script],
      ["README.md", readme],
    ],
    manifest,
  });
}

/**
 * Writes the kit's files into `outDir`: the `copies` (kit path, source), the
 * `texts` (kit path, content; `run.sh` made executable) and the manifest,
 * then checks the size of what is there.
 *
 * @throws {SetupError} When the kit exceeds its limit; then, as on any other
 *   error, `outDir` is emptied, so that a refused or broken kit is not copied
 *   by mistake.
 */
async function writeKit(
  outDir: string,
  parts: {
    copies: readonly (readonly [string, string])[];
    texts: readonly [string, string | Uint8Array][];
    manifest: KitManifest;
  },
): Promise<BuiltKit> {
  await Deno.mkdir(outDir, { recursive: true });
  try {
    for (const [to, from] of parts.copies) {
      await Deno.mkdir(join(outDir, to, ".."), { recursive: true });
      await Deno.copyFile(from, join(outDir, to));
    }
    for (const [to, text] of parts.texts) {
      await writeFileAtomic(join(outDir, to), text);
      if (to === "run.sh") await Deno.chmod(join(outDir, to), 0o755);
    }
    await writeJsonAtomic(join(outDir, KIT_MANIFEST), parts.manifest);
    const all = await fileSizes(outDir);
    const bytes = Object.values(all).reduce((a, b) => a + b, 0);
    const after = kitSizeProblem(bytes, "the kit holds");
    if (after) throw new SetupError(after);
    return { dir: outDir, manifest: parts.manifest, files: all, bytes };
  } catch (err) {
    for await (const e of Deno.readDir(outDir)) {
      await Deno.remove(join(outDir, e.name), { recursive: true }).catch(() => {});
    }
    throw err;
  }
}

/** tfjs-backend-wasm's `package.json` and `.wasm` files, as the bundle's `wasm` backend finds them. */
async function wasmBackendFiles(): Promise<[string, string][]> {
  const dist = await wasmDistDir();
  const to = `app/node_modules/${WASM_PACKAGE}`;
  return [
    [`${to}/package.json`, join(dist, "..", "package.json")],
    ...WASM_FILES.map((f) => [`${to}/dist/${f}`, join(dist, f)] as [string, string]),
  ];
}

/** Every file under `dir` (relative path → bytes), sorted by path. */
export async function fileSizes(dir: string): Promise<Record<string, number>> {
  const found: [string, number][] = [];
  const walk = async (rel: string): Promise<void> => {
    for await (const e of Deno.readDir(join(dir, rel))) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory) await walk(path);
      else found.push([path, (await Deno.stat(join(dir, path))).size]);
    }
  };
  await walk("");
  found.sort(([a], [b]) => a.localeCompare(b));
  return Object.fromEntries(found);
}

/**
 * The Deno binary (links resolved) compressed with `xz -6` into the cache's `kit/`, from the
 * cache when it holds one made from a binary with the same SHA-256.
 */
async function compressedDeno(denoPath: string, cacheDir: string, log: (line: string) => void) {
  const sha256 = await sha256File(denoPath);
  const rawBytes = (await Deno.stat(denoPath)).size;
  const path = join(cacheDir, "kit", `deno-${sha256}.xz`);
  if (!(await exists(path))) {
    log(`compressing ${denoPath} with xz -6 (about a minute, once)`);
    await xzCompress(denoPath, path, { what: "Deno" });
  }
  return { path, xzSha256: await sha256File(path), sha256, rawBytes };
}
