import assert from "node:assert/strict";
import { join } from "node:path";
import { buildComparison } from "./comparison.ts";
import type { ComparisonRow } from "./row.ts";
import { diffComparisons } from "./diff.ts";
import { renderDiff } from "../report/diff_markdown.ts";
import { validateResults } from "../results/schema.ts";

const FIXTURE = join(
  new URL("../../fixtures/results/", import.meta.url).pathname,
  "epyc-tensorflow-intervals",
  "results.json",
);

async function row(): Promise<ComparisonRow> {
  const results = validateResults(JSON.parse(await Deno.readTextFile(FIXTURE)), FIXTURE);
  return buildComparison({ results: [{ results, source: FIXTURE }] }).rows[0];
}

function slowed(r: ComparisonRow, factor: number): ComparisonRow {
  const s = r.samples!;
  return {
    ...r,
    samples: {
      epochSeconds: s.epochSeconds.map((x) => x * factor),
      batch1Ms: s.batch1Ms!.map((x) => x * factor),
      batchedMs: s.batchedMs!.map((x) => x * factor),
    },
  };
}

Deno.test("diffComparisons: a run against itself is no difference; latency is not judged from one run", async () => {
  const r = await row();
  const d = diffComparisons([r], [r], { failOnRegression: 0.1 });
  assert.equal(d.pairs.length, 1);
  const [p] = d.pairs;
  assert.equal(p.status, "compared");
  assert.deepEqual(p.changes.map((c) => [c.metric, c.ratio, c.verdict]), [
    ["epoch", 1, "no difference"],
    ["batch1", 1, null],
    ["batched", 1, null],
  ]);
  assert.deepEqual(p.changes[0].n, { base: 3, new: 3 });
  assert.equal(d.regressions, 0);
});

Deno.test("diffComparisons: a run 50% slower is slower and a regression past 10%", async () => {
  const r = await row();
  const d = diffComparisons([r], [slowed(r, 1.5)], { failOnRegression: 0.1 });
  const epoch = d.pairs[0].changes[0];
  assert.ok(Math.abs(epoch.ratio - 1.5) < 1e-9);
  assert.ok(epoch.interval.low > 1.1 && epoch.interval.high < 2);
  assert.equal(epoch.verdict, "slower");
  assert.equal(epoch.regression, true);
  assert.equal(d.regressions, 1);
  const md = renderDiff(d);
  assert.match(
    md,
    /\| epyc \| model1 \| `tensorflow` \| `tfjs` \| s\/epoch \| .* \| 1\.50× \[[0-9.]+–[0-9.]+\] \| \*\*slower\*\* \(regression\) \| 3 \/ 3 steady epochs \|/,
  );
  assert.match(md, /1 significant slowdown beyond 10% \(\*\*fails\*\*\)/);
  // Faster the other way round, and no regression.
  const back = diffComparisons([slowed(r, 1.5)], [r], { failOnRegression: 0.1 });
  assert.equal(back.pairs[0].changes[0].verdict, "faster");
  assert.equal(back.regressions, 0);
});

Deno.test("diffComparisons judges latency over repeated runs, each run's median a sample", async () => {
  const r = await row();
  const base = [r, slowed(r, 1.01), slowed(r, 0.99)];
  const next = [slowed(r, 2), slowed(r, 2.02), slowed(r, 1.98)];
  const d = diffComparisons(base, next);
  assert.deepEqual(d.pairs[0].changes.map((c) => [c.metric, c.verdict, c.over]), [
    ["epoch", "slower", "runs (each run's median)"],
    ["batch1", "slower", "runs (each run's median)"],
    ["batched", "slower", "runs (each run's median)"],
  ]);
});

Deno.test("diffComparisons refuses rows set up differently and names what differs", async () => {
  const r = await row();
  const other = {
    ...r,
    setup: { ...r.setup!, batchSize: 64, onednn: "off (TF_ENABLE_ONEDNN_OPTS=0)" },
  };
  const d = diffComparisons([r], [other]);
  assert.equal(d.pairs[0].status, "refused");
  assert.equal(
    d.pairs[0].reason,
    "set up differently: oneDNN (" + r.setup!.onednn + " against off (TF_ENABLE_ONEDNN_OPTS=0)); " +
      "batch size (128 against 64); only the code may differ between base and new",
  );
  const elsewhere = diffComparisons([r], [{ ...r, machine: "laptop", engine: "native" }]);
  assert.equal(
    elsewhere.pairs[0].reason,
    "set up differently: machine (epyc against laptop); engine (tfjs against native); only the code may differ between base and new",
  );
  assert.equal(elsewhere.pairs.length, 1);
  const lonely = diffComparisons([r], [{ ...r, model: "model2" }]);
  assert.deepEqual(lonely.pairs.map((p) => [p.status, p.reason]), [
    ["unpaired", "no new row of epyc model1 tensorflow tfjs"],
    ["unpaired", "no base row of epyc model2 tensorflow tfjs"],
  ]);
  assert.throws(() => diffComparisons([r], [r], { band: -0.1 }), {
    message: "verdictOf: expected a band ≥ 0, got -0.1",
  });
});
