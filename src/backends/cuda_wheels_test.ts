import assert from "node:assert/strict";
import { join } from "node:path";
import {
  CUDA_12_WHEELS,
  CUDA_MANIFEST,
  cudaLibrariesInstalled,
  cudaSharedLibraries,
  installCudaLibraries,
} from "./cuda_wheels.ts";
import { TFJS_NODE_GPU } from "./libtensorflow.ts";
import type { PinnedWheel } from "./tensorflow_wheel.ts";
import { SetupError } from "./setup_tools.ts";
import { runQuiet } from "../_util/run_quiet.ts";
import { listTree, withTempDir } from "../_util/testing.ts";
import { isFile } from "../_util/fs.ts";
import { cacheDirFromEnv } from "../cli/_cli.ts";

/** The `and-cuda` extra of tensorflow==2.21.0, as its wheel's METADATA lists it. */
const AND_CUDA = [
  "nvidia-cublas-cu12<13.0,>=12.5.3.2",
  "nvidia-cuda-cupti-cu12<13.0,>=12.5.82",
  "nvidia-cuda-nvcc-cu12<13.0,>=12.5.82",
  "nvidia-cuda-nvrtc-cu12<13.0,>=12.5.82",
  "nvidia-cuda-runtime-cu12<13.0,>=12.5.82",
  "nvidia-cudnn-cu12<10.0,>=9.3.0.75",
  "nvidia-cufft-cu12<12.0,>=11.2.3.61",
  "nvidia-curand-cu12<11.0,>=10.3.6.82",
  "nvidia-cusolver-cu12<12.0,>=11.6.3.83",
  "nvidia-cusparse-cu12<13.0,>=12.5.1.3",
  "nvidia-nccl-cu12<3.0,>=2.27.7",
  "nvidia-nvjitlink-cu12<13.0,>=12.5.82",
];

function versionTuple(v: string): number[] {
  return v.split(".").map(Number);
}
function compare(a: string, b: string): number {
  const [x, y] = [versionTuple(a), versionTuple(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

Deno.test("the GPU build pins one wheel per requirement of tensorflow[and-cuda], inside its range", () => {
  assert.equal(TFJS_NODE_GPU.runtimeWheels, CUDA_12_WHEELS);
  assert.equal(CUDA_12_WHEELS.length, AND_CUDA.length);
  for (const [i, spec] of AND_CUDA.entries()) {
    const [, name, below, atLeast] = spec.match(/^([\w-]+)<([\d.]+),>=([\d.]+)$/)!;
    const pin = CUDA_12_WHEELS[i];
    const [pinName, version] = pin.requirement.split("==");
    assert.equal(pinName, name);
    assert.ok(compare(version, atLeast) >= 0 && compare(version, below) < 0, pin.requirement);
    assert.ok(pin.file.startsWith(`${name.replaceAll("-", "_")}-${version}-py3-none-`), pin.file);
    assert.ok(pin.file.endsWith(`${pin.platform}.whl`), pin.file);
    assert.match(pin.sha256, /^[0-9a-f]{64}$/);
  }
});

const cachedGpuWheel = join(cacheDirFromEnv(), "wheels", TFJS_NODE_GPU.wheel.file);
const haveGpuWheel = await isFile(cachedGpuWheel);

Deno.test({
  name: "the and-cuda list above is the one in the cached tensorflow wheel's METADATA" +
    (haveGpuWheel ? "" : ` (ignored: no ${cachedGpuWheel})`),
  ignore: !haveGpuWheel,
  async fn() {
    const out = await runQuiet("python3", [
      "-c",
      [
        "import sys, zipfile",
        "z = zipfile.ZipFile(sys.argv[1])",
        "m = [n for n in z.namelist() if n.endswith('.dist-info/METADATA')][0]",
        "for l in z.read(m).decode().splitlines():",
        "    if l.startswith('Requires-Dist:') and 'and-cuda' in l: print(l.split(': ', 1)[1].split(';')[0])",
      ].join("\n"),
      cachedGpuWheel,
    ]);
    assert.equal(out?.code, 0, out?.stderr ?? "no such program");
    assert.deepEqual(out!.stdout.trim().split("\n").map((l) => l.replace(" ", "")), AND_CUDA);
  },
});

/** Writes a small real wheel (a zip) holding `members`. */
async function makeWheel(path: string, members: Record<string, string>): Promise<void> {
  const out = await runQuiet("python3", [
    "-c",
    [
      "import sys, json, zipfile",
      "with zipfile.ZipFile(sys.argv[1], 'w') as z:",
      "    for name, text in json.loads(sys.argv[2]).items(): z.writestr(name, text)",
    ].join("\n"),
    path,
    JSON.stringify(members),
  ]);
  assert.equal(out?.code, 0, out?.stderr ?? "no such program");
}

const pins: PinnedWheel[] = [
  {
    requirement: "nvidia-a-cu12==1.0",
    file: "a.whl",
    sha256: "a".repeat(64),
    pythonVersion: "3.11",
    platform: "x",
  },
  {
    requirement: "nvidia-b-cu12==2.0",
    file: "b.whl",
    sha256: "b".repeat(64),
    pythonVersion: "3.11",
    platform: "x",
  },
];

Deno.test("installCudaLibraries lays out nvidia/ as pip does, with its manifest, replacing an older copy", async () => {
  await withTempDir(async (dir) => {
    await makeWheel(join(dir, "a.whl"), {
      "nvidia/a/lib/liba.so.1": "a",
      "nvidia/a/include/a.h": "",
      "nvidia_a_cu12-1.0.dist-info/METADATA": "",
    });
    await makeWheel(join(dir, "b.whl"), {
      "nvidia/b/lib/libb.so.2": "b",
      "nvidia/b/lib/libb.a": "",
    });
    const nvidia = join(dir, "libtensorflow", "nvidia");
    await Deno.mkdir(join(nvidia, "old"), { recursive: true });
    assert.equal(await cudaLibrariesInstalled(nvidia, pins), false);
    await installCudaLibraries(pins, [join(dir, "a.whl"), join(dir, "b.whl")], nvidia);
    assert.deepEqual(await listTree(join(dir, "libtensorflow")), [
      "nvidia",
      "nvidia/a",
      "nvidia/a/include",
      "nvidia/a/include/a.h",
      "nvidia/a/lib",
      "nvidia/a/lib/liba.so.1",
      "nvidia/b",
      "nvidia/b/lib",
      "nvidia/b/lib/libb.a",
      "nvidia/b/lib/libb.so.2",
      `nvidia/${CUDA_MANIFEST}`,
    ]);
    assert.equal(await cudaLibrariesInstalled(nvidia, pins), true);
    assert.equal(await cudaLibrariesInstalled(nvidia, pins.slice(0, 1)), false);
    assert.deepEqual(await cudaSharedLibraries(nvidia), [
      join(nvidia, "a/lib/liba.so.1"),
      join(nvidia, "b/lib/libb.so.2"),
    ]);
  });
});

Deno.test("installCudaLibraries refuses a wheel without an nvidia/ folder and leaves nothing", async () => {
  await withTempDir(async (dir) => {
    await makeWheel(join(dir, "a.whl"), { "other/liba.so.1": "a" });
    const nvidia = join(dir, "libtensorflow", "nvidia");
    await assert.rejects(
      installCudaLibraries(pins.slice(0, 1), [join(dir, "a.whl")], nvidia),
      (err: Error) =>
        err instanceof SetupError &&
        err.message ===
          `could not unpack the CUDA wheels: ${
            join(dir, "a.whl")
          }: expected an nvidia/ folder in the wheel, found none`,
    );
    assert.deepEqual(await listTree(join(dir, "libtensorflow")), []);
  });
});
