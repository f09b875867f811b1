import assert from "node:assert/strict";
import { renderReport } from "./report.ts";
import { validateResults } from "../results/schema.ts";
import { sampleResults, v1 } from "../results/_testing.ts";

Deno.test("renderReport names the engine, and says when it was derived", () => {
  const md = renderReport(validateResults(v1({ trainStep: "native", inferencePath: "native" })));
  assert.match(
    md,
    /on the `tensorflow` backend with the `native` engine \(derived: the file predates the engine field\)/,
  );
  assert.match(md, /^\| model1 \| `native` \| 878,730 \|/m);
  assert.match(md, /timed on the engine's inference path: the native predictor/);
  const tfjs = renderReport(sampleResults());
  assert.match(tfjs, /with the `tfjs` engine, 2 epochs/);
  assert.match(tfjs, /timed on the engine's inference path: tfjs-layers' `predictOnBatch`\./);
});

Deno.test("renderReport shows accuracy, epoch times, latency and the environment", () => {
  const md = renderReport(sampleResults(), "deno task train-all --epochs 2");
  assert.match(md, /^# fmnist-bench results$/m);
  assert.match(md, /```sh\ndeno task train-all --epochs 2\n```/);
  // Median of epochs after the first: only epoch 2 (58 s) is steady-state.
  assert.match(
    md,
    /^\| model1 \| `tfjs` \| 878,730 \| 31\.4 \| 2 \| 90\.00% \| 0\.2800 \| 58\.0 \(58\.0–58\.0, 1 epoch\) \| 948 \| 1\.50 ms \| – \/ 2\.25 \/ – ms of 100 \| 5120 \|$/m,
  );
  assert.match(md, /^\| \*\*T-shirt\/top\*\* \| 900 \| 11 \|/m);
  assert.match(md, /^\| GPU \| none \(nvidia-smi not found\) \|$/m);
});
