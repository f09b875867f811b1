/**
 * The Vulkan loader the GPU kit carries, for a GPU machine whose NVIDIA
 * driver came without `libvulkan.so.1` (WebGPU in Deno needs it): Debian's
 * `libvulkan1`, pinned by version and SHA-256. The build takes the package
 * from the suite's cache, else from apt (`apt-get download`), or from a file
 * or a Debian mirror the user names (`--vulkan-deb`), checks it, and carries
 * the library out of it, checked again, as `vulkan/libvulkan.so.1` with the
 * package's copyright file. `run.sh` uses it only where the machine has no
 * loader of its own (`vulkan_script.ts`).
 *
 * The library is carried unpacked rather than as the `.deb`: the GPU machine
 * then needs no dpkg, and nothing is unpacked there.
 *
 * @module
 */
import { join } from "node:path";
import { isFile, writeFileAtomic } from "../_util/fs.ts";
import { sha256Hex } from "../_util/hash.ts";
import { runQuiet } from "../_util/run_quiet.ts";
import { lastLines, SetupError } from "../backends/setup_tools.ts";
import { debFiles } from "./deb.ts";

/** Debian's `libvulkan1` as the kit carries it: the package and the library in it. */
export const KIT_VULKAN = Object.freeze({
  package: "libvulkan1",
  version: "1.3.239.0-1",
  /** The package's file name, as apt saves it. */
  deb: "libvulkan1_1.3.239.0-1_amd64.deb",
  debSha256: "622f28b807ba55a1f5ad1622ff83aa2c5b11fedbec074850e04c10a8f28b43d3",
  debBytes: 116_232,
  /** Its path on any Debian mirror. */
  pool: "pool/main/v/vulkan-loader/libvulkan1_1.3.239.0-1_amd64.deb",
  /** The library in the package. */
  member: "./usr/lib/x86_64-linux-gnu/libvulkan.so.1.3.239",
  sha256: "91dd2cb10ee4de7b77d0624938ff0a7542641e5348708d0d8c42d9404476d152",
  bytes: 457_224,
  /** The package's copyright file, carried beside the library. */
  copyright: "./usr/share/doc/libvulkan1/copyright",
});

/** The carried library in the kit, under the name the dynamic linker looks for. */
export const KIT_VULKAN_FILE = "vulkan/libvulkan.so.1";
/** The package's copyright file in the kit. */
export const KIT_VULKAN_COPYRIGHT = "vulkan/copyright";

/** The loader, taken out of the checked package. */
export interface KitVulkan {
  /** `libvulkan.so.1`'s bytes (checked against {@link KIT_VULKAN}'s SHA-256). */
  library: Uint8Array;
  /** The package's copyright file. */
  copyright: Uint8Array;
}

/** Options of {@link fetchKitVulkan}. */
export interface FetchKitVulkanOptions {
  /** The suite's cache folder; the package is kept in its `kit/`. */
  cacheDir: string;
  /** The package: a `.deb` file, its URL, or a Debian mirror's URL. Default: the cache, else apt. */
  from?: string;
  /** The apt-get to run. Default `"apt-get"`. */
  aptGet?: string;
  /** Progress lines. Default: none. */
  log?: (line: string) => void;
}

const WHAT = `${KIT_VULKAN.package} ${KIT_VULKAN.version}`;
const OTHERWISE = "build the kit where apt can download it, or name the package with " +
  `--vulkan-deb: a file, or a Debian mirror's URL (the file is its ${KIT_VULKAN.pool}, e.g. on ` +
  "http://deb.debian.org/debian)";

/**
 * The pinned Vulkan loader, from the package as {@link FetchKitVulkanOptions}
 * says; a package fetched or named is kept in the cache once checked.
 *
 * @throws {SetupError} When the package cannot be had (apt fails, as offline),
 *   or it or its library has another SHA-256 (a cached file is then deleted).
 */
export async function fetchKitVulkan(options: FetchKitVulkanOptions): Promise<KitVulkan> {
  const { log = () => {} } = options;
  const dir = join(options.cacheDir, "kit");
  const cached = join(dir, KIT_VULKAN.deb);
  let deb: Uint8Array;
  if (options.from !== undefined) {
    deb = await namedDeb(options.from, log);
    checkDeb(deb, options.from, "it is not Debian's package: name that file");
    await writeFileAtomic(cached, deb);
  } else {
    if (!(await isFile(cached))) await aptDownload(dir, options.aptGet ?? "apt-get", log);
    deb = await Deno.readFile(cached);
    try {
      checkDeb(deb, cached, "the file was deleted; run the command again to fetch it afresh");
    } catch (err) {
      await Deno.remove(cached);
      throw err;
    }
  }
  const files = await debFiles(deb, [KIT_VULKAN.member, KIT_VULKAN.copyright], WHAT);
  const library = files.get(KIT_VULKAN.member)!;
  const got = sha256Hex(library);
  if (got !== KIT_VULKAN.sha256) {
    throw new SetupError(
      `${WHAT}: expected ${KIT_VULKAN.member} with SHA-256 ${KIT_VULKAN.sha256}, got ${got}`,
    );
  }
  return { library, copyright: files.get(KIT_VULKAN.copyright)! };
}

/** @throws {SetupError} When `deb` is not the pinned package, with `then`. */
function checkDeb(deb: Uint8Array, source: string, then: string): void {
  const got = sha256Hex(deb);
  if (got !== KIT_VULKAN.debSha256) {
    throw new SetupError(
      `${source}: expected ${KIT_VULKAN.deb} with SHA-256 ${KIT_VULKAN.debSha256}, got ${got}; ` +
        then,
    );
  }
}

/** The package from a file, its URL, or a Debian mirror's URL (the pool's path appended). */
async function namedDeb(from: string, log: (line: string) => void): Promise<Uint8Array> {
  if (!/^https?:\/\//.test(from)) {
    return await Deno.readFile(from).catch((err) => {
      throw new SetupError(`--vulkan-deb ${from}: expected ${KIT_VULKAN.deb}, got ${err.message}`);
    });
  }
  const url = from.endsWith(".deb") ? from : `${from.replace(/\/+$/, "")}/${KIT_VULKAN.pool}`;
  log(`downloading ${url}`);
  try {
    const response = await fetch(url);
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`HTTP ${response.status} ${response.statusText}`);
    }
    return new Uint8Array(await response.arrayBuffer());
  } catch (err) {
    throw new SetupError(`could not download ${url}: ${(err as Error).message}; ${OTHERWISE}`);
  }
}

/** `apt-get download` of the pinned version into `dir`. */
async function aptDownload(dir: string, aptGet: string, log: (line: string) => void) {
  await Deno.mkdir(dir, { recursive: true });
  const spec = `${KIT_VULKAN.package}=${KIT_VULKAN.version}`;
  log(`${aptGet} download ${spec} (the Vulkan loader, once)`);
  const out = await runQuiet(aptGet, ["download", spec], { cwd: dir });
  if (out?.code !== 0 || !(await isFile(join(dir, KIT_VULKAN.deb)))) {
    const why = out?.code === 0 ? `it did not save ${KIT_VULKAN.deb}` : lastLines(out);
    throw new SetupError(`${aptGet} download ${spec} failed: ${why}; ${OTHERWISE}`);
  }
}
