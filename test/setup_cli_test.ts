import assert from "node:assert/strict";
import { runCli } from "./_cli.ts";
import { join } from "node:path";
import { TFJS_NODE } from "../src/backends/libtensorflow.ts";

const setup = (...args: string[]) => runCli("setup", ...args);

Deno.test("setup finds the working build and downloads nothing", async () => {
  const { code, stdout } = await setup();
  assert.equal(code, 0, stdout);
  assert.match(stdout, /^setup: \(a\) found an addon at .*tfjs_binding\.node; loading it/m);
  assert.match(
    stdout,
    /^setup: ready in [0-9.]+ s: tensorflow loads and computes: libtensorflow 2\.21\.0 \(CPU\)$/m,
  );
  assert.doesNotMatch(stdout, /\(c\)|pip download|compiling/);
});

Deno.test("setup deletes and refuses a wheel with the wrong checksum", async () => {
  const cache = await Deno.makeTempDir({ prefix: "fmnist-setup-cache-" });
  try {
    const wheel = join(cache, "wheels", TFJS_NODE.wheel.file);
    await Deno.mkdir(join(cache, "wheels"));
    await Deno.writeTextFile(wheel, "truncated download\n");
    // --force skips (a), so (c) meets the bad wheel; --offline skips (d). The
    // working addon is not touched: the build stops before compiling.
    const { code, stdout, stderr } = await setup("--force", "--offline", "--cache-dir", cache);
    assert.equal(code, 1);
    assert.match(
      stdout,
      new RegExp(
        `\\(c\\) failed: ${
          wheel.replaceAll(".", "\\.")
        }: expected SHA-256 ${TFJS_NODE.wheel.sha256}, got [0-9a-f]{64}; the file was deleted`,
      ),
    );
    assert.equal(
      stderr.trim().split("\n")[0],
      "error: no route gave a working @tensorflow/tfjs-node:",
    );
    assert.match(stderr, /^ {2}\(d\) skipped: --offline$/m);
    await assert.rejects(Deno.stat(wheel), Deno.errors.NotFound);
  } finally {
    await Deno.remove(cache, { recursive: true });
  }
});

Deno.test("setup refuses an unknown flag with one line and exit code 2", async () => {
  const { code, stderr } = await setup("--gpus");
  assert.equal(code, 2);
  assert.equal(stderr, "error: unknown option --gpus; see `deno task setup --help`\n");
});

Deno.test("setup --tensorflow names a folder that is not TensorFlow", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { code, stderr } = await setup("--tensorflow", dir);
    assert.equal(code, 1);
    assert.equal(
      stderr,
      `error: --tensorflow ${dir}: expected libtensorflow_cc.so.2 or libtensorflow.so.2 in it or in its lib/ folder, found neither\n`,
    );
  } finally {
    await Deno.remove(dir);
  }
});
