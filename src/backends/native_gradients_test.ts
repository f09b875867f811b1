import assert from "node:assert/strict";
import { NATIVE_GRADIENTS, nativeGradientsInstalled } from "./native_gradients.ts";
import { loadBackend } from "./registry.ts";

Deno.test("native Relu gradient matches dy * step(x) on tensorflow and on the cpu backend", async () => {
  const { tf } = await loadBackend("tensorflow");
  assert.deepEqual(NATIVE_GRADIENTS, ["Relu"]);
  assert.ok(nativeGradientsInstalled(tf));
  const grad = tf.grad((v: import("@tensorflow/tfjs").Tensor) =>
    tf.sum(tf.mul(tf.relu(v), tf.tensor1d([1, 2, 3, 4, 5])))
  );
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
