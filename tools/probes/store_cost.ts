/**
 * What recording a run in the history store costs the run: the results
 * writer calls the store after each write (outside every timed region), so
 * this times `HistoryStore.record` on a real results file, in a fresh store
 * in a temporary folder, the way a run grows: each model's epochs added one
 * at a time, then its test and inference (its intervals bootstrapped anew
 * each call), and the same file recorded again (nothing changed). Prints the median and
 * range of each kind of call, in milliseconds.
 *
 *   deno run -A tools/probes/store_cost.ts [results.json] [repeats]
 *   deno run -A tools/probes/store_cost.ts fixtures/results/h100-webgpu/results.json 20
 *
 * A developer probe: the figures it gave are in BENCHMARKS.md, with their commands.
 *
 * @module
 */
import { join } from "node:path";
import { validateResults } from "../../src/results/schema.ts";
import type { ResultsFile } from "../../src/results/schema.ts";
import { openStore } from "../../src/store/store.ts";
import { percentile } from "../../src/_util/stats.ts";
import { probeArgs } from "./_probe.ts";

const [file, repeats] = probeArgs(
  "deno run -A tools/probes/store_cost.ts [results.json] [repeats]",
  ["fixtures/results/h100-webgpu/results.json", 20] as const,
);
const full = validateResults(JSON.parse(await Deno.readTextFile(file)), file);

/**
 * The file as the writer has it after `epochs` epochs of model `model`, the
 * earlier models complete; `epochs` past the last: that model complete too.
 */
function grown(base: ResultsFile, createdAt: string, model: number, epochs: number): ResultsFile {
  const runs = base.runs.slice(0, model + 1).map((r, i) =>
    i < model || epochs > r.epochs.length
      ? r
      : { ...r, epochs: r.epochs.slice(0, epochs), test: null, inference: null }
  );
  return { ...base, createdAt, status: "partial", runs };
}

const dir = await Deno.makeTempDir({ prefix: "store_cost_" });
const store = openStore(join(dir, "history.sqlite"));
const growing: number[] = [];
const unchanged: number[] = [];
try {
  for (let r = 0; r < repeats; r++) {
    const createdAt = new Date(Date.UTC(2026, 0, 1, 0, 0, r)).toISOString();
    for (let m = 0; m < full.runs.length; m++) {
      for (let e = 1; e <= full.runs[m].epochs.length + 1; e++) {
        const t0 = performance.now();
        store.record(grown(full, createdAt, m, e));
        growing.push(performance.now() - t0);
      }
    }
    const done = { ...full, createdAt };
    store.record(done);
    const t0 = performance.now();
    store.record(done);
    unchanged.push(performance.now() - t0);
  }
} finally {
  store.close();
  await Deno.remove(dir, { recursive: true });
}

const line = (what: string, ms: number[]) =>
  `${what}: median ${percentile(ms, 50).toFixed(2)} ms (${Math.min(...ms).toFixed(2)}–${
    Math.max(...ms).toFixed(2)
  } ms), ${ms.length} calls`;
console.log(`${file}: ${full.runs.length} models, ${repeats} runs recorded`);
console.log(line("a write that grew the run", growing));
console.log(line("the same file again", unchanged));
