/**
 * `loadFashionMnist`'s download route, from a local HTTP server: into the
 * cache, a transfer that drops half way, and a file whose checksum differs.
 */
import assert from "node:assert/strict";
import { FIXTURE_CHECKSUMS } from "./checksums.ts";
import { listDir, loadHelpers, serveFixtures } from "./_testing.ts";
import { withTempDir } from "../_util/testing.ts";

const { load, NAMES, CACHED, cacheOf, FIX } = loadHelpers();

Deno.test("loadFashionMnist downloads into the cache when no copy is installed", async () => {
  await withTempDir(async (tmp) => {
    const server = serveFixtures();
    try {
      const progress = new Set<string>();
      const data = await load({
        cacheDir: tmp,
        baseUrls: [server.url],
        download: { onProgress: (role) => progress.add(role) },
      });
      assert.deepEqual(
        data.files.map((f) => [f.kind, f.path]),
        NAMES.map((n) => [
          "download",
          `${server.url}${n}.gz`,
        ]),
      );
      assert.deepEqual([...progress], ["trainImages", "trainLabels", "testImages", "testLabels"]);
      assert.equal(data.description, `download: ${server.url}`);
      assert.deepEqual(await listDir(cacheOf(tmp)), CACHED);
      const again = await load({ cacheDir: tmp, baseUrls: [server.url] });
      assert.deepEqual(again.files.map((f) => f.kind), ["cache", "cache", "cache", "cache"]);
      assert.equal(server.hits.length, 4);
    } finally {
      await server.close();
    }
  });
});

Deno.test("a download that drops half way leaves no partial file, and the next run fetches it again", async () => {
  await withTempDir(async (tmp) => {
    const broken = serveFixtures((name) =>
      name === "train-labels-idx1-ubyte.gz" ? "drop-half" : "ok"
    );
    try {
      await assert.rejects(
        load({ cacheDir: tmp, baseUrls: [broken.url], download: { retries: 1, backoffMs: 1 } }),
        (err: Error) => {
          assert.equal(err.name, "DatasetError");
          const url = `${broken.url}train-labels-idx1-ubyte.gz`;
          assert.equal(
            err.message,
            `Fashion-MNIST file train-labels-idx1-ubyte not found. Looked in: ${cacheOf(tmp)} ` +
              `(cache); ${url}. Problems: ${url}: download failed after 2 attempts: error reading ` +
              `a body from connection. ${FIX}`,
          );
          return true;
        },
      );
      assert.equal(broken.hits.filter((h) => h === "train-labels-idx1-ubyte.gz").length, 2);
      // Only the file downloaded before the failure is there, whole and verified; no partial file.
      assert.deepEqual(await listDir(cacheOf(tmp)), ["manifest.json", "train-images-idx3-ubyte"]);
    } finally {
      await broken.close();
    }
    const good = serveFixtures();
    try {
      const data = await load({ cacheDir: tmp, baseUrls: [good.url] });
      assert.deepEqual(data.files.map((f) => f.kind), [
        "cache",
        "download",
        "download",
        "download",
      ]);
      assert.deepEqual(good.hits, [
        "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz",
      ]);
      assert.deepEqual(await listDir(cacheOf(tmp)), CACHED);
    } finally {
      await good.close();
    }
  });
});

Deno.test("loadFashionMnist refuses a download whose checksum does not match, and caches nothing", async () => {
  await withTempDir(async (tmp) => {
    const server = serveFixtures(() => "garbage");
    try {
      await assert.rejects(load({ cacheDir: tmp, baseUrls: [server.url] }), (err: Error) => {
        assert.match(
          err.message,
          new RegExp(
            `Problems: ${server.url}train-images-idx3-ubyte\\.gz: expected SHA-256 ` +
              `${FIXTURE_CHECKSUMS.trainImages}, got [0-9a-f]{64}, and it is not a valid IDX file: ` +
              "expected IDX magic 2051 \\(images\\), got 0; discarded; try again, or use another source\\. Fix: ",
          ),
        );
        return true;
      });
      assert.deepEqual(await listDir(tmp), []);
    } finally {
      await server.close();
    }
  });
});
