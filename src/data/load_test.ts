import assert from "node:assert/strict";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { FILE_NAMES, FIXTURE_CHECKSUMS } from "./checksums.ts";
import { CLASS_NAMES } from "./classes.ts";
import { encodeIdx } from "./idx.ts";
import { loadFixtureData, type LoadOptions } from "./load.ts";
import { FIXTURE_DIR } from "./sources.ts";
import { classCounts } from "./split.ts";
import { copyFixtures, listDir, loadHelpers, serveFixtures } from "./_testing.ts";
import { withTempDir } from "../_util/testing.ts";

const { load, NAMES, CACHED, cacheOf, FIX } = loadHelpers();

Deno.test("loadFashionMnist reads the fixture split with 200 and 50 images per class", async () => {
  const data = await load({ dir: FIXTURE_DIR });
  assert.equal(data.train.count, 2000);
  assert.equal(data.test.count, 500);
  assert.equal(data.train.images.length, 2000 * 784);
  assert.deepEqual(classCounts(data.train), new Array(10).fill(200));
  assert.deepEqual(classCounts(data.test), new Array(10).fill(50));
  assert.equal(data.classNames, CLASS_NAMES);
  assert.deepEqual(data.files[0], {
    role: "trainImages",
    name: "train-images-idx3-ubyte",
    kind: "dir",
    path: join(FIXTURE_DIR, "train-images-idx3-ubyte.gz"),
    gunzipped: true,
    verified: "sha256",
    sha256: FIXTURE_CHECKSUMS.trainImages,
    bytes: 16 + 2000 * 784,
  });
  assert.deepEqual(data.files.map((f) => f.sha256), Object.values(FIXTURE_CHECKSUMS));
  assert.deepEqual(data.warnings, []);
  assert.equal(data.description, `dir: ${FIXTURE_DIR}`);
});

Deno.test("loadFashionMnist follows the source order: folder, cache, system copy, download", async () => {
  await withTempDir(async (tmp) => {
    const [dir, system, cacheDir] = ["dir", "system", "cache"].map((d) => join(tmp, d));
    await copyFixtures(dir);
    await copyFixtures(system);
    const server = serveFixtures();
    try {
      const kinds = async (options: LoadOptions) =>
        (await load({ cacheDir, baseUrls: [server.url], ...options })).files.map((f) => f.kind);
      // Nothing cached yet, no folder, no system copy: downloaded (and cached).
      assert.deepEqual(await kinds({}), new Array(4).fill("download"));
      assert.equal(server.hits.length, 4);
      // Every place has the files: the named folder wins.
      assert.deepEqual(await kinds({ dir, systemDir: system }), new Array(4).fill("dir"));
      // Without the folder: the cache, before the system copy.
      assert.deepEqual(await kinds({ systemDir: system }), new Array(4).fill("cache"));
      // Without the cache: the system copy, before the download.
      await Deno.remove(cacheDir, { recursive: true });
      assert.deepEqual(await kinds({ systemDir: system }), new Array(4).fill("system"));
      assert.equal(server.hits.length, 4); // no download since the first
    } finally {
      await server.close();
    }
  });
});

Deno.test("loadFashionMnist caches decoded files so the next load skips gunzip", async () => {
  await withTempDir(async (tmp) => {
    const system = join(tmp, "system");
    await copyFixtures(system);
    const first = await load({ systemDir: system, cacheDir: tmp });
    assert.deepEqual(
      first.files.map((f) => [f.kind, f.gunzipped]),
      new Array(4).fill(["system", true]),
    );
    assert.deepEqual(await listDir(cacheOf(tmp)), CACHED);
    // The system copy is gone: only the raw cached bytes remain to load from.
    await Deno.remove(system, { recursive: true });
    const second = await load({ systemDir: system, cacheDir: tmp });
    assert.deepEqual(
      second.files.map((f) => [f.kind, f.gunzipped, f.verified, f.path]),
      NAMES.map((name) => ["cache", false, "sha256", join(cacheOf(tmp), name)]),
    );
    assert.deepEqual(second.train.images, first.train.images);
    assert.deepEqual(second.test.labels, first.test.labels);
    const fast = await load({ cacheDir: tmp, cacheCheck: "size-mtime" });
    assert.deepEqual(fast.files.map((f) => f.verified), new Array(4).fill("size-mtime"));
  });
});

Deno.test("loadFashionMnist refuses a file in the named folder whose checksum does not match", async () => {
  await withTempDir(async (tmp) => {
    await copyFixtures(tmp);
    const path = join(tmp, "t10k-labels-idx1-ubyte.gz");
    // Well-formed IDX (500 labels, all 0), but not the fixture's labels.
    await Deno.writeFile(path, gzipSync(encodeIdx("labels", new Uint8Array(500), 500)));
    await assert.rejects(load({ dir: tmp, cacheDir: join(tmp, "cache") }), {
      name: "DatasetError",
      message: `${path}: expected SHA-256 ${FIXTURE_CHECKSUMS.testLabels}, got ` +
        "79f753aa680264dee5328023da376fb6f151217916eb1ac11d0d2a1023d2e0dc; replace it with a good copy",
    });
    // The files before it were cached; the bad one never was.
    assert.deepEqual(await listDir(cacheOf(join(tmp, "cache"))), [
      "manifest.json",
      "t10k-images-idx3-ubyte",
      "train-images-idx3-ubyte",
      "train-labels-idx1-ubyte",
    ]);
  });
});

Deno.test("loadFashionMnist says what is wrong with a bad file that is not valid IDX", async () => {
  await withTempDir(async (tmp) => {
    await copyFixtures(tmp);
    const path = join(tmp, "train-labels-idx1-ubyte");
    const labels = encodeIdx("labels", new Uint8Array(2000), 2000);
    await Deno.writeFile(path, labels.subarray(0, 1008)); // raw, and truncated
    await assert.rejects(load({ dir: tmp }), (err: Error) => {
      assert.equal(err.name, "DatasetError");
      assert.match(
        err.message,
        new RegExp(
          `^${path}: expected SHA-256 ${FIXTURE_CHECKSUMS.trainLabels}, got [0-9a-f]{64}, ` +
            "and it is not a valid IDX file: expected 2008 bytes \\(8-byte header \\+ 2000 labels\\), " +
            "got 1008 \\(truncated\\?\\); replace it with a good copy$",
        ),
      );
      return true;
    });
  });
});

Deno.test("loadFashionMnist skips a system copy that fails its checksum, and never uses it", async () => {
  await withTempDir(async (tmp) => {
    const system = join(tmp, "system");
    await copyFixtures(system);
    const bad = join(system, "train-labels-idx1-ubyte.gz");
    const wrong = encodeIdx("labels", new Uint8Array(2000).fill(3), 2000);
    await Deno.writeFile(bad, gzipSync(wrong));
    const server = serveFixtures();
    try {
      const data = await load({ systemDir: system, cacheDir: tmp, baseUrls: [server.url] });
      assert.deepEqual(data.files.map((f) => f.kind), ["system", "download", "system", "system"]);
      assert.deepEqual(server.hits, ["train-labels-idx1-ubyte.gz"]);
      assert.deepEqual(classCounts(data.train), new Array(10).fill(200));
      assert.match(
        data.warnings.join("\n"),
        new RegExp(
          `^${bad}: expected SHA-256 ${FIXTURE_CHECKSUMS.trainLabels}, got [0-9a-f]{64}; ` +
            "not used; reinstall it \\(apt-get install --reinstall dataset-fashion-mnist\\)$",
        ),
      );
    } finally {
      await server.close();
    }
  });
});

Deno.test("loadFashionMnist drops a damaged cache copy and takes the next source", async () => {
  await withTempDir(async (tmp) => {
    await load({ systemDir: FIXTURE_DIR, cacheDir: tmp });
    const cached = join(cacheOf(tmp), FILE_NAMES.trainLabels);
    const bytes = await Deno.readFile(cached);
    bytes[100] ^= 1;
    await Deno.writeFile(cached, bytes);
    const data = await load({ systemDir: FIXTURE_DIR, cacheDir: tmp });
    assert.deepEqual(data.files.map((f) => f.kind), ["cache", "system", "cache", "cache"]);
    assert.deepEqual(classCounts(data.train), new Array(10).fill(200));
    assert.equal(data.warnings.length, 1);
    assert.match(
      data.warnings[0],
      new RegExp(`^${cached}: cached copy refused: expected SHA-256 `),
    );
    const healed = await load({ systemDir: FIXTURE_DIR, cacheDir: tmp });
    assert.deepEqual(healed.files.map((f) => f.kind), ["cache", "cache", "cache", "cache"]);
    assert.deepEqual(healed.warnings, []);
  });
});

Deno.test("loadFashionMnist keeps the full dataset's cache apart from other checksums", async () => {
  await withTempDir(async (tmp) => {
    await load({ dir: FIXTURE_DIR, cacheDir: tmp });
    assert.deepEqual(await listDir(tmp), ["fashion-mnist-9edd69ad8462"]);
  });
});

Deno.test("loadFashionMnist says where it looked and the three fixes when nothing is found", async () => {
  await withTempDir(async (tmp) => {
    const empty = join(tmp, "empty");
    await Deno.mkdir(empty);
    await assert.rejects(
      load({ dir: tmp, cacheDir: tmp, systemDir: empty, baseUrls: false }),
      {
        name: "DatasetError",
        message: `Fashion-MNIST file train-images-idx3-ubyte not found. Looked in: ${tmp} ` +
          `(the folder named); ${cacheOf(tmp)} (cache); ${empty} (Debian package ` +
          `dataset-fashion-mnist); no download (offline). ${FIX}`,
      },
    );
  });
});

Deno.test("loadFashionMnist reports a download the server refuses, and writes nothing", async () => {
  await withTempDir(async (tmp) => {
    const server = serveFixtures(() => "status-404");
    try {
      await assert.rejects(load({ cacheDir: tmp, baseUrls: [server.url] }), {
        name: "DatasetError",
        message: `Fashion-MNIST file train-images-idx3-ubyte not found. Looked in: ` +
          `${cacheOf(tmp)} (cache); ${server.url}train-images-idx3-ubyte.gz. Problems: ` +
          `${server.url}train-images-idx3-ubyte.gz: download failed: HTTP 404 Not Found. ${FIX}`,
      });
      assert.equal(server.hits.length, 1);
      assert.deepEqual(await listDir(tmp), []);
    } finally {
      await server.close();
    }
  });
});

Deno.test("loadFashionMnist with nothing installed and the network down gives one error with the fixes", async () => {
  // A port that was just free and is closed now: connections are refused, as when offline.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const url = `http://127.0.0.1:${listener.addr.port}/`;
  listener.close();
  await withTempDir(async (tmp) => {
    await assert.rejects(
      load({
        cacheDir: tmp,
        systemDir: join(tmp, "none"),
        baseUrls: [url],
        download: { retries: 0 },
      }),
      (err: Error) => {
        assert.equal(err.name, "DatasetError");
        const file = `${url}train-images-idx3-ubyte.gz`;
        assert.ok(
          err.message.startsWith(
            `Fashion-MNIST file train-images-idx3-ubyte not found. Looked in: ${cacheOf(tmp)} ` +
              `(cache); ${join(tmp, "none")} (Debian package dataset-fashion-mnist); ${file}. ` +
              `Problems: ${file}: download failed: `,
          ),
          err.message,
        );
        assert.ok(err.message.endsWith(`. ${FIX}`), err.message);
        return true;
      },
    );
  });
});

Deno.test("loadFashionMnist rejects a named folder that does not exist", async () => {
  await assert.rejects(load({ dir: "/nonexistent/fmnist" }), {
    name: "DatasetError",
    message:
      "/nonexistent/fmnist: expected a folder holding the Fashion-MNIST files, but it does not exist; check the path",
  });
});

Deno.test("loadFashionMnist names a .gz file that does not decompress", async () => {
  await withTempDir(async (tmp) => {
    const path = join(tmp, "train-images-idx3-ubyte.gz");
    const gz = await Deno.readFile(join(FIXTURE_DIR, "train-images-idx3-ubyte.gz"));
    await Deno.writeFile(path, gz.subarray(0, 1000));
    await assert.rejects(load({ dir: tmp }), (err: Error) => {
      assert.equal(err.name, "DatasetError");
      assert.match(
        err.message,
        new RegExp(
          `^${path}: expected gzip data, but it does not decompress \\(.+\\); replace it with a good copy$`,
        ),
      );
      return true;
    });
  });
});

Deno.test("loadFashionMnist still loads when the cache cannot be written, with a warning", async () => {
  await withTempDir(async (tmp) => {
    const notAFolder = join(tmp, "file");
    await Deno.writeTextFile(notAFolder, "");
    const data = await load({ dir: FIXTURE_DIR, cacheDir: notAFolder });
    assert.equal(data.train.count, 2000);
    assert.equal(data.warnings.length, 4);
    assert.match(
      data.warnings[0],
      new RegExp(
        `^${cacheOf(notAFolder)}: could not keep train-images-idx3-ubyte in the cache \\(.+\\)$`,
      ),
    );
  });
});

Deno.test("loadFixtureData loads the 2,000/500-image split in fixtures/", async () => {
  const data = await loadFixtureData();
  assert.equal(data.train.count, 2000);
  assert.equal(data.test.count, 500);
});
