/**
 * Where model1's batch-1 latency goes: tfjs-layers' `predictOnBatch` and
 * `apply` against the same forward pass as TensorFlow ops called directly
 * (oneDNN's fused convolution, MaxPool, MatMul + BiasAdd + Relu, Softmax),
 * in one process, alternating; each the median of 300 calls, the result
 * read back before the clock stops. Checks that the outputs agree.
 *
 *   deno run -A bench/batch1_probe.ts [rounds]
 *   deno run -A bench/batch1_probe.ts 3    # BENCHMARKS.md's batch-1 figures
 *
 * Needs the binding `deno task setup` compiles (list attributes).
 *
 * @module
 */
import type { Tensor } from "@tensorflow/tfjs";
import { loadBackend } from "../src/backends/registry.ts";
import { buildModel } from "../src/models/factory.ts";
import { getModelSpec } from "../src/models/spec.ts";

interface Backend {
  binding: Record<string, number>;
  executeSingleOutput(name: string, attrs: unknown[], inputs: Tensor[]): Tensor;
}

if (import.meta.main) {
  const rounds = Number(Deno.args[0] ?? 3);
  const { tf } = await loadBackend("tensorflow");
  const be = tf.backend() as unknown as Backend;
  const B = be.binding;
  const attr = (name: string, type: string, value: unknown) => ({
    name,
    type: B[`TF_ATTR_${type}`],
    value,
  });
  const T = attr("T", "TYPE", B.TF_FLOAT);
  const nhwc = attr("data_format", "STRING", "NHWC");
  const conv = [
    T,
    attr("strides", "INT", [1, 1, 1, 1]),
    attr("padding", "STRING", "SAME"),
    nhwc,
    attr("dilations", "INT", [1, 1, 1, 1]),
    attr("num_args", "INT", 1),
    attr("TArgs", "TYPE", [B.TF_FLOAT]),
    attr("fused_ops", "STRING", ["BiasAdd", "Relu"]),
    attr("_kernel", "STRING", "MklNameChangeOp"),
  ];
  const pool = [
    T,
    attr("ksize", "INT", [1, 2, 2, 1]),
    attr("strides", "INT", [1, 2, 2, 1]),
    attr("padding", "STRING", "VALID"),
    nhwc,
  ];
  const mm = [T, attr("transpose_a", "BOOL", false), attr("transpose_b", "BOOL", false)];
  const op = (name: string, attrs: unknown[], inputs: Tensor[]) =>
    be.executeSingleOutput(name, attrs, inputs);
  const model = buildModel(getModelSpec("model1"));
  const w = model.getWeights();
  const x = tf.randomNormal([1, 28, 28, 1]);
  const direct = () =>
    tf.tidy(() => {
      let a = op("MaxPool", pool, [op("_MklNativeFusedConv2D", conv, [x, w[0], w[1]])]);
      a = op("MaxPool", pool, [op("_MklNativeFusedConv2D", conv, [a, w[2], w[3]])]);
      a = tf.reshape(a, [1, -1]);
      a = op("Relu", [T], [op("BiasAdd", [T, nhwc], [op("MatMul", mm, [a, w[4]]), w[5]])]);
      a = op("BiasAdd", [T, nhwc], [op("MatMul", mm, [a, w[6]]), w[7]]);
      return op("Softmax", [T], [a]);
    });
  const variants: Record<string, () => Tensor> = {
    "predictOnBatch": () => model.predictOnBatch(x) as Tensor,
    "apply": () => model.apply(x) as Tensor,
    "TensorFlow ops directly": direct,
  };
  const median = async (f: () => Tensor) => {
    const times: number[] = [];
    for (let i = 0; i < 300; i++) {
      const t0 = performance.now();
      const y = f();
      await y.data();
      times.push(performance.now() - t0);
      y.dispose();
    }
    return times.sort((a, b) => a - b)[150];
  };
  const [a, b] = [variants.predictOnBatch(), direct()];
  const difference = tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
  tf.dispose([a, b]);
  console.log(`largest difference between predictOnBatch and the direct ops: ${difference}`);
  for (let round = 1; round <= rounds; round++) {
    const line: string[] = [];
    for (const [name, f] of Object.entries(variants)) {
      line.push(`${name} ${(await median(f)).toFixed(2)} ms`);
    }
    console.log(`round ${round}: ${line.join(", ")}`);
  }
}
