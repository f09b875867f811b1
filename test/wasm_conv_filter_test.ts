/**
 * The suite's `Conv2DBackpropFilter` for tfjs-backend-wasm
 * (`src/backends/wasm_conv_filter.ts`): it agrees with the `cpu` backend's
 * kernel and with libtensorflow's (oneDNN on and off) on every convolution
 * the three models train, a strided one and a 'valid' one; it refuses what it
 * does not support; and with it, `wasm` trains model1.
 *
 * Tolerance: every result of the filter gradient is a sum of products
 * x·dy over N·Ho·Wo positions, which each implementation adds up in its own
 * order (XNNPACK's blocks, Eigen's or oneDNN's, the cpu backend's loop), so
 * they differ by float32 rounding only. Rounding grows with the sum of the
 * magnitudes of the products, S = Σ|x·dy| (the same gradient of |x| and |dy|),
 * not with the result, which cancels: the test allows |a − b| ≤ 1e-5·S, about
 * 84 float32 roundings (ε = 2⁻²³) of the largest partial sum. A wrong tap,
 * offset or stride is off by the size of a result, about √(N·Ho·Wo) against
 * 1e-5·(2/π)·N·Ho·Wo here, hundreds of times the tolerance.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Tensor4D } from "@tensorflow/tfjs";
import { probeLibtensorflow, TFJS_NODE } from "../src/backends/libtensorflow.ts";
import { loadBackend } from "../src/backends/registry.ts";
import { missingTrainingKernels } from "../src/backends/training_kernels.ts";
import {
  CONV2D_BACKPROP_FILTER,
  registerWasmConvFilter,
} from "../src/backends/wasm_conv_filter.ts";
import { denoRunArgs } from "../src/_util/deno_run.ts";
import { withTempDir } from "../src/_util/testing.ts";
import { loadFixtureData } from "../src/data/load.ts";
import { stratifiedSubset } from "../src/data/split.ts";
import { toTensors } from "../src/data/tensors.ts";
import { buildModel } from "../src/models/factory.ts";
import { getModelSpec } from "../src/models/spec.ts";
import { type ConvCase, filterGradient } from "./scripts/conv_filter_cases.ts";

/** |a − b| ≤ TOLERANCE · Σ|x·dy|, element by element (see the module's comment). */
const TOLERANCE = 1e-5;

const same = (x: ConvCase["x"], cout: number): ConvCase => ({
  name: `${x.join("×")}→${cout}`,
  x,
  cout,
  strides: 1,
  pad: "same",
});

/** A strided, a 'valid' and an explicitly padded convolution, through both of the kernel's paths. */
const OTHERS: ConvCase[] = [
  { name: "stride 2, same, 5 channels", x: [3, 9, 11, 5], cout: 7, strides: 2, pad: "same" },
  { name: "stride 2, same, 24 channels", x: [2, 9, 11, 24], cout: 16, strides: 2, pad: "same" },
  { name: "valid, 12 channels", x: [3, 9, 11, 12], cout: 7, strides: 1, pad: "valid" },
  { name: "valid, 3 channels", x: [2, 8, 8, 3], cout: 4, strides: 3, pad: "valid" },
];

/**
 * Against libtensorflow: model1–3's convolutions at batch 2 (28×28×1 → F, then
 * 14×14×F → 2F, F = 64, 128, 256), and the others (tfjs-node takes no explicit padding).
 */
const NATIVE_CASES: ConvCase[] = [
  ...[64, 128, 256].flatMap((f) => [same([2, 28, 28, 1], f), same([2, 14, 14, f], 2 * f)]),
  ...OTHERS,
];

/**
 * Against the cpu backend, whose loops take half a minute for model3's second
 * convolution: the first convolutions, model1's second at batch 1, and the others.
 */
const CPU_CASES: ConvCase[] = [
  ...[64, 128, 256].map((f) => same([2, 28, 28, 1], f)),
  same([1, 14, 14, 64], 128),
  ...OTHERS,
  {
    name: "explicit padding, strides 2×1",
    x: [2, 8, 8, 16],
    cout: 4,
    strides: [2, 1],
    pad: [[0, 0], [2, 1], [0, 3], [0, 0]],
  },
];

const { tf } = await loadBackend("wasm");
const native = await probeLibtensorflow("tensorflow", TFJS_NODE);

/** The results of every case on `backend` (`abs`: the sums of magnitudes). */
function onBackend(backend: string, cases: ConvCase[], abs = false): Float32Array[] {
  tf.setBackend(backend);
  try {
    return cases.map((c) => filterGradient(tf, c, abs));
  } finally {
    tf.setBackend("wasm");
  }
}

/** Asserts |got − want| ≤ TOLERANCE · magnitudes, element by element. */
function assertAgree(
  name: string,
  cases: ConvCase[],
  got: Float32Array[],
  want: { results: Float32Array[]; magnitudes: Float32Array[] },
): void {
  for (const [k, c] of cases.entries()) {
    assert.equal(got[k].length, want.results[k].length, `${name}, ${c.name}: sizes`);
    let worst = 0;
    got[k].forEach((v, i) => {
      const allowed = TOLERANCE * want.magnitudes[k][i];
      worst = Math.max(worst, Math.abs(v - want.results[k][i]) / allowed);
    });
    assert.ok(worst <= 1, `${name}, ${c.name}: a difference ${worst.toFixed(2)}× the tolerance`);
  }
}

Deno.test("the wasm Conv2DBackpropFilter equals the cpu backend's: first convolutions, model1's second, strided, valid, explicit", () => {
  const want = {
    results: onBackend("cpu", CPU_CASES),
    magnitudes: onBackend("cpu", CPU_CASES, true),
  };
  assertAgree("cpu", CPU_CASES, onBackend("wasm", CPU_CASES), want);
});

Deno.test({
  name: "the wasm Conv2DBackpropFilter equals libtensorflow's on model1–3's convolutions, " +
    "strided and valid, oneDNN on and off" +
    (native.available ? "" : ` (ignored: ${native.reason})`),
  ignore: !native.available,
  async fn() {
    const wasm = onBackend("wasm", NATIVE_CASES);
    await withTempDir(async (dir) => {
      const script = new URL("./scripts/conv_filter_native.ts", import.meta.url);
      const runs = ["1", "0"].map(async (onednn) => {
        const out = join(dir, `onednn-${onednn}.bin`);
        const { code, stderr } = await new Deno.Command(Deno.execPath(), {
          args: denoRunArgs(script, JSON.stringify(NATIVE_CASES), out),
          env: { TF_ENABLE_ONEDNN_OPTS: onednn },
          stdout: "null",
          stderr: "piped",
        }).output();
        assert.equal(code, 0, new TextDecoder().decode(stderr));
        const all = new Float32Array((await Deno.readFile(out)).buffer);
        let offset = 0;
        const next = (n: number) => all.subarray(offset, offset += n);
        const pairs = wasm.map((w) => [next(w.length), next(w.length)]);
        assert.equal(offset, all.length, "the child wrote every case");
        const want = { results: pairs.map((p) => p[0]), magnitudes: pairs.map((p) => p[1]) };
        return [`libtensorflow, TF_ENABLE_ONEDNN_OPTS=${onednn}`, want] as const;
      });
      for (const [name, want] of await Promise.all(runs)) {
        assertAgree(name, NATIVE_CASES, wasm, want);
      }
    });
  },
});

Deno.test("the wasm Conv2DBackpropFilter refuses NCHW and dilations, naming what it supports", () => {
  const x = tf.zeros([1, 4, 4, 2]);
  const dy = tf.zeros([1, 4, 4, 3]);
  const attrs = { strides: 1, pad: "same", dataFormat: "NHWC", filterShape: [3, 3, 2, 3] };
  const run = (more: object) => {
    const kernel = tf.getKernel(CONV2D_BACKPROP_FILTER, "wasm")!;
    kernel.kernelFunc({ inputs: { x, dy }, backend: tf.backend(), attrs: { ...attrs, ...more } });
  };
  assert.throws(() => run({ dataFormat: "NCHW" }), {
    message: "Conv2DBackpropFilter on wasm: expected dataFormat NHWC, got NCHW",
  });
  assert.throws(() => run({ dilations: 2 }), {
    message: "Conv2DBackpropFilter on wasm: expected dilation 1, got 2",
  });
  tf.dispose([x, dy]);
});

Deno.test("loading wasm registers the kernel once: it lacks no training kernel, and says whose it is", async () => {
  const kernel = tf.getKernel(CONV2D_BACKPROP_FILTER, "wasm");
  assert.deepEqual(missingTrainingKernels(tf.getKernel, "wasm"), []);
  assert.equal(registerWasmConvFilter(tf), true, "the registered kernel is the suite's");
  assert.equal(tf.getKernel(CONV2D_BACKPROP_FILTER, "wasm"), kernel, "registered once");
  const again = await loadBackend("wasm");
  assert.match(
    again.device.description,
    /^WebAssembly \(tfjs-backend-wasm 4\.22\.0 \+ the suite's Conv2DBackpropFilter\) in Deno: /,
  );
});

Deno.test("model1 trains on wasm: one short epoch of model.fit on the fixtures, with a finite loss", async () => {
  tf.setBackend("wasm");
  const train = stratifiedSubset((await loadFixtureData()).train, { size: 128, seed: 1 });
  const { xs, ys } = toTensors(train);
  const model = buildModel(getModelSpec("model1"), { seed: 42 });
  const conv = model.layers[0].getWeights()[0] as Tensor4D;
  const before = conv.dataSync().slice();
  try {
    const history = await model.fit(xs, ys, { epochs: 1, batchSize: 64, verbose: 0 });
    const loss = history.history.loss[0] as number;
    assert.ok(Number.isFinite(loss) && loss > 0, `loss ${loss}`);
    const after = model.layers[0].getWeights()[0].dataSync();
    assert.ok(after.some((v, i) => v !== before[i]), "the first convolution's filter moved");
  } finally {
    tf.dispose([xs, ys]);
    model.optimizer?.dispose();
    model.dispose();
  }
});
