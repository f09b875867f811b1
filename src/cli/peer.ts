/**
 * `deno task peer`: its flags, help and what it prints; the session is
 * `src/drivers/peer.ts`. TF.js in Deno against Keras 3 on the same TensorFlow
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
import { exists } from "../_util/fs.ts";
import { kerasVenvDir } from "../peer/keras.ts";
import { type PeerRequest, runPeer } from "../drivers/peer.ts";
import { COMPARED_ENGINES, getEngineSpec } from "../engines/registry.ts";
import {
  applyOneDnnChoice,
  cacheDirFromEnv,
  oneDnnVariableFromEnv,
  parseFlags,
  parsePositiveInt,
  printHelp,
  runCli,
  runDataOptions,
  timestampedOutDir,
  UsageError,
} from "./_cli.ts";
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
import { setupFirst } from "./_setup_first.ts";
import { chooseStore, runRecorder } from "./_store.ts";
import { filesHelp } from "../results/output_files.ts";

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

${filesHelp("peer")}
`;

async function main(): Promise<number> {
  const request = await parsePeerFlags(Deno.args);
  if (!request) return printHelp(HELP);
  // The train-all children record into the store this picks (FMNIST_BENCH_STORE); Keras's here.
  const recorder = runRecorder("peer", chooseStore());
  await setupFirst();
  // Both sides inherit the variable, so TF.js and Keras run with the same oneDNN setting.
  if (request.run.oneDnn) applyOneDnnChoice(request.run.oneDnn);
  const outcome = await runPeer(request, {
    dataOptions: runDataOptions(),
    oneDnnVariable: oneDnnVariableFromEnv(),
    log: (line) => console.error(`peer: ${line}`),
    onChildLine: (label, line) => console.error(`  [${label}] ${line}`),
    record: recorder?.record,
    onRecordError: recorder?.onRecordError,
  }).finally(() => recorder?.close());
  if (outcome.htmlError) console.error(`peer: no peer.html (${outcome.htmlError})`);
  const { markdown } = outcome;
  console.log(markdown.slice(markdown.indexOf("## Summary")));
  console.log(outcome.files.map((f) => `peer: ${f}`).join("\n"));
  return 0;
}

/** The flags, checked; `undefined` for `--help` (answered after the checks). */
async function parsePeerFlags(args: string[]): Promise<PeerRequest | undefined> {
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
    command: `deno task peer ${args.join(" ")}`.trim(),
  };
}

if (import.meta.main) await runCli(main);
