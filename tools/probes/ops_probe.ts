/**
 * TensorFlow's ops one at a time, at model1's shapes for one batch of 128
 * (or the batch given): what tfjs-node runs against the fused or oneDNN op
 * that replaces it, each the median of 20 timed calls after one untimed.
 * Every pair is also checked for the same result (largest difference). The
 * ops and their attributes are the native engine's (`src/tf_ops/ops.ts`,
 * `src/tf_ops/binding.ts`).
 *
 *   deno run -A tools/probes/ops_probe.ts [batch]
 *   deno run -A tools/probes/ops_probe.ts 128    # BENCHMARKS.md's op table
 *
 * Needs the binding `deno task setup` compiles (list attributes) for the
 * fused convolution and matmul. A developer probe: the figures it gave are in
 * BENCHMARKS.md, with their commands.
 *
 * @module
 */
import type { Tensor } from "@tensorflow/tfjs";
import { loadBackend } from "../../src/backends/registry.ts";
import { NativeOps } from "../../src/tf_ops/ops.ts";
import {
  convAttrs,
  eigenFusedAttrs,
  floatAttr,
  oneDnnKernelAttr,
  oneDnnMaxPoolGrad,
  poolAttrs,
  type TfjsNodeBackend,
} from "../../src/tf_ops/binding.ts";
import { medianMs, probeArgs } from "./_probe.ts";

if (import.meta.main) {
  const [batch] = probeArgs("deno run -A tools/probes/ops_probe.ts [batch]", [128]);
  const { tf } = await loadBackend("tensorflow");
  const be = tf.backend() as unknown as TfjsNodeBackend;
  /** The ops as tfjs-node runs them: generic kernels, convolution, bias and ReLU apart. */
  const stock = new NativeOps(be, false, false);
  /** The same with oneDNN's fused convolution. */
  const fused = new NativeOps(be, false, true);
  const median = (f: () => unknown) => medianMs(tf, f, 20);
  const diff = (a: Tensor | Tensor[], b: Tensor | Tensor[]) =>
    tf.tidy(() => {
      const [x, y] = [[a].flat(), [b].flat()];
      return Math.max(...x.map((t, i) => tf.max(tf.abs(tf.sub(t, y[i]))).dataSync()[0]));
    });
  const rows: string[] = [];
  const compare = (
    what: string,
    before: () => Tensor | Tensor[],
    after: () => Tensor | Tensor[],
  ) => {
    let line: string;
    try {
      const d = tf.tidy(() => diff(before(), after()));
      line = `| ${what} | ${median(before).toFixed(2)} | ${median(after).toFixed(2)} | ${d} |`;
    } catch (err) {
      line = `| ${what} | ${median(before).toFixed(2)} | failed: ${
        String(err).split("\n")[1] ?? err
      } | |`;
    }
    rows.push(line);
    console.error(line);
  };

  const window: { size: [number, number]; strides: [number, number]; padding: string } = {
    size: [2, 2],
    strides: [2, 2],
    padding: "VALID",
  };
  const oneDnnPool = poolAttrs(be, window.size, window.strides, window.padding, true);
  const oneDnnConv = [...convAttrs(be, "SAME"), oneDnnKernelAttr(be)];

  for (const [hw, cin, cout] of [[28, 1, 64], [14, 64, 128]]) {
    const shape = `${batch}×${hw}×${hw}×${cin}→${cout}`;
    const x = tf.randomNormal([batch, hw, hw, cin]);
    const w = tf.randomNormal([3, 3, cin, cout]);
    const b = tf.randomNormal([cout]);
    const r = tf.relu(tf.randomNormal([batch, hw, hw, cout]));
    const [y] = stock.maxPool(r, window);
    const dy = tf.randomNormal(y.shape);
    compare(
      `max-pool gradient, ${batch}×${hw}×${hw}×${cout}: MaxPoolGrad / oneDNN forward + gradient`,
      () => stock.maxPoolGrad(r, y, dy, undefined, window),
      () => oneDnnMaxPoolGrad(be, oneDnnPool, r, dy),
    );
    compare(
      `conv ${shape}: Conv2D + BiasAdd + Relu / _MklNativeFusedConv2D`,
      () => stock.conv(x, w, b, "SAME", true),
      () => fused.conv(x, w, b, "SAME", true),
    );
    const sizes = tf.tensor1d([3, 3, cin, cout], "int32");
    const dz = tf.randomNormal([batch, hw, hw, cout]);
    compare(
      `filter + bias gradients ${shape}: Conv2DBackpropFilter + BiasAddGrad / ` +
        "_MklNativeConv2DBackpropFilterWithBias",
      () => [stock.convFilterGrad(x, [3, 3, cin, cout], dz, "SAME"), stock.biasGrad(dz)],
      () =>
        be.executeMultipleOutputs(
          "_MklNativeConv2DBackpropFilterWithBias",
          oneDnnConv,
          [x, sizes, dz],
          2,
        ),
    );
  }
  const x = tf.randomNormal([batch, 6272]);
  const w = tf.randomNormal([6272, 128]);
  const b = tf.randomNormal([128]);
  const noTranspose = ["transpose_a", "transpose_b"].map((name) => ({
    name,
    type: be.binding.TF_ATTR_BOOL,
    value: false,
  }));
  compare(
    `dense ${batch}×6272→128: MatMul + BiasAdd + Relu / _MklNativeFusedMatMul`,
    () => stock.dense(x, w, b, true),
    () =>
      be.executeSingleOutput("_MklNativeFusedMatMul", [
        floatAttr(be),
        ...noTranspose,
        ...eigenFusedAttrs(be, true, false),
        oneDnnKernelAttr(be),
      ], [x, w, b]),
  );

  // Adam on the dense kernel: TF.js's optimizer against one ResourceApplyAdam.
  const g = tf.randomNormal([6272, 128]);
  const optimizer = tf.train.adam(1e-3);
  const variable = tf.variable(tf.randomNormal([6272, 128]));
  const [hv, hm, hs] = [variable, tf.zerosLike(g), tf.zerosLike(g)].map((init) =>
    stock.variable(`ops-probe/${crypto.randomUUID()}`, init)
  );
  const [b1p, b2p, lr, beta1, beta2, eps] = [0.9, 0.999, 1e-3, 0.9, 0.999, 1e-7].map((v) =>
    tf.scalar(v)
  );
  const tfjs = median(() => optimizer.applyGradients([{ name: variable.name, tensor: g }]));
  const resourceAdam = median(() =>
    stock.adam(hv, hm, hs, [b1p, b2p, eps], { lr, beta1, beta2 }, g)
  );
  rows.push(
    `| Adam on the 6272×128 dense kernel: tf.train.adam / ResourceApplyAdam | ${
      tfjs.toFixed(2)
    } | ${resourceAdam.toFixed(2)} | (same update, TF's ε form) |`,
  );
  stock.dispose();
  console.log(
    "| op, shapes: what tfjs-node runs / the replacement | ms | ms | largest difference |",
  );
  console.log("| --- | ---: | ---: | ---: |");
  for (const row of rows) console.log(row);
}
