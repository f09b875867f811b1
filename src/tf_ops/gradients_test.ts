import assert from "node:assert/strict";
import type { Tensor, Tensor4D } from "@tensorflow/tfjs";
import {
  installedNativeGradients,
  installNativeGradients,
  NATIVE_GRADIENTS,
  nativeGradientsInstalled,
  uninstallNativeGradients,
} from "./gradients.ts";
import { loadBackend } from "../backends/registry.ts";
import { prepareEngine } from "./install.ts";
import { getEngineSpec } from "../engines/registry.ts";

Deno.test("native Relu gradient matches dy * step(x) on tensorflow and on the cpu backend", async () => {
  const loaded = await loadBackend("tensorflow");
  prepareEngine(loaded, getEngineSpec("native"));
  const { tf } = loaded;
  assert.deepEqual(NATIVE_GRADIENTS, ["Relu", "MaxPool"]);
  assert.ok(nativeGradientsInstalled(tf));
  const grad = tf.grad((v: Tensor) => tf.sum(tf.mul(tf.relu(v), tf.tensor1d([1, 2, 3, 4, 5]))));
  const x = [-2, -0.5, 0, 0.5, 3];
  const expected = [0, 0, 0, 4, 5]; // dy where x > 0; TF's ReluGrad and TF.js's step agree at 0
  const onNative = tf.tidy(() => grad(tf.tensor1d(x)));
  assert.deepEqual([...(await onNative.data())], expected);
  onNative.dispose();
  // The registry is global: on another backend the override runs TF.js's own gradient.
  await tf.setBackend("cpu");
  try {
    const onCpu = tf.tidy(() => grad(tf.tensor1d(x)));
    assert.deepEqual([...(await onCpu.data())], expected);
    onCpu.dispose();
  } finally {
    await tf.setBackend("tensorflow");
  }
});

Deno.test("native MaxPool gradient equals TF.js's stock one, ties and padding included", async () => {
  const loaded = await loadBackend("tensorflow");
  prepareEngine(loaded, getEngineSpec("native"));
  const { tf } = loaded;
  assert.deepEqual(installedNativeGradients(tf), ["Relu", "MaxPool"]);
  // ReLU'd noise has many all-zero windows; rounding makes ties among positive values too.
  const x = tf.tidy(() => tf.round(tf.relu(tf.randomNormal([4, 9, 9, 3], 0, 2, "float32", 7))));
  const dy = (shape: number[]) => tf.randomNormal(shape, 0, 1, "float32", 8);
  const cases = [
    { size: 2, stride: 2, pad: "valid", tolerance: 0 },
    { size: 2, stride: 2, pad: "same", tolerance: 0 },
    // Overlapping windows add several dy into one input, in another order.
    { size: 3, stride: 2, pad: "same", tolerance: 1e-6 },
    { size: 3, stride: 1, pad: "valid", tolerance: 1e-6 },
  ] as const;
  const gradients = () =>
    cases.map(({ size, stride, pad }) =>
      tf.tidy(() => {
        const y = tf.maxPool(x as Tensor4D, size, stride, pad);
        const dys = dy(y.shape);
        return tf.grad((v: Tensor) =>
          tf.sum(tf.mul(tf.maxPool(v as Tensor4D, size, stride, pad), dys))
        )(x);
      })
    );
  const native = gradients();
  uninstallNativeGradients(tf);
  try {
    assert.deepEqual(installedNativeGradients(tf), []);
    const stock = gradients();
    for (const [i, c] of cases.entries()) {
      const [a, b] = [native[i].dataSync(), stock[i].dataSync()];
      const worst = Math.max(...a.map((v, j) => Math.abs(v - b[j])));
      assert.ok(worst <= c.tolerance, `${JSON.stringify(c)}: largest difference ${worst}`);
      assert.ok(a.some((v) => v !== 0), "the gradient is not all zero");
    }
    tf.dispose([...native, ...stock, x]);
  } finally {
    installNativeGradients(tf);
  }
  assert.deepEqual(installedNativeGradients(tf), ["Relu", "MaxPool"]);
});

Deno.test("installNativeGradients names the expected gradients when given an unknown one", async () => {
  const loaded = await loadBackend("tensorflow");
  prepareEngine(loaded, getEngineSpec("native"));
  const { tf } = loaded;
  assert.throws(
    () => installNativeGradients(tf, { names: ["Conv2D"] }),
    {
      name: "RangeError",
      message: "installNativeGradients: expected names from Relu, MaxPool, got Conv2D",
    },
  );
});
