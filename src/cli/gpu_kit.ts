/**
 * `deno task gpu-kit --out DIR`: builds, on this machine, the folder a GPU
 * machine without network runs to measure model1–3 on WebGPU and in Keras 3
 * on its own GPU framework (`src/kit/build.ts`; `docs/compare-and-gpu.md`).
 *
 * @module
 */
import { resolve } from "node:path";
import { exists } from "../_util/fs.ts";
import { buildKit } from "../kit/build.ts";
import { gitCommit } from "../measure/environment.ts";
import { formatBytes, KIT_SIZE_LIMIT } from "../kit/size.ts";
import { cacheDirFromEnv, parseFlags, printHelp, runCli, UsageError } from "./_cli.ts";

const HELP = `Usage: deno task gpu-kit --out DIR [options]

Builds a folder of at most 64 MiB that measures model1 on a GPU machine with
no network and no Deno, Node.js, TensorFlow or Keras (model2 and model3 too
with ./run.sh --budget 2h; the default 8m fits model1): the Deno binary (xz),
the suite and TF.js's WebGPU backend bundled into one file, a stratified
subset of Fashion-MNIST (30,000 training and the 10,000 test images, xz), the
wheels of Keras 3 and the packages it needs, a Vulkan loader for a machine
without one, and run.sh. On the GPU machine, ./run.sh measures TF.js on
WebGPU and Keras on JAX or PyTorch and prints the \`deno task merge\` command
for the results.

Options:
  --out DIR      the kit's folder: new or empty (required)
  --force        empty a folder that is not
  --deno PATH    the Deno binary to carry (default: the one running this)
  --python CMD   the Python whose pip downloads missing wheels (default python3)
  --data-dir DIR read the official Fashion-MNIST files from this folder first
                 (default: the cache, Debian's copy, then a download)
  --vulkan-deb PATH|URL
                 Debian's libvulkan1 1.3.239.0-1 package (the Vulkan loader the
                 kit carries for a machine without one): a file, its URL, or a
                 Debian mirror's URL (default: the cache, then apt-get download)
  -h, --help     show this help
`;

async function main(): Promise<number> {
  const { values } = parseFlags("gpu-kit", {
    args: Deno.args,
    options: {
      out: { type: "string" },
      force: { type: "boolean", default: false },
      deno: { type: "string" },
      python: { type: "string" },
      "data-dir": { type: "string" },
      "vulkan-deb": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return printHelp(HELP);
  if (values.out === undefined || values.out.trim() === "") {
    throw new UsageError("--out: expected the kit's folder, e.g. --out gpu-kit; see --help");
  }
  const outDir = resolve(values.out);
  if (await exists(outDir)) {
    const info = await Deno.stat(outDir);
    if (!info.isDirectory) throw new UsageError(`--out ${outDir}: expected a folder, got a file`);
    const entries = await Array.fromAsync(Deno.readDir(outDir));
    if (entries.length > 0) {
      if (!values.force) {
        throw new UsageError(
          `--out ${outDir}: expected a new or empty folder, got one with ${entries.length} ` +
            `entr${entries.length === 1 ? "y" : "ies"}; add --force to replace them`,
        );
      }
      for (const e of entries) await Deno.remove(resolve(outDir, e.name), { recursive: true });
    }
  }
  const denoPath = await Deno.realPath(values.deno ?? Deno.execPath()).catch(() => {
    throw new UsageError(`--deno ${values.deno}: expected a Deno binary, got no such file`);
  });
  const kit = await buildKit({
    outDir,
    denoPath,
    denoVersion: values.deno ? "as given by --deno" : Deno.version.deno,
    cacheDir: cacheDirFromEnv(),
    python: values.python ?? Deno.env.get("PYTHON") ?? "python3",
    gitCommit: await gitCommit(new URL("../../", import.meta.url).pathname),
    dataDir: values["data-dir"],
    vulkanDeb: values["vulkan-deb"],
    log: (line) => console.error(`gpu-kit: ${line}`),
  });
  const parts = new Map<string, number>();
  for (const [file, bytes] of Object.entries(kit.files)) {
    const part = ["wheels/", "data/", "app/node_modules/"].find((p) => file.startsWith(p)) ?? file;
    parts.set(part, (parts.get(part) ?? 0) + bytes);
  }
  const width = Math.max(...[...parts.keys()].map((p) => p.length));
  const limit = KIT_SIZE_LIMIT.toLocaleString("en-US");
  console.log(`gpu-kit: ${kit.dir}: ${formatBytes(kit.bytes)} of ${limit} bytes allowed`);
  for (const [part, bytes] of [...parts].sort((a, b) => b[1] - a[1])) {
    console.log(`  ${part.padEnd(width)}  ${bytes.toLocaleString("en-US").padStart(12)}`);
  }
  console.log(
    `gpu-kit: copy ${kit.dir} to the GPU machine and run ./run.sh there (./run.sh --help); ` +
      `it prints the deno task merge command for its results`,
  );
  return 0;
}

if (import.meta.main) await runCli(main);
