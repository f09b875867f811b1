/**
 * `deno task setup [--gpu]`: makes the libtensorflow backend ready
 * (`src/backends/setup.ts`): its flags, help and lines. It tries, in order:
 *  (a) an existing build that loads (in tfjs-node's package, or cached);
 *  (b) a TensorFlow the user points to with `--tensorflow DIR`;
 *  (c) the pinned TensorFlow wheel from pip, checked against its SHA-256;
 *  (d) tfjs-node's stock download, for users who can reach Google's storage.
 *
 * With `--gpu`, route (c) also fetches the CUDA 12 and cuDNN 9 wheels of the
 * pinned TensorFlow's `and-cuda` extra and unpacks them where libtensorflow
 * opens them; every route then checks that all the GPU build's libraries
 * resolve before it says the backend is ready.
 *
 * @module
 */
import { setUpLibtensorflow } from "../backends/setup.ts";
import { cacheDirFromEnv, parseFlags, printHelp, runCli } from "./_cli.ts";

const HELP = `Usage: deno task setup [options]

Makes the native TensorFlow backend (tfjs-node) ready: finds or builds its
addon against libtensorflow 2.21 from TensorFlow's pip wheel.

Options:
  --gpu              set up tfjs-node-gpu (CUDA) instead of tfjs-node (CPU): the
                     tensorflow==2.21.0 wheel and the 12 CUDA 12 / cuDNN 9 wheels
                     of its and-cuda extra (3.4 GB of downloads, 5.7 GB unpacked),
                     pinned by SHA-256; needs only the NVIDIA driver to use a GPU
  --tensorflow DIR   build against this TensorFlow (e.g. .../site-packages/tensorflow,
                     or an unpacked libtensorflow archive with lib/ and include/)
  --force            rebuild even if a working build is found
  --offline          never try tfjs-node's stock download from Google's storage
  --cache-dir DIR    where wheels and builds are kept
                     (default: $XDG_CACHE_HOME/fmnist-bench or ~/.cache/fmnist-bench)
  --python CMD       Python that runs pip (default: $PYTHON or python3)
  --cxx CMD          C++ compiler (default: $CXX or c++)
  -h, --help         show this help
`;

async function main(): Promise<number> {
  const { values } = parseFlags("setup", {
    args: Deno.args,
    options: {
      gpu: { type: "boolean", default: false },
      tensorflow: { type: "string" },
      force: { type: "boolean", default: false },
      offline: { type: "boolean", default: false },
      "cache-dir": { type: "string" },
      python: { type: "string" },
      cxx: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return printHelp(HELP);
  await setUpLibtensorflow({
    gpu: values.gpu ?? false,
    tensorflow: values.tensorflow,
    force: values.force ?? false,
    offline: values.offline ?? false,
    cacheDir: values["cache-dir"] ?? cacheDirFromEnv(),
    python: values.python ?? Deno.env.get("PYTHON") ?? "python3",
    cxx: values.cxx ?? Deno.env.get("CXX") ?? "c++",
    log: (line) => console.log(`setup: ${line}`),
  });
  return 0;
}

if (import.meta.main) await runCli(main);
