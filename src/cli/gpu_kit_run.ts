/**
 * The GPU kit's program (`run.sh` starts it from the kit's bundle): its
 * flags, its help and what it prints; the run itself is `src/kit/run.ts`.
 * Its first argument `train-all` runs the bundle's own train-all instead,
 * for the kit's TF.js sides, which start it in a child process.
 *
 * Run from the repository (`deno run -A src/cli/gpu_kit_run.ts`) it does the
 * same with the repository's files, for development and tests.
 *
 * @module
 */
import { KERAS_PINS } from "../peer/keras.ts";
import { RUN_DEFAULTS } from "../train/run_description.ts";
import { DRY_RUN_SIZES, KIT_DEFAULT_BUDGET, KIT_EPOCHS } from "../kit/kit_plan.ts";
import { isKitBundle } from "../kit/place.ts";
import { KIT_VULKAN_ENV } from "../kit/vulkan_script.ts";
import { describeKitPlan, kitRun } from "../kit/run.ts";
import { printHelp, runCli, runDataOptions, timestampedOutDir } from "./_cli.ts";
import { interruptible } from "./_interrupt.ts";
import { parseKitFlags } from "./_kit_flags.ts";
import { trainAllMain } from "./train_all.ts";
import { filesHelp } from "../results/output_files.ts";

const HELP = `Usage: ./run.sh [options]

Measures each model on this machine's GPU and on its CPU, without network,
one framework at a time: stock TF.js on webgpu, then on wasm (TF.js's
WebAssembly CPU backend, training on one thread), then Keras ${
  KERAS_PINS.keras.split("==")[1]
} on JAX (else PyTorch) on the GPU, then on the CPU. Every side
uses the kit's data (a stratified subset of Fashion-MNIST: 30,000 training
images, of which 5,000 are held out for validation, and the 10,000 test
images), ${KIT_EPOCHS} epochs, batch size ${RUN_DEFAULTS.batchSize}, seed ${RUN_DEFAULTS.seed}. The training size
of each model is planned to fit --budget, model1 first, one size for both
sides of a framework's pair (wasm's slow training shrinks the TF.js pair),
and the plan is printed before anything runs. Writes results.json files in
the suite's schema for \`deno task merge\`.

Options:
  --budget TIME         the whole run's time, e.g. 480s, 8m, 1h (default ${KIT_DEFAULT_BUDGET})
  --plan                print the plan for the budget and stop
  --machine NAME        name recorded for this machine (default: the hostname)
  --keras-backend NAME  auto, jax or torch (default auto: JAX, else PyTorch,
                        whichever imports and sees a GPU); tensorflow with --dry-run
  --python CMD          the Python 3.12 that runs Keras (default python3)
  --models LIST         comma-separated, or all (default all)
  --epochs N            (default ${KIT_EPOCHS}, at least 2; 1 with --dry-run)
  --only PART           tfjs or keras: run one framework's pair only
  --dry-run             tiny sizes (${DRY_RUN_SIZES.trainSize} training images, 1 epoch) on whatever
                        is here: a software WebGPU adapter, Keras on a CPU
  --backend NAME        webgpu (default), or cpu (pure JS) with --dry-run
  --out DIR             (default results/<machine>-<timestamp> in the kit)
  --data-dir DIR        the data (default: the kit's work/data; from the
                        repository, the fixture split)
  -h, --help            show this help

${filesHelp("run.sh")}
`;

/**
 * Runs the kit's command line: `train-all ARGS` (the bundle's own train-all,
 * for its child process) or the kit's run.
 *
 * @param self The program's own path: the kit's bundle, or this file in the repository.
 */
export async function runKitCli(self: string): Promise<never> {
  return await runCli(() =>
    Deno.args[0] === "train-all" ? trainAllMain(Deno.args.slice(1)) : main(self, Deno.args)
  );
}

const log = (line: string) => console.error(`gpu-kit: ${line}`);

async function main(self: string, args: string[]): Promise<number> {
  const flags = parseKitFlags(args);
  if (flags.help) return printHelp(HELP);
  if (flags.planOnly) {
    for (const line of describeKitPlan(flags)) console.log(line);
    return 0;
  }
  // Ctrl-C stops the side in flight after its epoch (train-all) or its model (Keras), keeps what
  // was measured, and starts nothing more.
  const stop = interruptible(
    "gpu-kit",
    "stopping: the side in flight ends after its epoch; Ctrl-C again to quit now",
  );
  let outcome;
  try {
    outcome = await kitRun(flags, {
      self,
      // The bundle starts its own train-all; the repository, src/cli/train_all.ts.
      trainAllEntry: isKitBundle(self)
        ? ["run", "-A", "--no-config", "--no-lock", "--quiet", self, "train-all"]
        : undefined,
      dataOptions: runDataOptions(),
      defaultOut: (machine) => timestampedOutDir(`${machine}-`),
      signal: stop.signal,
      log,
      onChildLine: (line) => console.error(line),
      // run.sh's line on the Vulkan loader and driver it picked for WebGPU.
      vulkan: Deno.env.get(KIT_VULKAN_ENV) || undefined,
    });
  } finally {
    stop.dispose();
  }
  const { written, outDir } = outcome;
  if (written.length > 0) {
    console.log(`\ngpu-kit: results:\n${written.map((w) => `  ${w}`).join("\n")}`);
    console.log(
      `gpu-kit: bring ${outDir} back (e.g. into results/) and merge it with the CPU results:\n` +
        `  deno task merge ${outDir} <CPU results.json or folder> --out results/merged`,
    );
  }
  if (outcome.stopped) {
    console.error("gpu-kit: stopped by Ctrl-C; what was measured is kept above");
    return 130;
  }
  if (outcome.failures.length > 0) throw new Error(outcome.failures.join("; "));
  if (written.length === 0) throw new Error("nothing was measured: see the lines above");
  return 0;
}

if (import.meta.main) await runKitCli(new URL(import.meta.url).pathname);
