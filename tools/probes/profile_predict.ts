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
 * @module
 */
import type { Tensor, Tensor4D } from "@tensorflow/tfjs";
import { loadBackend } from "../../src/backends/registry.ts";
import { forwardFlopsPerImage } from "../../src/models/cost.ts";
import { buildModel } from "../../src/models/factory.ts";
import { getModelSpec } from "../../src/models/spec.ts";
import { nativePredictor } from "../../src/native/predict.ts";

type Execute = (name: string, attrs: unknown, inputs: Tensor[], ...rest: unknown[]) => unknown;

if (import.meta.main) {
  const [model = "model1", batch = "1024", callsArg = "10", kernels = "autotune"] = Deno.args;
  if (kernels !== "autotune" && kernels !== "default" && kernels !== "eigen") {
    console.error(`profile_predict: expected autotune, default or eigen, got ${kernels}`);
    Deno.exit(2);
  }
  const { tf } = await loadBackend("tensorflow");
  const n = Number(batch);
  const calls = Number(callsArg);
  const spec = getModelSpec(model);
  const x = tf.randomNormal([n, 28, 28, 1]) as Tensor4D;
  const predictor = nativePredictor(buildModel(spec, { seed: 1 }), { kernels });
  for (let i = 0; i < 3; i++) predictor.predict(x).dispose(); // tunes, then warms up
  const backend = tf.backend() as unknown as Record<string, Execute>;
  const times = new Map<string, { ms: number; calls: number }>();
  for (const method of ["executeSingleOutput", "executeMultipleOutputs"]) {
    const original = backend[method].bind(backend);
    backend[method] = (name, attrs, inputs, ...rest) => {
      const t0 = performance.now();
      try {
        return original(name, attrs, inputs, ...rest);
      } finally {
        const key = `${name} ${inputs[0]?.shape.join("×") ?? ""}`;
        const entry = times.get(key) ?? { ms: 0, calls: 0 };
        entry.ms += performance.now() - t0;
        entry.calls++;
        times.set(key, entry);
      }
    };
  }
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) {
    const y = predictor.predict(x);
    await y.data();
    y.dispose();
  }
  const perCall = (performance.now() - t0) / calls;
  let inOps = 0;
  console.log(`kernels: ${predictor.kernels(n)!.join(", ")}\n`);
  console.log("| op, first input's shape | ms per call | share |\n| --- | ---: | ---: |");
  for (const [key, { ms }] of [...times].sort((a, b) => b[1].ms - a[1].ms)) {
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
