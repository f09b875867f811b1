import assert from "node:assert/strict";
import { BACKEND_NAMES, deepProbe, getBackendSpec, loadBackend, probeAll } from "./registry.ts";
import { loadLibtensorflow, TFJS_NODE_GPU } from "./libtensorflow.ts";

const hasNvidiaDriver = await Deno.stat("/proc/driver/nvidia/version").then(
  () => true,
  () => false,
);
/** WebGPU as a child process finds it here: which of the WebGPU tests below can run. */
const webgpu = await deepProbe("webgpu");

Deno.test("BACKEND_NAMES lists every backend best first", () => {
  assert.deepEqual(BACKEND_NAMES, [
    "tensorflow-gpu",
    "tensorflow",
    "webgpu",
    "wasm",
    "cpu",
    "browser-wasm",
    "browser-webgl",
    "browser-webgpu",
    "browser-cpu",
  ]);
});

Deno.test("getBackendSpec rejects an unknown name and lists the valid ones", () => {
  assert.throws(() => getBackendSpec("tpu"), {
    name: "RangeError",
    message:
      'unknown backend "tpu": expected one of tensorflow-gpu, tensorflow, webgpu, wasm, cpu, browser-wasm, browser-webgl, browser-webgpu, browser-cpu',
  });
});

Deno.test("probeAll finds the native CPU addon and the pure-JS backend", async () => {
  const probes = await probeAll();
  assert.deepEqual(probes.map((p) => p.name), BACKEND_NAMES);
  const native = probes.find((p) => p.name === "tensorflow")!;
  assert.equal(native.available, true, native.reason);
  assert.match(native.reason, /lib\/napi-v8\/tfjs_binding\.node$/);
  assert.equal(probes.find((p) => p.name === "cpu")!.available, true);
});

Deno.test({
  name: "probeAll reports tensorflow-gpu unavailable without an NVIDIA driver",
  ignore: hasNvidiaDriver,
  async fn() {
    const gpu = (await probeAll()).find((p) => p.name === "tensorflow-gpu")!;
    assert.equal(gpu.available, false);
    assert.equal(
      gpu.reason,
      "no NVIDIA driver (/proc/driver/nvidia/version is missing), so TensorFlow would fall back to the CPU",
    );
  },
});

Deno.test("deepProbe loads libtensorflow 2.21.0 in a child process", async () => {
  const probe = await deepProbe("tensorflow");
  assert.equal(probe.available, true, probe.reason);
  assert.equal(probe.device?.kind, "cpu");
  assert.equal(probe.device?.tensorflowVersion, "2.21.0");
  assert.equal(probe.reason, "libtensorflow 2.21.0 (CPU)");
});

Deno.test({
  name: "deepProbe says why WebGPU is unavailable" +
    (webgpu.available ? " (ignored: WebGPU is available here)" : ""),
  ignore: webgpu.available,
  fn() {
    assert.match(webgpu.reason, /navigator\.gpu|adapter/);
  },
});

Deno.test({
  name: "deepProbe flags a software WebGPU adapter as not a GPU" +
    (webgpu.available ? "" : ` (ignored: ${webgpu.reason})`),
  ignore: !webgpu.available,
  fn() {
    const fallback = webgpu.device!.isFallbackAdapter!;
    assert.equal(webgpu.device!.kind, fallback ? "cpu" : "gpu");
    assert.equal(webgpu.reason.endsWith("(software adapter, not a GPU)"), fallback);
  },
});

Deno.test("loadBackend trains a small CNN on the libtensorflow backend without leaking tensors", async () => {
  const { tf, device } = await loadBackend("tensorflow");
  assert.equal(tf.getBackend(), "tensorflow");
  assert.equal(device.tensorflowVersion, "2.21.0");

  // A learnable toy task: is the bright square in the left or the right half?
  const n = 64;
  const images = new Float32Array(n * 8 * 8);
  const labels = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const right = i % 2;
    for (let r = 2; r < 6; r++) {
      for (let c = 0; c < 3; c++) images[i * 64 + r * 8 + c + right * 5] = 1;
    }
    labels[i * 2 + right] = 1;
  }
  const xs = tf.tensor4d(images, [n, 8, 8, 1]);
  const ys = tf.tensor2d(labels, [n, 2]);
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [8, 8, 1],
        filters: 4,
        kernelSize: 3,
        activation: "relu",
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({
        units: 2,
        activation: "softmax",
        kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
      }),
    ],
  });
  model.compile({
    optimizer: tf.train.adam(0.05),
    loss: "categoricalCrossentropy",
    metrics: ["accuracy"],
  });
  // The first epoch creates Adam's slot variables; after it the count must stay flat.
  const fit = (epochs: number) =>
    model.fit(xs, ys, { epochs, batchSize: 16, shuffle: false, verbose: 0 });
  const first = await fit(1);
  const afterFirstEpoch = tf.memory().numTensors;
  const rest = await fit(14);
  const losses = [...first.history.loss, ...rest.history.loss] as number[];
  const acc = rest.history.acc as number[];
  assert.ok(losses.at(-1)! < losses[0] / 2, `loss went ${losses[0]} → ${losses.at(-1)}`);
  assert.equal(acc.at(-1), 1);
  assert.equal(tf.memory().numTensors, afterFirstEpoch);
  model.dispose();
  tf.dispose([xs, ys]);
});

Deno.test("loadLibtensorflow refuses the GPU package once the CPU package holds the process", async () => {
  await loadBackend("tensorflow");
  let imported = false;
  await assert.rejects(
    loadLibtensorflow({
      ...TFJS_NODE_GPU,
      importPackage: () => {
        imported = true;
        return Promise.resolve();
      },
    }),
    {
      message:
        "backend tensorflow-gpu: this process already holds the tensorflow backend, and the two " +
        "native packages cannot share a process; run tensorflow-gpu in its own process",
    },
  );
  assert.equal(imported, false);
});

Deno.test("loadBackend refuses libtensorflow once WebGPU runs in the process", async () => {
  const script = new URL("../../test/scripts/webgpu_then_native.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script],
    stdout: "piped",
    stderr: "null",
  }).output();
  assert.equal(out.code, 0);
  assert.equal(
    new TextDecoder().decode(out.stdout),
    "refused: backend tensorflow: the WebGPU backend is already running in this process, and " +
      "loading libtensorflow after a WebGPU adapter is open crashes the process; run tensorflow " +
      "in its own process\n",
  );
});

/** Why the software-adapter test below cannot run here, if it cannot. */
const noSoftwareAdapter = !webgpu.available
  ? webgpu.reason
  : webgpu.device?.isFallbackAdapter
  ? undefined
  : "a real GPU: nothing to refuse";

Deno.test({
  name: "loadBackend refuses a software WebGPU adapter unless the fallback is allowed" +
    (noSoftwareAdapter === undefined ? "" : ` (ignored: ${noSoftwareAdapter})`),
  ignore: noSoftwareAdapter !== undefined,
  async fn() {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        `import { loadBackend } from "${new URL("./registry.ts", import.meta.url).href}";
       await loadBackend("webgpu").then(() => console.log("loaded"), (e) => console.log(e.message));`,
      ],
      stdout: "piped",
      stderr: "null",
    }).output();
    assert.match(
      new TextDecoder().decode(out.stdout),
      /^backend webgpu runs on the CPU here \(WebGPU: .* \(software adapter, not a GPU\)\); pick a CPU backend, or allow the fallback explicitly\n$/,
    );
  },
});
