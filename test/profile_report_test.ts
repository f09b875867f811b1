/**
 * Real per-op profiles side by side: model1 profiled on the tensorflow
 * backend by the `tfjs` engine (TF.js's kernels through `tf.profile`) and the
 * `native` engine (TensorFlow's ops by name), then rendered as the reports
 * show them: both columns name the filter gradient, the sentence names the
 * largest difference with both engines' milliseconds, and the chart stacks
 * one bar per engine.
 */
import assert from "node:assert/strict";
import { loadBackend } from "../src/backends/registry.ts";
import { getEngineSpec } from "../src/engines/registry.ts";
import { loadFixtureData } from "../src/data/load.ts";
import { stratifiedSubset } from "../src/data/split.ts";
import { toTensors } from "../src/data/tensors.ts";
import type { ModelProfiles, OpProfile } from "../src/measure/op_profile.ts";
import { buildModel } from "../src/models/factory.ts";
import { getModelSpec } from "../src/models/spec.ts";
import { prepareEngine } from "../src/tf_ops/install.ts";
import { profileModel } from "../src/train/op_profiles.ts";
import { profileChart, profileSegments } from "../src/report/profile_chart.ts";
import {
  type LabelledProfiles,
  ms,
  renderProfiles,
  segmentMs,
  TIME_SEGMENTS,
} from "../src/report/profile_tables.ts";

const loaded = await loadBackend("tensorflow");
prepareEngine(loaded, getEngineSpec("native"));
const { tf } = loaded;
const split = stratifiedSubset((await loadFixtureData()).train, { size: 32, seed: 1 });

async function profile(engine: "tfjs" | "native"): Promise<ModelProfiles> {
  const spec = getEngineSpec(engine);
  const { xs, ys } = toTensors(split);
  const model = buildModel(getModelSpec("model1"), { seed: 1 });
  try {
    return await profileModel(tf, model, xs, ys, {
      step: spec.trainStep,
      path: spec.inferencePath,
      batchSize: 16,
      inferenceBatchSize: 32,
      ceilingGflops: 100,
      warmup: 1,
      repeats: 3,
    });
  } finally {
    model.optimizer.dispose();
    model.dispose();
    tf.dispose([xs, ys]);
  }
}

Deno.test("model1's tfjs and native engines' profiles, side by side", async () => {
  const items: LabelledProfiles[] = [];
  for (const engine of ["tfjs", "native"] as const) {
    items.push({
      label: `tensorflow · ${engine}`,
      model: "model1",
      profiles: await profile(engine),
    });
  }
  const md = renderProfiles(items).join("\n");
  // One filter-gradient row, both engines' figures in it (TF.js's kernel and TensorFlow's op share the name).
  const row = md.split("\n").find((l) =>
    l.startsWith("| conv grad filter | `Conv2DBackpropFilter` |")
  );
  assert.ok(row, md);
  assert.match(
    row,
    /^\| conv grad filter \| `Conv2DBackpropFilter` \| [0-9.]+ ms \([0-9]+%\); [0-9.]+ GFLOP\/s, [0-9]+% of ceiling \| [0-9.]+ ms \([0-9]+%\); [0-9.]+ GFLOP\/s/,
  );
  assert.match(md, /^\| conv grad filter \| [0-9.]+ ms \([0-9]+%\) \| [0-9.]+ ms \([0-9]+%\) \|$/m);

  // The sentence names the kind whose engines differ most, with both engines' milliseconds.
  const steps = items.map((i) => i.profiles.trainStep as OpProfile);
  const spread = (s: string) => Math.abs(segmentMs(steps[0], s) - segmentMs(steps[1], s));
  const widest = [...TIME_SEGMENTS].sort((a, b) => spread(b) - spread(a))[0];
  const [high, low] = items.map((item, i) => ({
    label: item.label,
    ms: segmentMs(steps[i], widest),
  }))
    .sort((a, b) => b.ms - a.ms);
  assert.ok(
    md.includes(
      `Largest differences by kind, ${widest}: ${high.label} ${ms(high.ms)}, ${low.label} ${
        ms(low.ms)
      }; by op, `,
    ),
    md,
  );

  // One bar per engine, the kinds stacked in OP_KINDS order: each kind's median, then the
  // time outside the ops (medians per kind need not add up to the median wall time).
  assert.ok(profileChart(items));
  const segments = profileSegments(items);
  for (const [i, { label }] of items.entries()) {
    const own = segments.filter((s) => s.series === label);
    assert.deepEqual(own.map((s) => s.order), [...own.map((s) => s.order)].sort((a, b) => a - b));
    const expected = TIME_SEGMENTS.map((s) => segmentMs(steps[i], s)).filter((x) => x > 0);
    assert.deepEqual(own.map((s) => s.ms), expected, label);
    assert.ok(own.some((s) => s.kind === "conv grad filter"), `${label}: the filter gradient`);
  }
});
