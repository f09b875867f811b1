/**
 * `deno task peer`: TF.js in Deno against Keras 3 on the same TensorFlow
 * (2.21), same machine, same run. For each model the TF.js engines (by
 * default `tfjs`, stock TF.js, and `native`, this suite's TensorFlow-ops
 * engine) and Keras alternate (tfjs, native, Keras, then Keras, native,
 * tfjs, …), each run in its own process, on the same images, split,
 * per-epoch order, batch size, learning rate, seed and thread settings. Writes `peer.json`, `peer.md`, and every run's own
 * `results.json` (which `deno task merge` can merge).
 *
 * @module
 */
import { join, resolve } from "node:path";
import { exists, writeFileAtomic, writeJsonAtomic } from "../_util/fs.ts";
import { type KerasProbe, kerasVenvDir, measureCeiling, probeKeras } from "../peer/keras.ts";
import { runKerasSide } from "../peer/keras_side.ts";
import { renderPeer } from "../peer/markdown.ts";
import { renderPeerHtml } from "../peer/html.ts";
import { loadChartScripts } from "../report/html_assets.ts";
import { summarizePeer } from "../peer/summary.ts";
import type { PeerRun } from "../peer/side_summary.ts";
import { collectEnvironment, type Environment } from "../measure/environment.ts";
import type { ResultsFile } from "../results/schema.ts";
import { COMPARED_ENGINES, type EngineSpec, getEngineSpec } from "../engines/registry.ts";
import { readResults } from "../train/experiment.ts";
import type { RunDescription } from "../train/run_description.ts";
import {
  applyOneDnnChoice,
  cacheDirFromEnv,
  oneDnnVariableFromEnv,
  parseFlags,
  parsePositiveInt,
  runCli,
  runDataOptions,
  timestampedOutDir,
  UsageError,
} from "./_cli.ts";
import { runTrainAllChild, trainAllArgs } from "../train/launcher.ts";
import { loadRunData, type RunData } from "../train/run_data.ts";
import {
  checkEngineBackend,
  engineHelp,
  oneDnnHelp,
  parseRunFlags,
  resolveRun,
  RUN_FLAGS,
  runFlagsHelp,
  type TaskDefaults,
} from "./_run_options.ts";

/** peer's own defaults: model1, three epochs. */
const DEFAULTS: TaskDefaults = { models: ["model1"], epochs: 3 };

const HELP = `Usage: deno task peer [options]

Trains the same models with TF.js (the tensorflow backend, each engine of
--engines) and with Keras 3 on TensorFlow 2.21, alternating the runs (tfjs,
native, Keras; then Keras, native, tfjs; ...), and compares epoch time, images/s,
batch-1 latency, batched throughput, test accuracy and efficiency (FLOP/s over
the machine's measured fp32 ceiling). Needs the Keras environment:
deno task setup-keras.

Options:
${runFlagsHelp(DEFAULTS)}
  --repeats N           runs of each side per model, alternating; repeat r trains with
                        seed + r − 1 on both sides (default 2)
  --threads N           pin TensorFlow's intra-op and inter-op pools to N on both sides
                        (default: TensorFlow's own choice on both)
${engineHelp("list", COMPARED_ENGINES)}
${oneDnnHelp("both sides")}
  --venv DIR            the Keras environment (default: the one setup-keras makes,
                        under ~/.cache/fmnist-bench/)
  --out DIR             (default results/peer-<timestamp>)
  -h, --help            show this help
`;

/** What a peer comparison is, checked before anything runs. */
interface PeerPlan {
  run: RunDescription;
  engines: EngineSpec[];
  repeats: number;
  threadCount?: number;
  threads: { intraOp: number | "default"; interOp: number | "default" };
  venv: string;
  outDir: string;
}

async function main(): Promise<number> {
  const plan = await parsePeerFlags(Deno.args);
  if (!plan) {
    console.log(HELP);
    return 0;
  }
  // Both sides inherit the variable, so TF.js and Keras run with the same oneDNN setting.
  if (plan.run.oneDnn) applyOneDnnChoice(plan.run.oneDnn);
  const keras = await probeKeras(plan.venv);
  if (!keras.available) throw new Error(`the Keras peer is not available: ${keras.reason}`);
  const data = await loadRunData(plan.run, runDataOptions());
  const env = await kerasEnvironment(plan, keras);
  announce(plan, keras, data);
  const ceiling = await measureCeiling(keras.python, plan.threads, join(plan.outDir, "work"));
  console.error(
    `peer: fp32 ceiling (a large 3×3 conv in TensorFlow): ${ceiling.toFixed(1)} GFLOP/s`,
  );
  const runs = await alternate(plan, keras, data, env);
  await writePeer(plan, summarizePeer(runs, { ceilingGflops: ceiling }), runs);
  return 0;
}

/** The flags, checked; `undefined` for `--help` (answered after the checks). */
async function parsePeerFlags(args: string[]): Promise<PeerPlan | undefined> {
  const { values } = parseFlags("peer", {
    args,
    options: {
      ...RUN_FLAGS,
      repeats: { type: "string" },
      threads: { type: "string" },
      venv: { type: "string" },
      engines: { type: "string" },
    },
  });
  const flags = parseRunFlags("peer", values, "list");
  const run = resolveRun(flags, { defaults: DEFAULTS, backend: "tensorflow" });
  const int = (flag: string, v: string | undefined) =>
    v === undefined ? undefined : parsePositiveInt(flag, v);
  const repeats = int("--repeats", values.repeats) ?? 2;
  const threadCount = int("--threads", values.threads);
  const engines = flags.engines?.list ?? COMPARED_ENGINES.map(getEngineSpec);
  for (const e of engines) checkEngineBackend(e, "tensorflow", flags.engines?.flag ?? "--engines");
  if (values.help) return undefined;
  const outDir = resolve(flags.out ?? timestampedOutDir("peer-"));
  if (await exists(join(outDir, "peer.json"))) {
    throw new UsageError(
      `--out ${outDir}: it already holds a peer comparison; pick another folder`,
    );
  }
  return {
    run,
    engines,
    repeats,
    threadCount,
    threads: { intraOp: threadCount ?? "default", interOp: threadCount ?? "default" },
    venv: values.venv ? resolve(values.venv) : kerasVenvDir(cacheDirFromEnv()),
    outDir,
  };
}

/** The environment the Keras side records. */
function kerasEnvironment(
  plan: PeerPlan,
  keras: Extract<KerasProbe, { available: true }>,
): Promise<Environment> {
  return collectEnvironment({
    tfjsVersion: "none (Keras peer)",
    tensorflowVersion: keras.tensorflow,
    backend: "keras",
    device: `Keras ${keras.keras} on TensorFlow ${keras.tensorflow} (CPU)`,
    deviceInfo: { kind: "cpu" },
    machine: plan.run.machine,
    threads: plan.threads,
    oneDnnVariable: oneDnnVariableFromEnv(),
  });
}

function announce(
  plan: PeerPlan,
  keras: Extract<KerasProbe, { available: true }>,
  data: RunData,
): void {
  const { run, repeats } = plan;
  console.error(
    `peer: ${run.models.join(", ")}: TF.js (tensorflow backend; engines ${
      plan.engines.map((e) => e.name).join(", ")
    }) vs Keras ${keras.keras} on TensorFlow ${keras.tensorflow}, ` +
      `${repeats} alternating run${repeats === 1 ? "" : "s"} of each side, ${run.epochs} epochs, ` +
      `${data.train.count} train / ${data.validation.count} validation / ${data.test.count} test images`,
  );
}

/**
 * Runs each model's turns: every engine and Keras take turns, and every
 * other repeat runs the turns backwards (tfjs, native, Keras; Keras, native, tfjs; …).
 */
async function alternate(
  plan: PeerPlan,
  keras: Extract<KerasProbe, { available: true }>,
  data: RunData,
  env: Environment,
): Promise<PeerRun[]> {
  const runs: PeerRun[] = [];
  for (const model of plan.run.models) {
    // What both sides run: the same model, data, sizes, seed and measurements.
    // oneDNN: each child inherits this process's variable.
    const run: RunDescription = {
      ...plan.run,
      models: [model],
      dataSource: data.source,
      trainSize: data.train.count,
      validationSize: data.validation.count,
      testSize: data.test.count,
      oneDnn: undefined,
    };
    for (let rep = 1; rep <= plan.repeats; rep++) {
      // Each repeat on its own seed, as MLPerf's time to accuracy is measured over seeds.
      const seeded: RunDescription = { ...run, seed: run.seed + rep - 1 };
      const turns: (EngineSpec | "keras")[] = [...plan.engines, "keras"];
      if (rep % 2 === 0) turns.reverse();
      for (const turn of turns) {
        const name = turn === "keras" ? "keras" : turn.name;
        const dir = join(plan.outDir, "runs", model, `${name}-${rep}`);
        console.error(`peer: ${model} ${name} run ${rep} of ${plan.repeats}`);
        const results = turn === "keras"
          ? await runKerasSide({
            run: seeded,
            data,
            python: keras.python,
            kerasBackend: "tensorflow",
            backendName: "keras",
            threads: plan.threads,
            env,
            dir,
          })
          : await runTfjs(dir, name, { ...seeded, engine: turn.name }, plan.threadCount);
        runs.push({ model, side: turn === "keras" ? "keras" : "tfjs", repeat: rep, results });
      }
    }
  }
  return runs;
}

/** Writes peer.json, peer.md and peer.html, and prints the summary. */
async function writePeer(
  plan: PeerPlan,
  summary: ReturnType<typeof summarizePeer>,
  runs: readonly PeerRun[],
) {
  const { outDir } = plan;
  const command = `deno task peer ${Deno.args.join(" ")}`.trim();
  await writeJsonAtomic(join(outDir, "peer.json"), { ...summary, command });
  const markdown = renderPeer(summary, { command });
  await writeFileAtomic(join(outDir, "peer.md"), markdown);
  let html = join(outDir, "peer.html");
  try {
    await writeFileAtomic(
      html,
      renderPeerHtml(summary, runs, await loadChartScripts(), { command }),
    );
  } catch (err) {
    console.error(`peer: no peer.html (${(err as Error).message.split("\n")[0]})`);
    html = "";
  }
  await Deno.remove(join(outDir, "work"), { recursive: true }).catch(() => {});
  console.log(markdown.slice(markdown.indexOf("## Summary")));
  console.log(
    `peer: ${join(outDir, "peer.md")}\npeer: ${join(outDir, "peer.json")}` +
      (html ? `\npeer: ${html}` : ""),
  );
}

/** Runs `train_all.ts` in a child process and reads its results. */
async function runTfjs(
  dir: string,
  engine: string,
  run: RunDescription,
  threads: number | undefined,
): Promise<ResultsFile> {
  const out = await runTrainAllChild(trainAllArgs(run, { out: dir }), {
    env: threads
      ? { TF_NUM_INTRAOP_THREADS: String(threads), TF_NUM_INTEROP_THREADS: String(threads) }
      : {},
    onLine: (line) => {
      if (/^\s+epoch \d+\//.test(line)) console.error(`  [tfjs ${engine}] ${line.trim()}`);
    },
  });
  const results = await readResults(dir);
  if (out.code !== 0 || !results || results.status !== "complete") {
    throw new Error(`the TF.js run in ${dir} failed (exit ${out.code}): ${out.lastError}`);
  }
  return results;
}

if (import.meta.main) await runCli(main);
