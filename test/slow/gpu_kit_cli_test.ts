/**
 * `deno task gpu-kit` as a user runs it: its refusals, and a real kit built
 * into a temporary folder (the compressed Deno and the wheels come from the
 * suite's cache after the first build) whose `run.sh` then runs from there,
 * outside the repository, with an empty `DENO_DIR`: refusing this machine,
 * which has no GPU, in one line; printing its plan; running dry (model1, 4
 * images of the kit's data subset, 1 epoch, on each side in turn: pure JS,
 * wasm, and Keras on TensorFlow's CPU in the peer's environment when
 * `deno task setup-keras` made it, twice) into result files that merge reads
 * and pairs, each pair with its training ratio (wasm trains); and refusing a damaged data file or Deno binary.
 *
 * `FMNIST_BENCH_KIT_E2E=1` adds the whole dry run as the GPU machine would
 * run it (WebGPU on the software adapter, wasm and Keras on both sides,
 * model1–3): several minutes on 2 cores.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { sha256File, sha256Hex } from "../../src/_util/hash.ts";
import { FILE_NAMES, FILE_ROLES, FULL_CHECKSUMS } from "../../src/data/checksums.ts";
import { listTree, withTempDir } from "../../src/_util/testing.ts";
import { KIT_MANIFEST, type KitManifest } from "../../src/kit/manifest.ts";
import { KIT_SIZE_LIMIT } from "../../src/kit/size.ts";
import { KIT_VULKAN, KIT_VULKAN_FILE } from "../../src/kit/vulkan_loader.ts";
import { KIT_WHEELS } from "../../src/kit/wheels.ts";
import { buildComparison } from "../../src/compare/comparison.ts";
import { readComparisonInputs } from "../../src/compare/comparison_files.ts";
import { renderComparison } from "../../src/report/comparison_markdown.ts";
import { runCli } from "../_cli.ts";
import { probeTestKeras } from "../_keras.ts";
import { tableTopLevel, writtenTopLevel } from "../_output_files.ts";

const keras = await probeTestKeras();
/** The Python the dry run gives Keras: the peer's environment, else the system's (no Keras). */
const python = keras.available ? keras.python : "python3";

async function runKit(kit: string, ...args: string[]) {
  return await runKitWith(kit, {}, ...args);
}

async function runKitWith(kit: string, env: Record<string, string>, ...args: string[]) {
  const out = await new Deno.Command(join(kit, "run.sh"), {
    args,
    cwd: kit,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("gpu-kit without --out says what it needs", async () => {
  const { code, stderr } = await runCli("gpu_kit");
  assert.equal(code, 2);
  assert.equal(stderr, "error: --out: expected the kit's folder, e.g. --out gpu-kit; see --help\n");
});

Deno.test("gpu-kit refuses a folder that is not empty, unless --force", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(join(dir, "notes.txt"), "mine");
    const { code, stderr } = await runCli("gpu_kit", "--out", dir);
    assert.equal(code, 2);
    assert.equal(
      stderr,
      `error: --out ${dir}: expected a new or empty folder, got one with 1 entry; ` +
        "add --force to replace them\n",
    );
    assert.deepEqual(await listTree(dir), ["notes.txt"]);
  });
});

Deno.test("the kit's program refuses the pure-JS backend outside a dry run", async () => {
  const { code, stderr } = await runCli("gpu_kit_run", "--backend", "cpu");
  assert.equal(code, 2);
  assert.equal(
    stderr,
    'error: --backend: expected webgpu (cpu only with --dry-run), got "cpu"\n',
  );
});

for (
  const [args, message] of [
    [
      ["--budget", "8 minutes"],
      'error: --budget: expected a duration such as 480s, 8m, 1h or 1h30m, got "8 minutes"',
    ],
    [["--only", "webgpu"], 'error: --only: expected tfjs or keras, got "webgpu"'],
    [
      ["--epochs", "1"],
      "error: --epochs: expected at least 2 (the first is left out of the median), got 1",
    ],
  ] as const
) {
  Deno.test(`the kit's program refuses ${args.join(" ")} in one line`, async () => {
    const { code, stderr } = await runCli("gpu_kit_run", ...args);
    assert.equal(code, 2);
    assert.equal(stderr, `${message}\n`);
  });
}

Deno.test("gpu-kit builds a kit of at most 64 MiB that runs offline from its own folder", async (t) => {
  await withTempDir(async (dir) => {
    const kit = join(dir, "kit");
    const built = await runCli("gpu_kit", "--out", kit);
    assert.equal(built.code, 0, built.stderr);

    await t.step(
      "it holds Deno, the bundle, the data, the wheels and run.sh, in 64 MiB",
      async () => {
        const files = (await listTree(kit)).filter((f) => !(f.endsWith("/") || !f.includes(".")));
        assert.deepEqual(
          files,
          [
            "README.md",
            "data/subset.json",
            "data/t10k-images-idx3-ubyte.xz",
            "data/t10k-labels-idx1-ubyte.xz",
            "data/train-images-idx3-ubyte.xz",
            "data/train-labels-idx1-ubyte.xz",
            "app/src/cli/gpu_kit_run.js",
            "app/src/cli/keras_peer.py",
            "app/node_modules/vega-embed/build/vega-embed.min.js",
            "app/node_modules/vega-embed/package.json",
            "app/node_modules/vega-lite/build/vega-lite.min.js",
            "app/node_modules/vega-lite/package.json",
            "app/node_modules/vega/build/vega.min.js",
            "app/node_modules/vega/package.json",
            "app/node_modules/@tensorflow/tfjs-backend-wasm/package.json",
            "app/node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm",
            "app/node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm",
            "app/node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm",
            "deno.xz",
            KIT_MANIFEST,
            "run.sh",
            KIT_VULKAN_FILE,
            ...KIT_WHEELS.map((w) => `wheels/${w.file}`).sort(),
          ].sort(),
        );
        let total = 0;
        for (const f of files) total += (await Deno.stat(join(kit, f))).size;
        assert.ok(total <= KIT_SIZE_LIMIT, `${total} bytes`);
        assert.match(
          built.stdout,
          new RegExp(`of ${KIT_SIZE_LIMIT.toLocaleString("en-US")} bytes`),
        );
        const manifest: KitManifest = JSON.parse(await Deno.readTextFile(join(kit, KIT_MANIFEST)));
        const runSh = await Deno.readTextFile(join(kit, "run.sh"));
        const script = (text: string) => runSh.includes(text);
        assert.equal(manifest.deno.sha256, await sha256File(await Deno.realPath(Deno.execPath())));
        assert.equal(manifest.deno.xzSha256, await sha256File(join(kit, "deno.xz")));
        assert.equal(
          manifest.data,
          "subset: work/data (30,000 training, 10,000 test images, 3000 and 1000 per class, seed 42)",
        );
        // The subset was picked from the official files, and run.sh checks every file it unpacks.
        assert.deepEqual(manifest.subset.of, FULL_CHECKSUMS);
        assert.deepEqual(
          JSON.parse(await Deno.readTextFile(join(kit, "data", "subset.json"))),
          manifest.subset,
        );
        for (const role of FILE_ROLES) {
          const xz = join(kit, "data", `${FILE_NAMES[role]}.xz`);
          assert.ok(script(await sha256File(xz)) && script(manifest.subset.sha256[role]));
        }
        const readme = await Deno.readTextFile(join(kit, "README.md"));
        assert.match(
          readme,
          /The kit holds [\d.]+ MB \([\d,]+ bytes\) of its 64 MiB limit \([\d.]+ MB \([\d,]+ bytes\) left\)/,
        );
        for (const w of KIT_WHEELS) {
          assert.equal(await sha256File(join(kit, "wheels", w.file)), w.sha256);
        }
        assert.equal(await sha256File(join(kit, KIT_VULKAN_FILE)), KIT_VULKAN.sha256);
        assert.deepEqual(
          [manifest.vulkan.sha256, manifest.vulkan.debSha256, manifest.files[KIT_VULKAN_FILE]],
          [KIT_VULKAN.sha256, KIT_VULKAN.debSha256, KIT_VULKAN.bytes],
        );
        assert.ok(manifest.packages.includes("@tensorflow/tfjs-backend-webgpu@4.22.0"));
        assert.ok(!manifest.packages.some((p) => p.startsWith("@tensorflow/tfjs-node")));
        // The kit runs no browser backend: the page driver and its bundler stay out.
        for (const absent of ["puppeteer-core@", "esbuild@"]) {
          assert.ok(!manifest.packages.some((p) => p.startsWith(absent)), absent);
        }
        assert.match(runSh, /^#!\/usr\/bin\/env bash\n[\s\S]*set -euo pipefail/);
        assert.ok(script(manifest.deno.sha256) && script(manifest.deno.xzSha256));
      },
    );

    await t.step(
      "--plan prints the default budget's plan, which fits, and runs nothing",
      async () => {
        const { code, stdout } = await runKit(kit, "--plan");
        assert.equal(code, 0);
        const lines = stdout.trim().split("\n");
        // Both TF.js sides train what wasm can in the budget; Keras keeps all the data on both.
        assert.deepEqual(lines.slice(0, 6), [
          "model1 on TF.js webgpu: 1,000 training images × 3 epochs, about 38 s",
          "model1 on TF.js wasm (CPU): 1,000 training images × 3 epochs, about 150 s",
          "model1 on Keras GPU: 25,000 training images × 3 epochs, about 39 s",
          "model1 on Keras CPU: 25,000 training images × 3 epochs, about 114 s",
          "model1, TF.js pair: 1,000 training images on both sides (like for like), the most its " +
          "share of the budget fits: TF.js wasm (CPU) is expected at 30 images/s",
          "model1, Keras pair: 25,000 training images on both sides (like for like), all the data",
        ]);
        const total = Number(stdout.match(/^about (\d+) s in all, of a budget of 480 s$/m)?.[1]);
        assert.ok(total > 0 && total <= 480, stdout);
        assert.equal(lines.length, 9, stdout);
        assert.match(
          lines[7],
          /^left out: model2: \d+ s of the budget left, and its smallest run /,
        );
        assert.match(
          lines[8],
          /^left out: model3: \d+ s of the budget left, and its smallest run /,
        );
      },
    );

    await t.step("without a GPU it stops at once, in one line naming what is missing", async () => {
      const { code, stdout, stderr } = await runKit(kit, "--python", python);
      assert.equal(code, 1, stderr);
      assert.equal(stdout, "");
      assert.match(
        stderr,
        /^error: no GPU to measure here: WebGPU: [^\n]*; Keras: [^\n]*; \.\/run\.sh --dry-run runs the same steps with tiny sizes on what is here\n$/,
      );
    });

    await t.step("--dry-run writes results that merge reads, with no download", async () => {
      const out = join(dir, "dry");
      // An ldconfig that lists no libraries: the machine seems to have no Vulkan loader.
      const bin = join(dir, "bin");
      await Deno.mkdir(bin);
      await Deno.writeTextFile(join(bin, "ldconfig"), "#!/bin/sh\nexit 0\n");
      await Deno.chmod(join(bin, "ldconfig"), 0o755);
      const { code, stdout, stderr } = await runKitWith(
        kit,
        { PATH: `${bin}:${Deno.env.get("PATH")}` },
        "--dry-run",
        "--backend",
        "cpu",
        "--models",
        "model1",
        "--python",
        python,
        "--machine",
        "kit-dry",
        "--out",
        out,
      );
      assert.equal(code, 0, stderr);
      assert.ok(stdout.includes(`deno task merge ${out} `), stdout);
      if (!keras.available) assert.match(stderr, /^gpu-kit: Keras: not available: /m);
      const inputs = await readComparisonInputs([out]);
      const rows = buildComparison({ results: inputs.results }).rows;
      assert.deepEqual(
        rows.map((r) => [r.machine, r.model, r.backend, r.engine, r.status, r.trainSize]).sort(),
        [
          ["kit-dry", "model1", "cpu", "tfjs", "measured", 4],
          ["kit-dry", "model1", "wasm", "tfjs", "measured", 4],
          ...(keras.available
            ? [
              ["kit-dry", "model1", "keras-tensorflow", "keras", "measured", 4],
              ["kit-dry", "model1", "keras-tensorflow-cpu", "keras", "measured", 4],
            ]
            : []),
        ].sort(),
      );
      // Each side ran in turn, into its own folder per model, and plan.json says what ran. The
      // plan was made as a real run makes it, from the kit's data, and printed first.
      // The folder holds what run.sh's --help says it writes: plan.json and <side>/<model>/.
      assert.deepEqual(
        await writtenTopLevel(out),
        tableTopLevel("run.sh").map((name) =>
          name === "<side>/" ? [...new Set(rows.map((r) => `${r.backend}/`))] : name
        ).flat().sort(),
      );
      const plan = JSON.parse(await Deno.readTextFile(join(out, "plan.json")));
      assert.equal(plan.plans[0].beforeModel, "model1");
      // The kit's own loader was used, said so in one line, and recorded.
      assert.ok(
        stderr.split("\n").includes(`gpu-kit: ${plan.vulkan}`) &&
          plan.vulkan.startsWith(
            `vulkan: loader ${kit}/${KIT_VULKAN_FILE} (carried: no system loader); driver: `,
          ),
        stderr,
      );
      // Each pair's sides were planned on one size: the TF.js pair on what wasm trains in the
      // budget, the Keras pair on all the data.
      const planned = Object.fromEntries(
        plan.plans[0].plan.runs.map((r: { side: string; trainSize: number }) => [
          r.side,
          r.trainSize,
        ]),
      );
      assert.equal(planned["TF.js cpu"], planned["TF.js wasm (CPU)"]);
      assert.ok(
        planned["TF.js cpu"] >= 1_000 && planned["TF.js cpu"] < 25_000,
        JSON.stringify(planned),
      );
      if (keras.available) {
        assert.deepEqual([planned["Keras GPU"], planned["Keras CPU"]], [25_000, 25_000]);
      }
      assert.match(
        stderr,
        /^gpu-kit: plan for a budget of 480 s \(a dry run trains 4 images instead\):\ngpu-kit: {3}model1 on TF\.js cpu: [\d,]+ training images × 3 epochs, about \d+ s\ngpu-kit: {3}model1 on TF\.js wasm \(CPU\): [\d,]+ training images × 3 epochs, about \d+ s\n/m,
      );
      assert.match(
        stderr,
        /^gpu-kit: {3}model1, TF\.js pair: [\d,]+ training images on both sides /m,
      );
      assert.deepEqual(
        plan.runs.map((r: { side: string; status: string }) => [r.side, r.status]),
        [
          ["cpu", "complete"],
          ["wasm", "complete"],
          ...(keras.available
            ? [["keras-tensorflow", "complete"], ["keras-tensorflow-cpu", "complete"]]
            : []),
        ],
      );
      // Every side timed throughput at the main batch and at the smaller one beside it.
      for (const { results } of inputs.results) {
        assert.deepEqual(results.config.moreInferenceBatchSizes, [4], results.config.backend);
        assert.deepEqual(results.runs[0].inference?.moreBatches?.map((b) => b.batchSize), [4]);
      }
      const wasm = inputs.results.find((r) => r.results.config.backend === "wasm")!.results;
      assert.equal(wasm.runs[0].notTrained, undefined, "wasm trains, with the suite's kernel");
      assert.equal(wasm.runs[0].epochs.length, 1);
      // The TF.js CPU side is a training row: its images/s, on the GPU side's size.
      const wasmRow = rows.find((r) => r.backend === "wasm")!;
      assert.ok(wasmRow.imagesPerSecond! > 0, `${wasmRow.imagesPerSecond}`);
      assert.equal(wasmRow.trainSize, rows.find((r) => r.backend === "cpu")!.trainSize);
      assert.match(
        wasm.env.device ?? "",
        /^WebAssembly \(tfjs-backend-wasm 4\.22\.0 \+ the suite's Conv2DBackpropFilter\) in Deno/,
      );
      // merge pairs a framework's GPU side with its CPU side. Without a GPU here, the dry run's
      // "GPU" sides ran on the CPU: relabelled as GPU runs, they show the pairs merge makes.
      const asGpu = inputs.results.map(({ results, source }) =>
        ["cpu", "keras-tensorflow"].includes(results.config.backend)
          ? {
            source,
            results: {
              ...results,
              env: { ...results.env, deviceInfo: { kind: "gpu" as const } },
            },
          }
          : { results, source }
      );
      const comparison = buildComparison({ results: asGpu });
      const pairs = comparison.gpuOverCpu ?? [];
      assert.deepEqual(pairs.map((p) => [p.framework, p.gpu.backend, p.cpu.backend, p.differs]), [
        ["tfjs", "cpu", "wasm", []],
        ...(keras.available
          ? [["keras-tensorflow", "keras-tensorflow", "keras-tensorflow-cpu", []]]
          : []),
      ]);
      // The TF.js pair has a training ratio, as the Keras pair has: wasm trained the same images.
      assert.ok(
        pairs.every((p) => p.training !== null && p.training.ratio > 0),
        JSON.stringify(pairs),
      );
      assert.deepEqual(pairs[0].notes, [
        "training: fewer than 2 steady epochs a side, no interval",
      ]);
      assert.ok(pairs.every((p) => p.batch1 !== null && p.batched !== null));
      assert.deepEqual(
        pairs.map((p) => p.moreBatched.map((b) => b.batchSize)),
        pairs.map(() => [4]),
      );
      // ...and merge's table has that training ratio in the TF.js row.
      const md = renderComparison(comparison);
      const tfjsRow = md.split("\n").find((l) =>
        /^\| kit-dry \| model1 \| `tfjs` \| `cpu`/.test(l)
      );
      assert.ok(tfjsRow, md);
      assert.notEqual(tfjsRow.split(" | ")[5].trim(), "–", tfjsRow);
      if (keras.available) {
        const cpuSide = inputs.results.find((r) =>
          r.results.config.backend === "keras-tensorflow-cpu"
        )!;
        assert.equal(cpuSide.results.env.deviceInfo?.kind, "cpu");
      }
      // The TF.js run's report.html was drawn from the chart scripts the kit carries.
      assert.doesNotMatch(stderr, /report\.html is not written/);
      for (const { results, source } of inputs.results) {
        if (results.config.engine !== "keras") {
          const html = await Deno.readTextFile(join(source, "..", "report.html"));
          assert.match(html, /^<!doctype html>[\s\S]*vega-embed 7\.3\.0/);
        }
        const manifest: KitManifest = JSON.parse(await Deno.readTextFile(join(kit, KIT_MANIFEST)));
        assert.equal(results.config.dataSource?.kind, "subset");
        assert.equal(results.config.dataSource?.dir, join(kit, "work", "data"));
        assert.deepEqual(results.config.dataSource?.sha256, manifest.subset.sha256);
        assert.deepEqual(results.config.dataSource?.subset?.of, FULL_CHECKSUMS);
        assert.equal(results.env.machine, "kit-dry");
        assert.equal(results.env.gitCommit, manifest.gitCommit);
      }
      // Deno ran from the kit's own DENO_DIR and fetched nothing.
      const denoDir = join(kit, "work", "deno-dir");
      assert.equal((await listTree(denoDir)).some((f) => f.startsWith("remote/")), false);
      assert.equal(
        (await listTree(denoDir)).filter((f) => f.startsWith("npm/") && f.includes(".")).length,
        0,
      );
    });

    await t.step(
      "Ctrl-C stops after the side in flight, keeps what it measured and says so",
      async () => {
        const out = join(dir, "stopped");
        const child = new Deno.Command(join(kit, "run.sh"), {
          args: [
            "--dry-run",
            "--backend",
            "cpu",
            "--only",
            "tfjs",
            "--models",
            "model1,model2",
            "--out",
            out,
          ],
          cwd: kit,
          stdout: "piped",
          stderr: "piped",
        }).spawn();
        const stdout = new Response(child.stdout).text();
        let stderr = "";
        let sent = false;
        for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
          stderr += chunk;
          if (!sent && stderr.includes("model1: training")) {
            child.kill("SIGINT");
            sent = true;
          }
        }
        const { code } = await child.status;
        assert.equal(code, 130, stderr);
        assert.match(stderr, /gpu-kit: stopping: the side in flight ends after its epoch/);
        assert.match(stderr, /gpu-kit: stopped by Ctrl-C; what was measured is kept above\n$/);
        assert.ok((await stdout).includes(join(out, "cpu", "model1", "results.json")));
        const plan = JSON.parse(await Deno.readTextFile(join(out, "plan.json")));
        assert.equal(plan.stopped, "stopped by Ctrl-C before the plan was done");
        assert.deepEqual(plan.runs.map((r: { side: string }) => r.side), ["cpu"]);
        assert.equal((await listTree(out)).some((f) => f.startsWith("cpu/model2")), false);
      },
    );

    await t.step("a damaged data file is refused in one line", async () => {
      const xz = join(kit, "data", "t10k-labels-idx1-ubyte.xz");
      const good = await Deno.readFile(xz);
      await Deno.remove(join(kit, "work", "data"), { recursive: true });
      await Deno.writeFile(xz, good.subarray(0, good.length - 1));
      const { code, stderr } = await runKit(kit, "--dry-run");
      assert.equal(code, 1);
      assert.equal(
        stderr,
        `error: ${xz}: expected SHA-256 ${sha256Hex(good)}, got ${
          sha256Hex(good.subarray(0, good.length - 1))
        }; copy the kit again\n`,
      );
      await Deno.writeFile(xz, good);
    });

    await t.step("a damaged Deno binary is refused in one line", async () => {
      await Deno.remove(join(kit, "work", "deno"));
      await Deno.writeTextFile(join(kit, "deno.xz"), "damaged");
      const { code, stderr } = await runKit(kit, "--dry-run");
      assert.equal(code, 1);
      assert.match(
        stderr,
        /^error: \S+\/deno\.xz: expected SHA-256 [0-9a-f]{64}, got [0-9a-f]{64}; copy the kit again\n$/,
      );
    });
  });
});

/** The whole dry run takes minutes: it runs only when asked for. */
const wholeDryRun = Deno.env.get("FMNIST_BENCH_KIT_E2E") === "1";

Deno.test({
  name: "the kit's whole dry run: WebGPU on the software adapter and Keras, model1–3" +
    (wholeDryRun ? "" : " (ignored: FMNIST_BENCH_KIT_E2E=1 runs it)"),
  ignore: !wholeDryRun,
  fn: async () => {
    await withTempDir(async (dir) => {
      const kit = join(dir, "kit");
      assert.equal((await runCli("gpu_kit", "--out", kit)).code, 0);
      const out = join(dir, "dry");
      const { code, stderr } = await runKit(kit, "--dry-run", "--python", python, "--out", out);
      assert.equal(code, 0, stderr);
      const inputs = await readComparisonInputs([out]);
      const rows = buildComparison({ results: inputs.results }).rows;
      assert.equal(rows.filter((r) => r.backend === "webgpu" && r.softwareAdapter).length, 3);
      assert.equal(rows.filter((r) => r.backend === "wasm").length, 3);
      assert.equal(rows.filter((r) => r.engine === "keras").length, keras.available ? 6 : 0);
    });
  },
});
