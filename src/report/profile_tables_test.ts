import assert from "node:assert/strict";
import { isMeasured } from "../measure/measures.ts";
import type { OpProfile } from "../measure/op_profile.ts";
import { handMadeProfiles } from "./_testing.ts";
import { profileChart, profileSegments } from "./profile_chart.ts";
import {
  type LabelledProfiles,
  OUTSIDE_OPS,
  renderProfiles,
  TIME_SEGMENTS,
  topOps,
} from "./profile_tables.ts";

const items: LabelledProfiles[] = [
  { label: "tensorflow · tfjs", model: "model1", profiles: handMadeProfiles("tfjs") },
  { label: "Keras", model: "model1", profiles: handMadeProfiles("keras") },
];

const step = (i: number) => items[i].profiles.trainStep as OpProfile;

Deno.test("renderProfiles: kinds and top ops side by side, oneDNN's names aligned with TF.js's", () => {
  const md = renderProfiles(items).join("\n");
  assert.match(md, /^## Where the time goes$/m);
  assert.match(md, /never enter the medians/);
  assert.match(md, /^### model1: where the time goes$/m);
  assert.match(md, /^\| kind \| tensorflow · tfjs \| Keras \|$/m);
  assert.match(md, /^\| conv grad filter \| 12\.3 ms \(41%\) \| 5\.1 ms \(32%\) \|$/m);
  assert.match(
    md,
    /^\| outside ops \(dispatch, framework\) \| 5\.3 ms \(18%\) \| 2\.6 ms \(16%\) \|$/m,
  );
  assert.match(md, /^\| wall time \| 30\.0 ms \| 16\.0 ms \|$/m);
  assert.match(md, /^\| other \| 0\.20 ms \(1%\) \| 0 ms \(0%\) \|$/m);
  // One row for TF.js's Conv2DBackpropFilter and Keras's _MklNativeConv2DBackpropFilter.
  assert.match(
    md,
    /^\| conv grad filter \| `Conv2DBackpropFilter` \| 12\.3 ms \(41%\); 1\.2 GFLOP\/s, 1% of ceiling \| 5\.1 ms \(32%\); 2\.8 GFLOP\/s, 3% of ceiling \|$/m,
  );
  assert.ok(!md.includes("_MklNative"), "oneDNN's prefix dropped");
  // An op one side lacks: a dash.
  assert.match(md, /^\| optimizer \| `ResourceApplyAdam` \| – \| 0\.70 ms \(4%\) \|$/m);
});

Deno.test("renderProfiles names the largest differences by kind and by op, both labels' ms", () => {
  const md = renderProfiles(items).join("\n");
  assert.ok(
    md.includes(
      "Largest differences by kind, conv grad filter: tensorflow · tfjs 12.3 ms, Keras 5.1 ms; " +
        "by op, Conv2DBackpropFilter: tensorflow · tfjs 12.3 ms, Keras 5.1 ms.",
    ),
    md,
  );
});

Deno.test("renderProfiles: the calls' tables by kind, and each profile not taken with its reason", () => {
  const md = renderProfiles(items).join("\n");
  assert.match(md, /^\*\*Batch-1 call\*\* \(batch 1; tensorflow · tfjs: tf\.profile/m);
  assert.match(md, /^\*\*Batched call\*\* \(batch 256;/m);
  assert.match(
    md,
    /Not measured: Keras, batch-1 call: the Keras profiler keeps no batch-1 trace here\./,
  );
  // The calls' tables leave out the kinds no label spent time in (a prediction has no gradient).
  const calls = md.slice(md.indexOf("**Batch-1 call**"));
  assert.ok(!calls.includes("conv grad filter"), calls);
  assert.match(calls, /^\| pooling \| /m);
});

Deno.test("renderProfiles: nothing without profiles; one label says where most of its time goes", () => {
  assert.deepEqual(renderProfiles([]), []);
  const md = renderProfiles(items.slice(0, 1)).join("\n");
  assert.match(
    md,
    /Most of the time: conv grad filter, 12\.3 ms of 30\.0 ms; the slowest op `Conv2DBackpropFilter`, 12\.3 ms\./,
  );
});

Deno.test("topOps: at most eight, the longest in any label, listed by kind then name", () => {
  const rows = topOps(items.map((i, n) => ({ label: i.label, profile: step(n) })));
  assert.equal(rows.length, 8);
  assert.deepEqual(rows.map((r) => r.name).slice(0, 3), [
    "Conv2D",
    "Conv2DBackpropInput",
    "Conv2DBackpropFilter",
  ]);
  assert.ok(!rows.some((r) => r.name === "Softmax"), "the shortest left out");
});

Deno.test("profileChart: one stacked bar per label, the kinds in OP_KINDS order, then outside ops", () => {
  const chart = profileChart(items)!;
  assert.equal(chart.id, "where-the-time-goes");
  const segments = profileSegments(items);
  assert.deepEqual([...new Set(segments.map((s) => s.series))], ["tensorflow · tfjs", "Keras"]);
  for (const [i, { label }] of items.entries()) {
    const own = segments.filter((s) => s.series === label);
    assert.deepEqual(
      own.map((s) => s.kind),
      TIME_SEGMENTS.filter((k) => own.some((s) => s.kind === k)),
    );
    assert.ok(own.every((s, j) => j === 0 || s.order > own[j - 1].order));
    assert.equal(own.at(-1)!.kind, OUTSIDE_OPS);
    const total = own.reduce((a, s) => a + s.ms, 0);
    assert.ok(Math.abs(total - step(i).wallMs) < 1e-9, `${label}: ${total} ms stacked`);
  }
  const spec = JSON.stringify(chart.spec);
  assert.ok(spec.includes(`"domain":${JSON.stringify(TIME_SEGMENTS)}`), spec);
  assert.ok(spec.includes('"stack":"zero"'));
  assert.equal(
    profileChart([{
      ...items[0],
      profiles: { ...items[0].profiles, trainStep: { notMeasured: "no" } },
    }]),
    null,
  );
  assert.ok(isMeasured(items[1].profiles.trainStep));
});
