/**
 * The GPU kit's `README.md`: what the kit does, how to run it on the GPU
 * machine, and how to bring the results back and merge them.
 *
 * @module
 */
import type { KitManifest } from "./manifest.ts";
import { formatBytes, KIT_SIZE_LIMIT } from "./size.ts";
import { NVIDIA_ICD } from "./vulkan_script.ts";

/** The text of the kit's `README.md`. */
export function kitReadme(m: KitManifest): string {
  return kitIntro(m) + RUN_SECTION + vulkanSection(m) + BRING_BACK_SECTION + contentsSection(m);
}

/** The title, and what the kit measures on which data. */
function kitIntro(m: KitManifest): string {
  return `# fmnist-bench GPU kit

Built ${m.createdAt} from commit ${m.gitCommit ?? "(unknown)"}.

It measures model1, model2 and model3 on this machine's GPU and on its own CPU, within one
framework, with no network and nothing to install. Each model runs on four sides in turn:

1. stock TF.js (engine \`tfjs\`) on the \`webgpu\` backend, through Deno's \`navigator.gpu\`;
2. stock TF.js on \`wasm\`, TF.js's WebAssembly CPU backend (libtensorflow cannot travel in the
   kit), training with the suite's \`Conv2DBackpropFilter\` kernel on one thread;
3. Keras 3 on JAX (else PyTorch), whichever imports and sees a GPU;
4. the same Keras kept to the CPU (\`JAX_PLATFORMS=cpu\`, or \`CUDA_VISIBLE_DEVICES=\` for PyTorch),

on the same data (the kit's \`data/\`, recorded as \`${m.data}\`: a class-stratified subset of
Fashion-MNIST picked from the official files, with ${
    (m.subset.counts.train - 5000).toLocaleString("en-US")
  } training images after 5,000 are held out
for validation, so that a GPU epoch is ${
    Math.ceil((m.subset.counts.train - 5000) / 128)
  } batches of 128 rather than a few), batch size, epochs and
seed, each timed as the suite times it: training seconds per epoch (the first epoch left out of the
median), test accuracy, batch-1 p50, batched throughput at batch 1,024 and at 128, cold start (the
first epoch's extra seconds, the first prediction) apart, and on the GPU sides \`nvidia-smi\`'s
power (energy per epoch, images per joule), memory, utilisation and SM clock over each epoch. The data's files are \`xz\`
compressed; \`run.sh\` checks each one's SHA-256 before and after unpacking it into \`work/data/\`,
and the results record the subset (data source kind \`subset\`, with its checksums and the official
files' it was picked from). It needs Python 3.12 with numpy, h5py, absl-py, rich, ml-dtypes and JAX or PyTorch; the
wheels of Keras and the few packages it needs beside them are in \`wheels/\`, unpacked into
\`work/pylib\` when that Python has no Keras ${
    m.wheels[0]?.file.split("-")[1] ?? ""
  } (a package it has already is kept; \`--python\` names another Python).

`;
}

/** How to run the kit. */
const RUN_SECTION = `## Run

\`\`\`sh
./run.sh                      # the measurement, in 8 minutes; refuses a machine without a GPU
./run.sh --machine h100       # the name recorded for this machine (default: the hostname)
./run.sh --budget 20m         # plan to another budget
./run.sh --plan               # print the plan and stop
./run.sh --keras-backend torch
./run.sh --dry-run            # the same steps with 4 images and 1 epoch, on whatever is here
./run.sh --help
\`\`\`

The training size of each model is planned to fit the budget (default 8 minutes), model1 first on
as much of the data as fits, and printed before anything runs. Both sides of a framework's pair
train the same images, so that they compare: \`wasm\` trains tens of images per second, so the TF.js
pair gets fewer images than the Keras pair, and the plan says which size each pair got and why.
Each later model is planned again from what the sides measured, and a model or pair that no longer
fits is left out with its reason. Ctrl-C stops after the side in flight and keeps everything
measured.

\`run.sh\` checks the SHA-256 of \`deno.xz\`, decompresses Deno into \`work/\` (with \`xz\`, or
Python's \`lzma\`), checks the binary's SHA-256, and runs the kit's program. It writes
\`results/<machine>-<time>/<side>/<model>/results.json\` (sides \`webgpu\`, \`wasm\`, \`keras-jax\` and
\`keras-jax-cpu\`, or \`keras-torch\` and \`keras-torch-cpu\`) in the suite's results schema, each as its
run ends, and \`plan.json\` beside them (every plan made, each run's seconds, what was left out), and
prints where they are.

`;

/** The Vulkan loader the kit carries, and when \`run.sh\` uses it. */
function vulkanSection(m: KitManifest): string {
  const v = m.vulkan;
  return `WebGPU needs a Vulkan loader (\`libvulkan.so.1\`) and a driver. Where \`ldconfig -p\` finds no
loader on this machine, \`run.sh\` uses the kit's \`${v.file}\` (from Debian's ${v.package}
${v.version}, SHA-256 ${v.sha256}, checked first) by putting its folder on \`LD_LIBRARY_PATH\`.
Where the loader's folders (\`/usr/share/vulkan/icd.d\`, \`/etc/vulkan/icd.d\`, …) hold no driver
manifest and \`VK_DRIVER_FILES\` is not set, it sets \`VK_DRIVER_FILES\` to NVIDIA's
\`${NVIDIA_ICD}\` when that file exists. The program then
prints one line, recorded in \`plan.json\` too:
\`vulkan: loader <path> (system | carried: no system loader); driver: <what the loader uses>\`.

`;
}

/** How to bring the results back and merge them. */
const BRING_BACK_SECTION = `## Bring the results back

Copy the \`results/<machine>-<time>\` folder into the repository and merge it with the CPU results:

\`\`\`sh
deno task merge results/<machine>-<time> <CPU results.json or folder> --out results/merged
\`\`\`

The merged \`compare.md\` has a table of GPU over CPU within one framework on this machine
(\`webgpu\` over \`wasm\`, \`keras-jax\` over \`keras-jax-cpu\`): training images/s, batch-1 p50 and
batched images/s, each ratio with its 95% interval and verdict. The Keras rows are labelled: backend \`keras-jax\` or \`keras-torch\` (\`-cpu\` for the CPU
side), engine \`keras\`, with Keras, the framework, its version and the device in the row's device
and in \`env.keras\`.

`;

/** The kit's files and their sizes, against its limit. */
function contentsSection(m: KitManifest): string {
  // The README and manifest themselves are a few kB: counted at a generous bound.
  const total = Object.values(m.files).reduce((a, b) => a + b, 0) + 16 * 1024;
  const [used, left] = [formatBytes(total), formatBytes(KIT_SIZE_LIMIT - total)];
  const rows = Object.entries(m.files).map(([f, b]) =>
    `| \`${f}\` | ${b.toLocaleString("en-US")} |`
  );
  return `## Contents

The kit holds ${used} of its 64 MiB limit (${left} left), README and manifest included.

| file | bytes |
| ---- | ----: |
${rows.join("\n")}

Deno ${m.deno.version} (SHA-256 ${m.deno.sha256}); npm packages bundled: ${m.packages.join(", ")}.
`;
}
