import assert from "node:assert/strict";
import { hostname, totalmem } from "node:os";
import { join } from "node:path";
import { oneDnnState, readCpuFeatures } from "../backends/onednn.ts";
import {
  collectEnvironment,
  describeCpu,
  describeGpu,
  describeOneDnn,
  parseNvidiaSmiGpu,
} from "./environment.ts";
import { SCHEMA_VERSION, validateResults } from "../results/schema.ts";

Deno.test("describeCpu names the model, the cores and the recorded extensions", () => {
  assert.equal(
    describeCpu({ cpu: { model: "AMD EPYC", cores: 2, features: ["avx2", "fma"] } }),
    "AMD EPYC, 2 logical cores; extensions: avx2 fma",
  );
  assert.equal(
    describeCpu({ cpu: { model: "Apple M2", cores: 8, features: [] } }),
    "Apple M2, 8 logical cores; extensions: none of those recorded",
  );
  assert.equal(
    describeCpu({ cpu: { model: "Intel Xeon", cores: 16 } }),
    "Intel Xeon, 16 logical cores; extensions not recorded",
  );
});

Deno.test("describeOneDnn gives the recorded reason, or says there is none", () => {
  assert.equal(
    describeOneDnn({ onednn: oneDnnState(["avx2"], "1") }),
    "on: TF_ENABLE_ONEDNN_OPTS=1",
  );
  assert.equal(
    describeOneDnn({ onednn: oneDnnState(["avx2", "fma"]) }),
    "off: this CPU's default (no AVX-512 VNNI/BF16, AVX-VNNI or AMX)",
  );
  assert.equal(describeOneDnn({}), "not recorded");
});

/** A results file around `env`, to check it against the schema. */
function resultsWith(env: unknown): unknown {
  return {
    schemaVersion: SCHEMA_VERSION,
    createdAt: "2026-11-24T22:00:00.000Z",
    updatedAt: "2026-11-24T22:00:00.000Z",
    status: "partial",
    env,
    config: {
      models: ["model1"],
      epochs: 1,
      batchSize: 128,
      trainSize: 8,
      validationSize: 0,
      testSize: 8,
      backend: "tensorflow",
      seed: 42,
      learningRate: 0.001,
      data: "fixtures: fixtures/fashion-mnist",
      engine: "tfjs",
    },
    runs: [],
  };
}

Deno.test("collectEnvironment records this process, the options given, and passes the schema", async () => {
  const env = await collectEnvironment({
    tfjsVersion: "4.22.0",
    tensorflowVersion: "2.21.0",
    backend: "tensorflow",
    device: "libtensorflow 2.21.0 (CPU)",
    deviceInfo: { kind: "cpu" },
    machine: "bench-vm",
    threads: { intraOp: 2, interOp: 1 },
    oneDnnVariable: "0",
  });
  assert.equal(env.deno, Deno.version.deno);
  assert.equal(env.v8, Deno.version.v8);
  assert.equal(env.typescript, Deno.version.typescript);
  assert.equal(env.tfjs, "4.22.0");
  assert.equal(env.tensorflow, "2.21.0");
  assert.equal(env.backend, "tensorflow");
  assert.equal(env.device, "libtensorflow 2.21.0 (CPU)");
  assert.deepEqual(env.deviceInfo, { kind: "cpu" });
  assert.equal(env.machine, "bench-vm");
  assert.equal(env.os, `${Deno.build.os} ${Deno.build.arch}`);
  assert.equal(env.cpu.cores, navigator.hardwareConcurrency);
  assert.ok(env.cpu.model.length > 0);
  const features = await readCpuFeatures();
  assert.deepEqual(env.cpu.features, features ?? undefined);
  assert.deepEqual(env.onednn, {
    enabled: false,
    source: "variable",
    reason: "off: TF_ENABLE_ONEDNN_OPTS=0",
  });
  assert.equal(env.memoryBytes, totalmem());
  assert.ok(Number.isInteger(env.memoryBytes) && env.memoryBytes > 0);
  assert.deepEqual(env.threads, { intraOp: 2, interOp: 1 });
  // A GPU, or none and the reason: never both, never neither.
  assert.equal(env.gpu === null, typeof env.gpuReason === "string", JSON.stringify(env));
  // The commit of the current directory, as git itself says it, or null outside a checkout.
  const head = await new Deno.Command("git", { args: ["rev-parse", "HEAD"], stderr: "null" })
    .output().catch(() => undefined);
  if (head?.code === 0) {
    const sha = new TextDecoder().decode(head.stdout).trim();
    assert.match(env.gitCommit ?? "", new RegExp(`^${sha}(-dirty)?$`));
  } else assert.equal(env.gitCommit, null);
  const results = validateResults(resultsWith(structuredClone(env)), "env");
  assert.deepEqual(results.env, env);
});

Deno.test("collectEnvironment defaults: no backend, the hostname, default threads, the CPU's oneDNN default", async () => {
  const env = await collectEnvironment({ tfjsVersion: "4.22.0" });
  assert.equal(env.tensorflow, null);
  assert.equal(env.backend, null);
  assert.equal(env.device, null);
  assert.equal("deviceInfo" in env, false);
  assert.equal(env.machine, hostname());
  assert.deepEqual(env.threads, { intraOp: "default", interOp: "default" });
  assert.deepEqual(env.onednn, oneDnnState(await readCpuFeatures()));
  assert.equal(env.onednn!.source, "cpu-default");
  validateResults(resultsWith(env), "env");
});

/** Runs git in `cwd` with a fixed identity; fails the test on a non-zero exit. */
async function git(cwd: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", {
    args: ["-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false"]
      .concat(args),
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  assert.equal(out.code, 0, `git ${args.join(" ")}: ${dec.decode(out.stderr)}`);
  return dec.decode(out.stdout).trim();
}

Deno.test("collectEnvironment records the commit of cwd, -dirty once a tracked file changes, null outside git", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const repo = join(dir, "repo");
    await Deno.mkdir(repo);
    await git(repo, "init", "--quiet");
    await Deno.writeTextFile(join(repo, "a.txt"), "one\n");
    await git(repo, "add", "a.txt");
    await git(repo, "commit", "--quiet", "-m", "first");
    const head = await git(repo, "rev-parse", "HEAD");
    const commit = async (cwd: string) =>
      (await collectEnvironment({ tfjsVersion: "4.22.0", cwd })).gitCommit;
    assert.equal(await commit(repo), head);
    // A new file not added is not a change to the tree that was committed.
    await Deno.writeTextFile(join(repo, "new.txt"), "untracked\n");
    assert.equal(await commit(repo), head);
    await Deno.writeTextFile(join(repo, "a.txt"), "two\n");
    assert.equal(await commit(repo), `${head}-dirty`);
    const outside = join(dir, "plain");
    await Deno.mkdir(outside);
    assert.equal(await commit(outside), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * Runs `collectEnvironment` with a PATH of one folder, holding an
 * `nvidia-smi` (the driver's tool, played by a shell script of builtins
 * only) that prints `stdout` and `stderr` and exits with `code`, or nothing
 * when `stdout` is undefined.
 */
async function withNvidiaSmi(stdout: string | undefined, code = 0, stderr = "") {
  const dir = await Deno.makeTempDir();
  const path = Deno.env.get("PATH") ?? "";
  try {
    if (stdout !== undefined) {
      await Deno.writeTextFile(join(dir, "out.txt"), stdout);
      await Deno.writeTextFile(join(dir, "err.txt"), stderr);
      const print = (file: string, fd: number) =>
        `while IFS= read -r l; do printf '%s\\n' "$l" >&${fd}; done < '${join(dir, file)}'`;
      const script = join(dir, "nvidia-smi");
      await Deno.writeTextFile(
        script,
        `#!/bin/sh\n${print("out.txt", 1)}\n${print("err.txt", 2)}\nexit ${code}\n`,
      );
      await Deno.chmod(script, 0o755);
    }
    Deno.env.set("PATH", dir);
    const env = await collectEnvironment({ tfjsVersion: "4.22.0" });
    return { gpu: env.gpu, gpuReason: env.gpuReason, gitCommit: env.gitCommit };
  } finally {
    Deno.env.set("PATH", path);
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test({
  name:
    "collectEnvironment reads the first GPU's name and driver from nvidia-smi, or why there is none" +
    (Deno.build.os === "windows"
      ? " (ignored on Windows: its stand-in nvidia-smi is a shell script)"
      : ""),
  ignore: Deno.build.os === "windows",
  async fn() {
    const none = { gpuReason: undefined, gitCommit: null }; // no git on this PATH either
    const line = "NVIDIA H200, 570.86.15, 143771, 1980, 3201, 700.00\n";
    assert.deepEqual(await withNvidiaSmi(line + line), {
      gpu: {
        name: "NVIDIA H200",
        driver: "570.86.15",
        memoryMiB: 143771,
        maxSmClockMHz: 1980,
        maxMemoryClockMHz: 3201,
        powerLimitW: 700,
      },
      ...none,
    });
    const unknown = {
      memoryMiB: null,
      maxSmClockMHz: null,
      maxMemoryClockMHz: null,
      powerLimitW: null,
    };
    assert.deepEqual(await withNvidiaSmi("Tesla T4\n"), {
      gpu: { name: "Tesla T4", driver: "", ...unknown },
      ...none,
    });
    assert.deepEqual(await withNvidiaSmi(""), {
      gpu: null,
      gpuReason: "nvidia-smi lists no GPU",
      gitCommit: null,
    });
    assert.deepEqual(
      await withNvidiaSmi(
        "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n" +
          "Make sure that the latest NVIDIA driver is installed and running.\n",
        9,
      ),
      {
        gpu: null,
        gpuReason:
          "nvidia-smi failed: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.",
        gitCommit: null,
      },
    );
    assert.deepEqual(await withNvidiaSmi(undefined), {
      gpu: null,
      gpuReason: "nvidia-smi not found",
      gitCommit: null,
    });
  },
});

Deno.test({
  name: "collectEnvironment takes no GPU name from nvidia-smi's warnings when it lists no GPU",
  async fn() {
    const warning = "WARNING: infoROM is corrupted at gpu 0000:00:04.0\n";
    assert.deepEqual(await withNvidiaSmi("", 0, warning), {
      gpu: null,
      gpuReason: "nvidia-smi lists no GPU",
      gitCommit: null,
    });
  },
});

Deno.test("parseNvidiaSmiGpu reads the name, driver, memory, clocks and power limit, N/A as null", () => {
  assert.deepEqual(
    parseNvidiaSmiGpu("NVIDIA H100 80GB HBM3, 580.159.04, 81559, 1980, 2619, 700.00\n"),
    {
      gpu: {
        name: "NVIDIA H100 80GB HBM3",
        driver: "580.159.04",
        memoryMiB: 81559,
        maxSmClockMHz: 1980,
        maxMemoryClockMHz: 2619,
        powerLimitW: 700,
      },
    },
  );
  const na = parseNvidiaSmiGpu("Some GPU, 550.1, 8192, [N/A], [N/A], [N/A]\n");
  assert.equal(na.gpu?.maxSmClockMHz, null);
  assert.equal(
    describeGpu(na),
    "Some GPU (driver 550.1, 8,192 MiB)",
  );
  assert.equal(
    describeGpu(parseNvidiaSmiGpu("NVIDIA H100, 580.1, 81559, 1980, 2619, 700.00")),
    "NVIDIA H100 (driver 580.1, 81,559 MiB, SM up to 1,980 MHz, 700 W limit)",
  );
  assert.deepEqual(parseNvidiaSmiGpu(""), { gpu: null, reason: "nvidia-smi lists no GPU" });
  assert.equal(
    describeGpu({ gpu: null, gpuReason: "nvidia-smi not found" }),
    "none (nvidia-smi not found)",
  );
});
