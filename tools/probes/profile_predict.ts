/**
 * Where the native predictor's time goes at one batch size: every TensorFlow
 * op it calls through tfjs-node is timed (wall time, dispatch included; CPU
 * ops run when called), keyed by op and input shape, over several calls
 * after the warm-up calls that autotune its kernels. Prints a Markdown table
 * and the forward FLOP/s achieved.
 *
 *   deno run -A tools/probes/profile_predict.ts [model] [batch] [calls] [autotune|default|eigen]
 *   deno run -A tools/probes/profile_predict.ts model1 1024 10    # BENCHMARKS.md's profile
 *   deno run -A tools/probes/profile_predict.ts model1 1 300 eigen  # one kernel choice, forced
 *
 * A developer probe: the figures it gave are in BENCHMARKS.md, with their commands.
 *
 * @module
 */
import { loadBackend } from "../../src/backends/registry.ts";
import { prepareEngine } from "../../src/tf_ops/install.ts";
import { getEngineSpec } from "../../src/engines/registry.ts";
import { forwardFlopsPerImage } from "../../src/models/cost.ts";
import { buildModel } from "../../src/models/factory.ts";
import { getModelSpec } from "../../src/models/spec.ts";
import { nativePredictor } from "../../src/tf_ops/predict.ts";
import { probeArgs, randomImages, timeOps } from "./_probe.ts";

if (import.meta.main) {
  const [model, n, calls, kernels] = probeArgs(
    "deno run -A tools/probes/profile_predict.ts [model] [batch] [calls] [autotune|default|eigen]",
    ["model1", 1024, 10, "autotune"],
  );
  if (kernels !== "autotune" && kernels !== "default" && kernels !== "eigen") {
    console.error(`profile_predict: expected autotune, default or eigen, got ${kernels}`);
    Deno.exit(2);
  }
  const loaded = await loadBackend("tensorflow");
  prepareEngine(loaded, getEngineSpec("native"));
  const { tf } = loaded;
  const spec = getModelSpec(model);
  const x = randomImages(tf, n);
  const predictor = nativePredictor(buildModel(spec, { seed: 1 }), { kernels });
  predictor.settle(x);
  for (let i = 0; i < 3; i++) predictor.predict(x).dispose();
  const timer = timeOps(tf, { byShape: true });
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) {
    const y = predictor.predict(x);
    await y.data();
    y.dispose();
  }
  const perCall = (performance.now() - t0) / calls;
  timer.stop();
  let inOps = 0;
  console.log(`kernels: ${predictor.kernels(n)!.join(", ")}\n`);
  console.log("| op, first input's shape | ms per call | share |\n| --- | ---: | ---: |");
  for (const [key, { ms }] of [...timer.times].sort((a, b) => b[1].ms - a[1].ms)) {
    inOps += ms / calls;
    console.log(
      `| ${key} | ${(ms / calls).toFixed(2)} | ${(100 * ms / calls / perCall).toFixed(1)}% |`,
    );
  }
  const gflops = (forwardFlopsPerImage(spec) * n) / (perCall / 1000) / 1e9;
  console.log(
    `\n${perCall.toFixed(1)} ms per call of ${n} images (${inOps.toFixed(1)} ms in ops), ` +
      `${gflops.toFixed(0)} GFLOP/s`,
  );
}
