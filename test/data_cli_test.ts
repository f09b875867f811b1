import assert from "node:assert/strict";
import { runCli } from "./_cli.ts";
import { join } from "node:path";
import { FIXTURE_CHECKSUMS } from "../src/data/checksums.ts";
import { FIXTURE_DIR, SYSTEM_DIR } from "../src/data/sources.ts";

const data = (cacheDir: string, ...args: string[]) =>
  runCli("data", "--cache-dir", cacheDir, ...args);

Deno.test("deno task data exits non-zero on a file that is not the dataset, naming it", async () => {
  const cache = await Deno.makeTempDir();
  try {
    // The fixture files are real IDX files, but not the full dataset the task expects.
    const { code, stdout, stderr } = await data(
      cache,
      "--dir",
      FIXTURE_DIR,
      "--offline",
    );
    assert.equal(code, 1);
    assert.equal(stdout, "");
    assert.equal(
      stderr,
      `error: ${join(FIXTURE_DIR, "train-images-idx3-ubyte.gz")}: expected SHA-256 ` +
        `c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888, got ` +
        `${FIXTURE_CHECKSUMS.trainImages}; replace it with a good copy\n`,
    );
  } finally {
    await Deno.remove(cache, { recursive: true });
  }
});

const installed = await Deno.stat(join(SYSTEM_DIR, "train-images-idx3-ubyte.gz")).then(
  () => true,
  () => false,
);

Deno.test({
  name: "deno task data --json reports the sources, per-class counts and load time" +
    (installed ? "" : ` (ignored: the full dataset is not in ${SYSTEM_DIR})`),
  ignore: !installed,
  async fn() {
    const cache = await Deno.makeTempDir();
    try {
      const first = await data(cache, "--json", "--offline");
      assert.equal(first.code, 0, first.stderr);
      const report = JSON.parse(first.stdout);
      assert.deepEqual(report.files.map((f: { kind: string }) => f.kind), [
        "system",
        "system",
        "system",
        "system",
      ]);
      assert.equal(report.train.count, 60000);
      assert.equal(report.test.perClass["Ankle boot"], 1000);
      assert.equal(typeof report.loadMs, "number");
      const second = JSON.parse(
        (await data(cache, "--json", "--offline")).stdout,
      );
      assert.deepEqual(
        second.files.map((f: { kind: string; gunzipped: boolean }) => [f.kind, f.gunzipped]),
        [
          ["cache", false],
          ["cache", false],
          ["cache", false],
          ["cache", false],
        ],
      );
    } finally {
      await Deno.remove(cache, { recursive: true });
    }
  },
});
