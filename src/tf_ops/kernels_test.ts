import assert from "node:assert/strict";
import type { Tensor4D } from "@tensorflow/tfjs";
import {
  installedNativeKernels,
  installNativeKernels,
  NATIVE_KERNELS,
  uninstallNativeKernels,
} from "./kernels.ts";
import { loadBackend } from "../backends/registry.ts";
import { prepareEngine } from "./install.ts";
import { getEngineSpec } from "../engines/registry.ts";

Deno.test("native FusedConv2D kernel equals tfjs-node's conv, bias and activation", async () => {
  const loaded = await loadBackend("tensorflow");
  prepareEngine(loaded, getEngineSpec("native"));
  const { tf } = loaded;
  assert.deepEqual(NATIVE_KERNELS, ["FusedConv2D"]);
  assert.deepEqual(installedNativeKernels(tf), ["FusedConv2D"], "the native engine installs it");
  const x = tf.randomNormal([3, 9, 9, 4], 0, 1, "float32", 1) as Tensor4D;
  const w = tf.randomNormal([3, 3, 4, 5], 0, 1, "float32", 2) as Tensor4D;
  const b = tf.randomNormal([5], 0, 1, "float32", 3);
  const cases = [
    { pad: "same", strides: 1, activation: "relu" },
    { pad: "valid", strides: 2, activation: "relu" },
    { pad: "same", strides: 1, activation: "linear" },
  ] as const;
  const run = () =>
    cases.map((c) =>
      tf.fused.conv2d({
        x,
        filter: w,
        strides: c.strides,
        pad: c.pad,
        bias: b,
        activation: c.activation,
      })
    );
  const native = run();
  uninstallNativeKernels(tf);
  try {
    assert.deepEqual(installedNativeKernels(tf), []);
    const stock = run();
    for (const [i, c] of cases.entries()) {
      assert.deepEqual(native[i].shape, stock[i].shape, JSON.stringify(c));
      const [a, s] = [native[i].dataSync(), stock[i].dataSync()];
      let worst = 0;
      a.forEach((v, j) => worst = Math.max(worst, Math.abs(v - s[j])));
      assert.ok(worst < 1e-5, `${JSON.stringify(c)}: largest difference ${worst}`);
    }
    tf.dispose([...native, ...stock, x, w, b]);
  } finally {
    installNativeKernels(tf);
  }
  assert.deepEqual(installedNativeKernels(tf), ["FusedConv2D"]);
});
