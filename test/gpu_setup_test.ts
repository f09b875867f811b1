/**
 * `deno task setup --gpu` and what the GPU build reports on this machine.
 *
 * The first test always runs. The others need the GPU build (3.4 GB of
 * downloads): they run where `deno task setup --gpu` has been done, and are
 * ignored elsewhere, unless `FMNIST_REQUIRE_GPU_SETUP=1` (set by
 * `.ci/run --gpu-setup`) makes a missing build a failure.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "./_cli.ts";
import {
  addonPath,
  TFJS_NODE,
  TFJS_NODE_GPU,
  tfjsNodePackageDir,
} from "../src/backends/libtensorflow.ts";
import { buildDir } from "../src/backends/binding_build.ts";
import { CUDA_12_WHEELS } from "../src/backends/cuda_wheels.ts";
import { loadInChild } from "../src/backends/registry.ts";
import { cacheDirFromEnv } from "../src/cli/_cli.ts";
import { exists } from "../src/_util/fs.ts";
import { withTempDir } from "../src/_util/testing.ts";

const WHEEL_BUILD = `tf${TFJS_NODE.wheel.tensorflowVersion}-wheel`;
const gpuDir = tfjsNodePackageDir(TFJS_NODE_GPU);
const gpuSetUp = gpuDir !== undefined && (await exists(addonPath(gpuDir)));
const required = Deno.env.get("FMNIST_REQUIRE_GPU_SETUP") === "1";
const hasDriver = await exists("/proc/driver/nvidia/version");

/**
 * Runs `setup --gpu --force --offline` on a cache folder where it must fail,
 * checks that it says no route worked, and returns what it printed on stdout.
 */
async function failedGpuSetup(cache: string, ...args: string[]): Promise<string> {
  const { code, stdout, stderr } = await runCli(
    "setup",
    "--gpu",
    "--force",
    "--offline",
    "--cache-dir",
    cache,
    ...args,
  );
  assert.equal(code, 1, stdout + stderr);
  assert.equal(
    stderr.trim().split("\n")[0],
    "error: no route gave a working @tensorflow/tfjs-node-gpu:",
  );
  return stdout;
}

Deno.test("setup --gpu deletes and refuses a CUDA wheel with the wrong checksum; the CPU build still loads", async () => {
  await withTempDir(async (cache) => {
    // The libtensorflow step is taken as done (the CPU build's libraries stand
    // in; nothing is compiled), so that (c) goes straight to the CUDA wheels.
    const cpuLib = join(
      buildDir(cacheDirFromEnv(), TFJS_NODE, WHEEL_BUILD),
      "libtensorflow",
      "tensorflow",
    );
    const gpuLib = join(buildDir(cache, TFJS_NODE_GPU, WHEEL_BUILD), "libtensorflow");
    await Deno.mkdir(gpuLib, { recursive: true });
    await Deno.symlink(cpuLib, join(gpuLib, "tensorflow"));
    const bad = join(cache, "wheels", CUDA_12_WHEELS[0].file);
    await Deno.mkdir(join(cache, "wheels"));
    await Deno.writeTextFile(bad, "truncated download\n");
    const stdout = await failedGpuSetup(cache);
    assert.match(stdout, /^setup: \(c\) CUDA 1\/12: nvidia-cublas-cu12==12\.9\.3\.13$/m);
    assert.ok(
      stdout.includes(
        `(c) failed: ${bad}: expected SHA-256 ${CUDA_12_WHEELS[0].sha256}, got `,
      ),
      stdout,
    );
    assert.equal(await exists(bad), false);
    assert.equal(await exists(join(gpuLib, "nvidia")), false);
  });
  const cpu = await loadInChild("tensorflow");
  assert.ok(cpu.ok && cpu.device.description === "libtensorflow 2.21.0 (CPU)", JSON.stringify(cpu));
});

Deno.test("setup --gpu without pip says what is missing, and leaves the CPU build working", async () => {
  await withTempDir(async (cache) => {
    const python = join(cache, "no-python");
    const stdout = await failedGpuSetup(cache, "--python", python);
    assert.match(
      stdout,
      new RegExp(
        `^setup: \\(c\\) failed: missing tool: ${python} \\(to download TensorFlow's wheel\\); install Python 3: apt-get install python3$`,
        "m",
      ),
    );
  });
  const cpu = await loadInChild("tensorflow");
  assert.ok(cpu.ok, JSON.stringify(cpu));
});

const gpuTest = { ignore: !gpuSetUp && !required };
/** What an ignored GPU-build test says in its name. */
const noGpuBuild = gpuTest.ignore ? " (ignored: the GPU build is not set up here)" : "";

Deno.test({
  name: "setup --gpu: every library resolves; without a driver it says so in one line" + noGpuBuild,
  ...gpuTest,
  async fn() {
    assert.ok(gpuSetUp, "the GPU build is not set up: run `deno task setup --gpu`");
    const { code, stdout } = await runCli("setup", "--gpu", "--offline");
    assert.equal(code, 0, stdout);
    const last = stdout.trim().split("\n").at(-1)!;
    assert.match(
      stdout,
      /^setup: \(a\) CUDA: CUDA runtime 12\.9 and cuDNN 9\.28\.0 in .*\/nvidia; all \d+ libraries resolve; /m,
    );
    if (hasDriver) {
      assert.match(
        last,
        /^setup: ready in [\d.]+ s: tensorflow-gpu loads and computes: libtensorflow 2\.21\.0 \(CUDA GPU\): .+, compute capability [\d.]+ \(CUDA runtime 12\.9, cuDNN 9\.28\.0, all \d+ libraries resolve\)$/,
      );
    } else {
      assert.match(
        last,
        /^setup: ready in [\d.]+ s: tensorflow-gpu loads; the CUDA libraries are complete \(CUDA runtime 12\.9, cuDNN 9\.28\.0, all \d+ libraries resolve\) and no NVIDIA driver is present, so it runs on the CPU here and stays unavailable for runs until a GPU is visible \(TensorFlow: .*cuInit.*\)$/,
      );
    }
  },
});

Deno.test({
  name: "the GPU build loads and, without a GPU, reports none with TensorFlow's reason" +
    (noGpuBuild || (hasDriver ? " (ignored: an NVIDIA driver here)" : "")),
  ...gpuTest,
  ignore: gpuTest.ignore || hasDriver,
  async fn() {
    const result = await loadInChild("tensorflow-gpu");
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.device.kind, "cpu");
    assert.equal(result.device.fellBackToCpu, true);
    assert.equal(result.device.patchedBinding, true);
    assert.match(result.device.noGpuReason ?? "", /^TensorFlow: failed call to cuInit: /);
  },
});

Deno.test({
  name: "doctor reports the CUDA runtime and cuDNN versions, and the driver's absence" + noGpuBuild,
  ...gpuTest,
  async fn() {
    const { code, stdout } = await runCli("doctor", "--json");
    assert.equal(code, 0, stdout);
    const report = JSON.parse(stdout);
    assert.equal(report.cuda.unresolved, undefined);
    assert.equal(report.cuda.versions.cudaRuntime, "12.9");
    assert.equal(report.cuda.versions.cudnn, "9.28.0");
    const gpu = report.backends.find((b: { name: string }) => b.name === "tensorflow-gpu");
    if (hasDriver) {
      assert.match(report.cuda.versions.driverCuda, /^\d+\.\d+$/);
    } else {
      assert.equal(report.cuda.versions.driverCuda, null);
      assert.deepEqual(report.cuda.missingDriverLibraries, ["libcuda.so.1"]);
      assert.equal(gpu.available, false);
      assert.match(gpu.reason, /^no NVIDIA driver/);
      const text = await runCli("doctor");
      assert.match(
        text.stdout,
        /^ {2}CUDA {8}tensorflow-gpu's build: CUDA runtime 12\.9 and cuDNN 9\.28\.0 in .*; all \d+ libraries resolve; no NVIDIA driver \(libcuda\.so\.1 missing\)$/m,
      );
    }
  },
});
