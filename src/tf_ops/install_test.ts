import assert from "node:assert/strict";
import { loadBackend } from "../backends/registry.ts";
import { getEngineSpec } from "../engines/registry.ts";
import { installedNativeGradients, nativeGradientsInstalled } from "./gradients.ts";
import { prepareEngine } from "./install.ts";
import { installedNativeKernels } from "./kernels.ts";

// The tests share one process and run in order: TF.js as loaded, the stock engine, then a
// patching engine, whose patches stay for the rest of the file.
const loaded = await loadBackend("tensorflow");
const { tf } = loaded;
const stockReluGradient = tf.getGradient("Relu");
const stockFusedConv = tf.getKernel("FusedConv2D", "tensorflow");

Deno.test("a bare loadBackend leaves TF.js's own gradients and kernels in place", () => {
  assert.equal(nativeGradientsInstalled(tf), false);
  assert.deepEqual(installedNativeGradients(tf), []);
  assert.deepEqual(installedNativeKernels(tf), []);
  for (const name of ["Relu", "MaxPool"]) {
    const gradient = tf.getGradient(name) as { native?: boolean } | undefined;
    assert.ok(gradient, `TF.js registers a gradient for ${name}`);
    assert.equal(gradient.native, undefined, `${name}'s gradient is TF.js's`);
  }
  for (const name of ["Relu", "FusedConv2D"]) {
    const kernel = tf.getKernel(name, "tensorflow") as { native?: boolean } | undefined;
    assert.ok(kernel, `tfjs-node registers a ${name} kernel`);
    assert.equal(kernel.native, undefined, `${name}'s kernel is tfjs-node's`);
  }
});

Deno.test("prepareEngine installs nothing for the stock engine", () => {
  assert.deepEqual(prepareEngine(loaded, getEngineSpec("tfjs")), {
    nativeGradients: [],
    nativeKernels: [],
  });
  assert.equal(tf.getGradient("Relu"), stockReluGradient);
  assert.equal(tf.getKernel("FusedConv2D", "tensorflow"), stockFusedConv);
});

Deno.test("prepareEngine picks the kernel library and installs the patches of native", () => {
  const prepared = prepareEngine(loaded, getEngineSpec("native"));
  assert.ok(prepared.kernelLibrary, "a patching engine records its kernel library");
  assert.deepEqual(prepared.nativeGradients, installedNativeGradients(tf));
  assert.deepEqual(prepared.nativeKernels, installedNativeKernels(tf));
  assert.ok(prepared.nativeGradients.includes("Relu"), "TensorFlow's ReluGrad runs everywhere");
  // The patch keeps the gradient it replaced: the one a bare load left, TF.js's own.
  const relu = tf.getGradient("Relu") as { native?: boolean; stock?: unknown };
  assert.equal(relu.native, true);
  assert.equal(relu.stock, stockReluGradient);
});

Deno.test("prepareEngine refuses the stock engine once patches are in the process", () => {
  const installed = [...installedNativeGradients(tf), ...installedNativeKernels(tf)];
  assert.throws(() => prepareEngine(loaded, getEngineSpec("tfjs")), {
    message: "prepareEngine: engine tfjs expected TF.js's own gradients and kernels, got " +
      `TensorFlow's for ${installed.join(", ")} installed in this process; ` +
      "run tfjs in a fresh process",
  });
});

Deno.test("prepareEngine with oneDNN off keeps to TensorFlow's generic kernels", () => {
  const off = {
    enabled: false,
    source: "variable",
    reason: "off: TF_ENABLE_ONEDNN_OPTS=0",
  } as const;
  assert.deepEqual(
    prepareEngine(loaded, getEngineSpec("tfjs-patched"), { oneDnn: off })
      .kernelLibrary,
    { library: "generic", reason: "oneDNN is off: TF_ENABLE_ONEDNN_OPTS=0" },
  );
});
