/**
 * The history store's false-alarm rate: runs the same `train-all` (one
 * commit, one machine, one setup) `runs` times, one after another, into a
 * fresh store in a temporary folder, then counts how many of the points that
 * have a baseline are marked slower or faster, and after how many runs
 * `history --fail-on-regression PCT` would have failed. On an idle machine
 * every mark is a false alarm.
 *
 *   deno run -A tools/probes/false_alarms.ts [runs] [models] [epochs] [pct]
 *   deno run -A tools/probes/false_alarms.ts 12 all 2 10   # BENCHMARKS.md's figure
 *
 * Each run is `src/cli/train_all.ts --fixtures` (the fixture split), so the
 * whole probe takes about runs × the quick variant's time. Keep the machine
 * idle while it runs. A developer probe: the figures it gave are in
 * BENCHMARKS.md, with their commands.
 *
 * @module
 */
import { join } from "node:path";
import { withTempDir } from "../../src/_util/testing.ts";
import { markSeries, regressions } from "../../src/store/regression.ts";
import { openStore } from "../../src/store/store.ts";
import { probeArgs } from "./_probe.ts";

const [runs, models, epochs, pct] = probeArgs(
  "deno run -A tools/probes/false_alarms.ts [runs] [models] [epochs] [pct]",
  [12, "all", 2, 10] as const,
);
const TRAIN_ALL = new URL("../../src/cli/train_all.ts", import.meta.url).pathname;
const SPEED_FIGURES = ["epoch_seconds", "batch1_ms", "batched_img_s"];

await withTempDir(async (dir) => {
  const store = join(dir, "history.sqlite");
  const failedAfter: number[] = [];
  for (let i = 1; i <= runs; i++) {
    const t0 = performance.now();
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        TRAIN_ALL,
        "--fixtures",
        "--epochs",
        String(epochs),
        "--models",
        models,
        "--out",
        join(dir, `run-${i}`),
      ],
      env: { FMNIST_BENCH_STORE: store },
      stdout: "null",
      stderr: "piped",
    }).output();
    if (out.code !== 0) {
      throw new Error(`run ${i} failed: ${new TextDecoder().decode(out.stderr).slice(-2000)}`);
    }
    const s = openStore(store);
    const marked = markSeries(s.series().filter((p) => SPEED_FIGURES.includes(p.figure)));
    s.close();
    const failed = regressions(marked, pct).length > 0;
    if (failed) failedAfter.push(i);
    console.error(
      `run ${i}/${runs}: ${((performance.now() - t0) / 1000).toFixed(0)} s` +
        (failed ? `, --fail-on-regression ${pct} would fail` : ""),
    );
  }
  const s = openStore(store);
  const marked = markSeries(s.series().filter((p) => SPEED_FIGURES.includes(p.figure)));
  s.close();
  console.log(
    "| figure | points with a baseline | of them with no interval (never marked) | marked slower | marked faster |",
  );
  console.log("| --- | ---: | ---: | ---: | ---: |");
  let total = 0;
  let alarms = 0;
  for (const figure of SPEED_FIGURES) {
    const points = marked.filter((p) => p.figure === figure && p.baseline !== null);
    const noInterval = points.filter((p) => p.low === null).length;
    const slower = points.filter((p) => p.mark === "slower").length;
    const faster = points.filter((p) => p.mark === "faster").length;
    total += points.length - noInterval;
    alarms += slower + faster;
    console.log(`| ${figure} | ${points.length} | ${noInterval} | ${slower} | ${faster} |`);
  }
  console.log(
    `\n${alarms} marks in ${total} points that could be marked (${
      (100 * alarms / Math.max(1, total)).toFixed(1)
    }%); ` +
      `--fail-on-regression ${pct} would have failed after ${failedAfter.length} of ${runs} runs` +
      (failedAfter.length > 0 ? ` (runs ${failedAfter.join(", ")})` : ""),
  );
});
