/**
 * `deno task doctor [--json]`: what this machine offers the suite — versions,
 * CPU, GPU, each backend's status with its reason, and the dataset.
 * Exits 0 when at least the native CPU backend works.
 *
 * @module
 */
import { version_core } from "@tensorflow/tfjs";
import { BACKENDS, deepProbe } from "../backends/registry.ts";
import { addonPath, TFJS_NODE_GPU, tfjsNodePackageDir } from "../backends/libtensorflow.ts";
import { checkCudaLibraries, type CudaCheck, describeCudaCheck } from "../backends/cuda_check.ts";
import { exists } from "../_util/fs.ts";
import type { ProbeResult } from "../backends/types.ts";
import {
  collectEnvironment,
  describeCpu,
  describeOneDnn,
  type Environment,
} from "../measure/environment.ts";
import { loadFashionMnist } from "../data/load.ts";
import {
  cacheDirFromEnv,
  oneDnnVariableFromEnv,
  parseFlags,
  printHelp,
  runCli,
  threadsFromEnv,
} from "./_cli.ts";

const HELP = `Usage: deno task doctor [--json]

Prints the versions of Deno, TensorFlow.js and libtensorflow, the CPU (with
the vector extensions that decide TensorFlow's kernels), whether libtensorflow
runs oneDNN's kernels and why (this CPU's default or TF_ENABLE_ONEDNN_OPTS), the GPU,
the CUDA runtime and cuDNN versions that tensorflow-gpu's build finds (and whether
every library it needs resolves, and whether an NVIDIA driver is present),
whether each backend can run here (each is loaded in a child process), and
whether the Fashion-MNIST files are present and intact (no download is tried).
Exits 0 when at least the native CPU backend (tensorflow) works.

Options:
  --json      one JSON object instead of text
  -h, --help  show this help
`;

/** What doctor reports. */
interface DoctorReport {
  ok: boolean;
  environment: Environment;
  backends: ProbeResult[];
  /** The GPU build's CUDA libraries, or why they were not checked. */
  cuda: CudaCheck | { checked: false; reason: string };
  /** Where each dataset file was found, or why it was not (no download is tried). */
  data: { found: true; description: string; train: number; test: number } | {
    found: false;
    reason: string;
  };
}

async function main(): Promise<number> {
  const { values } = parseFlags("doctor", {
    args: Deno.args,
    options: {
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return printHelp(HELP);
  const backends: ProbeResult[] = [];
  for (const spec of BACKENDS) backends.push(await deepProbe(spec.name));
  const native = backends.find((b) => b.name === "tensorflow");
  const environment = await collectEnvironment({
    tfjsVersion: version_core,
    tensorflowVersion: native?.device?.tensorflowVersion ?? null,
    threads: threadsFromEnv(),
    oneDnnVariable: oneDnnVariableFromEnv(),
  });
  const data: DoctorReport["data"] = await loadFashionMnist({
    cacheDir: cacheDirFromEnv(),
    baseUrls: false,
  })
    .then((d) => ({
      found: true as const,
      description: d.description,
      train: d.train.count,
      test: d.test.count,
    }))
    .catch((err: Error) => ({ found: false as const, reason: err.message }));
  const cuda = await cudaReport();
  const report: DoctorReport = { ok: !!native?.available, environment, backends, cuda, data };
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else printReport(report);
  return report.ok ? 0 : 1;
}

/** Checks the CUDA libraries of tensorflow-gpu's build, when there is one. */
async function cudaReport(): Promise<DoctorReport["cuda"]> {
  const dir = tfjsNodePackageDir(TFJS_NODE_GPU);
  if (dir === undefined || !(await exists(addonPath(dir)))) {
    return { checked: false, reason: "tensorflow-gpu is not set up (run `deno task setup --gpu`)" };
  }
  try {
    return await checkCudaLibraries(addonPath(dir));
  } catch (err) {
    return { checked: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

function printReport({ ok, environment: env, backends, cuda, data }: DoctorReport): void {
  const [intra, inter] = [env.threads.intraOp, env.threads.interOp]
    .map((n) => n === "default" ? `default (${env.cpu.cores})` : String(n));
  const gpu = env.gpu ? `${env.gpu.name} (driver ${env.gpu.driver})` : `none (${env.gpuReason})`;
  const lines = [
    "fmnist-bench doctor",
    `  Deno        ${env.deno} (V8 ${env.v8}, TypeScript ${env.typescript})`,
    `  TF.js       ${env.tfjs}`,
    `  libTF       ${env.tensorflow ?? "not loaded (run `deno task setup`)"}`,
    `  OS          ${env.os}, ${(env.memoryBytes / 2 ** 30).toFixed(1)} GiB memory`,
    `  CPU         ${describeCpu(env)}`,
    `  oneDNN      ${describeOneDnn(env)}`,
    `  TF threads  intra-op ${intra}, inter-op ${inter}`,
    `  GPU         ${gpu}`,
    `  CUDA        ${
      "nvidiaDir" in cuda ? `tensorflow-gpu's build: ${describeCudaCheck(cuda)}` : cuda.reason
    }`,
    `  git         ${env.gitCommit ?? "not a git checkout"}`,
    "",
    "Backends:",
    ...backends.map((b) =>
      `  ${b.name.padEnd(15)} ${(b.available ? "available" : "unavailable").padEnd(12)} ${b.reason}`
    ),
    "",
    "Fashion-MNIST:",
    data.found
      ? `  found, checksums verified: ${data.train} train / ${data.test} test images (${data.description})`
      : `  not found: ${data.reason}`,
    "",
    ok
      ? "OK: the native CPU backend works."
      : "NOT OK: the native CPU backend (tensorflow) does not work; run `deno task setup`.",
  ];
  console.log(lines.join("\n"));
}

if (import.meta.main) await runCli(main);
