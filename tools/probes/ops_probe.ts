/**
 * TensorFlow's ops one at a time, at model1's shapes for one batch of 128
 * (or the batch given): what tfjs-node runs against the fused or oneDNN op
 * that replaces it, each the median of 20 timed calls after one untimed.
 * Every pair is also checked for the same result (largest difference).
 *
 *   deno run -A tools/probes/ops_probe.ts [batch]
 *   deno run -A tools/probes/ops_probe.ts 128    # BENCHMARKS.md's op table
 *
 * Needs the binding `deno task setup` compiles (list attributes) for the
 * fused convolution and matmul.
 *
 * @module
 */
import type { Tensor } from "@tensorflow/tfjs";
import { loadBackend } from "../../src/backends/registry.ts";

interface Backend {
  binding: Record<string, number>;
  executeSingleOutput(name: string, attrs: unknown[], inputs: Tensor[]): Tensor;
  executeMultipleOutputs(name: string, attrs: unknown[], inputs: Tensor[], n: number): Tensor[];
}

if (import.meta.main) {
  const batch = Number(Deno.args[0] ?? 128);
  const { tf } = await loadBackend("tensorflow", { nativeGradients: false });
  const be = tf.backend() as unknown as Backend;
  const B = be.binding;
  const attr = (name: string, type: string, value: unknown) => ({
    name,
    type: B[`TF_ATTR_${type}`],
    value,
  });
  const T = attr("T", "TYPE", B.TF_FLOAT);
  const mkl = attr("_kernel", "STRING", "MklNameChangeOp");
  const one = (name: string, attrs: unknown[], inputs: Tensor[]) =>
    be.executeSingleOutput(name, attrs, inputs);
  const many = (name: string, attrs: unknown[], inputs: Tensor[], n: number) =>
    be.executeMultipleOutputs(name, attrs, inputs, n);
  const median = (f: () => unknown): number => {
    tf.tidy(() => void f());
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      tf.tidy(() => void f());
      times.push(performance.now() - t0);
    }
    return times.sort((a, b) => a - b)[10];
  };
  const diff = (a: Tensor | Tensor[], b: Tensor | Tensor[]) =>
    tf.tidy(() => {
      const [x, y] = [[a].flat(), [b].flat()];
      return Math.max(...x.map((t, i) => tf.max(tf.abs(tf.sub(t, y[i]))).dataSync()[0]));
    });
  const rows: string[] = [];
  const compare = (
    what: string,
    stock: () => Tensor | Tensor[],
    fused: () => Tensor | Tensor[],
  ) => {
    let line: string;
    try {
      const d = tf.tidy(() => diff(stock(), fused()));
      line = `| ${what} | ${median(stock).toFixed(2)} | ${median(fused).toFixed(2)} | ${d} |`;
    } catch (err) {
      line = `| ${what} | ${median(stock).toFixed(2)} | failed: ${
        String(err).split("\n")[1] ?? err
      } | |`;
    }
    rows.push(line);
    console.error(line);
  };

  const pool = [
    T,
    attr("ksize", "INT", [1, 2, 2, 1]),
    attr("strides", "INT", [1, 2, 2, 1]),
    attr("padding", "STRING", "VALID"),
    attr("data_format", "STRING", "NHWC"),
  ];
  const mklPool = [...pool, attr("workspace_enabled", "BOOL", true), mkl];
  const conv = [
    T,
    attr("strides", "INT", [1, 1, 1, 1]),
    attr("padding", "STRING", "SAME"),
    attr("data_format", "STRING", "NHWC"),
    attr("dilations", "INT", [1, 1, 1, 1]),
  ];
  const fusedConv = [
    ...conv,
    attr("num_args", "INT", 1),
    attr("TArgs", "TYPE", [B.TF_FLOAT]),
    attr("fused_ops", "STRING", ["BiasAdd", "Relu"]),
    mkl,
  ];
  const nhwc = attr("data_format", "STRING", "NHWC");

  for (const [hw, cin, cout] of [[28, 1, 64], [14, 64, 128]]) {
    const shape = `${batch}×${hw}×${hw}×${cin}→${cout}`;
    const x = tf.randomNormal([batch, hw, hw, cin]);
    const w = tf.randomNormal([3, 3, cin, cout]);
    const b = tf.randomNormal([cout]);
    const r = tf.relu(tf.randomNormal([batch, hw, hw, cout]));
    const y = one("MaxPool", pool, [r]);
    const dy = tf.randomNormal(y.shape);
    compare(
      `max-pool gradient, ${batch}×${hw}×${hw}×${cout}: MaxPoolGrad / oneDNN forward + gradient`,
      () => one("MaxPoolGrad", pool, [r, y, dy]),
      () => {
        const [y2, ws] = many("_MklNativeMaxPool", mklPool, [r], 2);
        return one("_MklNativeMaxPoolGrad", mklPool, [r, y2, dy, ws]);
      },
    );
    compare(
      `conv ${shape}: Conv2D + BiasAdd + Relu / _MklNativeFusedConv2D`,
      () => one("Relu", [T], [one("BiasAdd", [T, nhwc], [one("Conv2D", conv, [x, w]), b])]),
      () => one("_MklNativeFusedConv2D", fusedConv, [x, w, b]),
    );
    const sizes = tf.tensor1d([3, 3, cin, cout], "int32");
    const dz = tf.randomNormal([batch, hw, hw, cout]);
    compare(
      `filter + bias gradients ${shape}: Conv2DBackpropFilter + BiasAddGrad / ` +
        "_MklNativeConv2DBackpropFilterWithBias",
      () => [
        one("Conv2DBackpropFilter", conv, [x, sizes, dz]),
        one("BiasAddGrad", [T, nhwc], [dz]),
      ],
      () => many("_MklNativeConv2DBackpropFilterWithBias", [...conv, mkl], [x, sizes, dz], 2),
    );
  }
  const x = tf.randomNormal([batch, 6272]);
  const w = tf.randomNormal([6272, 128]);
  const b = tf.randomNormal([128]);
  const mm = [T, attr("transpose_a", "BOOL", false), attr("transpose_b", "BOOL", false)];
  compare(
    `dense ${batch}×6272→128: MatMul + BiasAdd + Relu / _MklNativeFusedMatMul`,
    () => one("Relu", [T], [one("BiasAdd", [T, nhwc], [one("MatMul", mm, [x, w]), b])]),
    () =>
      one("_MklNativeFusedMatMul", [
        ...mm,
        attr("num_args", "INT", 1),
        attr("fused_ops", "STRING", ["BiasAdd", "Relu"]),
        mkl,
      ], [x, w, b]),
  );

  // Adam on the dense kernel: TF.js's optimizer against one ResourceApplyAdam.
  const g = tf.randomNormal([6272, 128]);
  const optimizer = tf.train.adam(1e-3);
  const variable = tf.variable(tf.randomNormal([6272, 128]));
  const dtype = attr("dtype", "TYPE", B.TF_FLOAT);
  const resource = (init: Tensor) => {
    const h = one("VarHandleOp", [
      dtype,
      attr("shape", "SHAPE", init.shape),
      attr("container", "STRING", ""),
      attr("shared_name", "STRING", `ops-probe/${crypto.randomUUID()}`),
    ], []);
    many("AssignVariableOp", [dtype], [h, init], 0);
    return h;
  };
  const [hv, hm, hs] = [resource(variable), resource(tf.zerosLike(g)), resource(tf.zerosLike(g))];
  const scalars = [0.9, 0.999, 1e-3, 0.9, 0.999, 1e-7].map((v) => tf.scalar(v));
  const applyAdam = [T, attr("use_locking", "BOOL", false), attr("use_nesterov", "BOOL", false)];
  const tfjs = median(() => optimizer.applyGradients([{ name: variable.name, tensor: g }]));
  const fused = median(() =>
    many("ResourceApplyAdam", applyAdam, [hv, hm, hs, ...scalars.slice(0, 5), scalars[5], g], 0)
  );
  rows.push(
    `| Adam on the 6272×128 dense kernel: tf.train.adam / ResourceApplyAdam | ${
      tfjs.toFixed(2)
    } | ${fused.toFixed(2)} | (same update, TF's ε form) |`,
  );
  console.log(
    "| op, shapes: what tfjs-node runs / the replacement | ms | ms | largest difference |",
  );
  console.log("| --- | ---: | ---: | ---: |");
  for (const row of rows) console.log(row);
}
