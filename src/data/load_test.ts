import assert from "node:assert/strict";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { FILE_NAMES, FILE_ROLES, FIXTURE_CHECKSUMS, FIXTURE_DIR } from "./files.ts";
import { loadFashionMnist, type LoadOptions } from "./load.ts";
import { classCounts } from "./split.ts";

/** Loads the fixtures with no system copy and no download unless the test adds them. */
const load = (options: LoadOptions) =>
  loadFashionMnist({ checksums: FIXTURE_CHECKSUMS, systemDir: null, baseUrls: false, ...options });

async function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "fmnist-data-test-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function listDir(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) names.push(e.name);
  return names.sort();
}

Deno.test("loadFashionMnist reads the fixture split with 200 and 50 images per class", async () => {
  const data = await load({ dir: FIXTURE_DIR });
  assert.equal(data.train.count, 2000);
  assert.equal(data.test.count, 500);
  assert.deepEqual(classCounts(data.train), new Array(10).fill(200));
  assert.deepEqual(classCounts(data.test), new Array(10).fill(50));
  assert.deepEqual(
    data.files.map((f) => [f.kind, f.gunzipped, f.verified]),
    new Array(4).fill(["dir", true, "sha256"]),
  );
});

Deno.test("loadFashionMnist takes the caller's folder before the cache and the system copy", async () => {
  await withTemp(async (tmp) => {
    await load({ systemDir: FIXTURE_DIR, cacheDir: tmp }); // fills the cache
    const data = await load({ dir: FIXTURE_DIR, systemDir: FIXTURE_DIR, cacheDir: tmp });
    assert.deepEqual(data.files.map((f) => f.kind), ["dir", "dir", "dir", "dir"]);
    const again = await load({ systemDir: FIXTURE_DIR, cacheDir: tmp });
    assert.deepEqual(again.files.map((f) => f.kind), ["cache", "cache", "cache", "cache"]);
  });
});

Deno.test("loadFashionMnist caches decoded files so the next load skips gunzip", async () => {
  await withTemp(async (tmp) => {
    const first = await load({ systemDir: FIXTURE_DIR, cacheDir: tmp });
    assert.deepEqual(
      first.files.map((f) => [f.kind, f.gunzipped]),
      new Array(4).fill(["system", true]),
    );
    assert.deepEqual(
      await listDir(join(tmp, "fashion-mnist")),
      [...Object.values(FILE_NAMES), "manifest.json"].sort(),
    );
    const second = await load({ systemDir: FIXTURE_DIR, cacheDir: tmp });
    assert.deepEqual(
      second.files.map((f) => [f.kind, f.gunzipped, f.verified]),
      new Array(4).fill(["cache", false, "cache-manifest"]),
    );
    assert.deepEqual(second.train.images, first.train.images);
    assert.deepEqual(second.test.labels, first.test.labels);
  });
});

Deno.test("loadFashionMnist refuses a file whose checksum does not match", async () => {
  await withTemp(async (tmp) => {
    for (const role of FILE_ROLES) {
      await Deno.copyFile(
        join(FIXTURE_DIR, `${FILE_NAMES[role]}.gz`),
        join(tmp, `${FILE_NAMES[role]}.gz`),
      );
    }
    const path = join(tmp, "t10k-labels-idx1-ubyte.gz");
    const raw = new Uint8Array(8 + 500);
    new DataView(raw.buffer).setUint32(0, 2049);
    new DataView(raw.buffer).setUint32(4, 500); // all labels 0: well-formed but wrong
    await Deno.writeFile(path, gzipSync(raw));
    await assert.rejects(load({ dir: tmp }), {
      name: "DatasetError",
      message: `${path}: expected SHA-256 ${FIXTURE_CHECKSUMS.testLabels}, got ` +
        "79f753aa680264dee5328023da376fb6f151217916eb1ac11d0d2a1023d2e0dc; replace it with a good copy",
    });
  });
});

Deno.test("loadFashionMnist drops a damaged cache copy and takes the next source", async () => {
  await withTemp(async (tmp) => {
    await load({ systemDir: FIXTURE_DIR, cacheDir: tmp });
    const cached = join(tmp, "fashion-mnist", FILE_NAMES.trainLabels);
    const bytes = await Deno.readFile(cached);
    bytes[100] ^= 1;
    await Deno.writeFile(cached, bytes);
    const data = await load({ systemDir: FIXTURE_DIR, cacheDir: tmp });
    assert.deepEqual(data.files.map((f) => f.kind), ["cache", "system", "cache", "cache"]);
    assert.deepEqual(classCounts(data.train), new Array(10).fill(200));
    const healed = await load({ systemDir: FIXTURE_DIR, cacheDir: tmp });
    assert.deepEqual(healed.files.map((f) => f.kind), ["cache", "cache", "cache", "cache"]);
  });
});

Deno.test("loadFashionMnist says where it looked and how to fix a missing dataset", async () => {
  await withTemp(async (tmp) => {
    await assert.rejects(load({ dir: tmp }), {
      name: "DatasetError",
      message: `Fashion-MNIST file train-images-idx3-ubyte not found. Looked in: ${tmp} (--dir). ` +
        "Fix: install Debian's package (apt-get install dataset-fashion-mnist), or name a folder " +
        "holding the files (--data-dir DIR), or go online so they can be downloaded.",
    });
  });
});

Deno.test("loadFashionMnist names a .gz file that does not decompress", async () => {
  await withTemp(async (tmp) => {
    const path = join(tmp, "train-images-idx3-ubyte.gz");
    const gz = await Deno.readFile(join(FIXTURE_DIR, "train-images-idx3-ubyte.gz"));
    await Deno.writeFile(path, gz.subarray(0, 1000));
    await assert.rejects(load({ dir: tmp }), (err: Error) => {
      assert.equal(err.name, "DatasetError");
      assert.match(
        err.message,
        /^\S+train-images-idx3-ubyte\.gz: expected a gzip file, but it does not decompress \(.+\); delete it or replace it with a good copy$/,
      );
      return true;
    });
  });
});

/** Serves the fixture .gz files on 127.0.0.1; `drop` names files whose body stops half way. */
function serveFixtures(
  drop: Set<string>,
): { url: string; hits: string[]; close: () => Promise<void> } {
  const hits: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const name = new URL(req.url).pathname.slice(1);
    hits.push(name);
    let body: Uint8Array<ArrayBuffer>;
    try {
      body = await Deno.readFile(join(FIXTURE_DIR, name));
    } catch {
      return new Response("not found", { status: 404 });
    }
    if (!drop.has(name)) return new Response(body);
    const half = body.subarray(0, body.length >> 1);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(half);
        setTimeout(() => controller.error(new Error("connection dropped")), 20);
      },
    });
    return new Response(stream, { headers: { "content-length": String(body.length) } });
  });
  return { url: `http://127.0.0.1:${server.addr.port}/`, hits, close: () => server.shutdown() };
}

Deno.test("loadFashionMnist downloads into the cache when no copy is installed", async () => {
  await withTemp(async (tmp) => {
    const server = serveFixtures(new Set());
    try {
      const data = await load({ cacheDir: tmp, baseUrls: [server.url] });
      assert.deepEqual(data.files.map((f) => f.kind), [
        "download",
        "download",
        "download",
        "download",
      ]);
      assert.equal(data.files[0].path, `${server.url}train-images-idx3-ubyte.gz`);
      assert.deepEqual(
        await listDir(join(tmp, "fashion-mnist")),
        [...Object.values(FILE_NAMES), "manifest.json"].sort(),
      );
      const again = await load({ cacheDir: tmp, baseUrls: [server.url] });
      assert.deepEqual(again.files.map((f) => f.kind), ["cache", "cache", "cache", "cache"]);
      assert.equal(server.hits.length, 4);
    } finally {
      await server.close();
    }
  });
});

Deno.test("a download that drops half way leaves no partial file, and the next run fetches it again", async () => {
  await withTemp(async (tmp) => {
    const broken = serveFixtures(new Set(["train-labels-idx1-ubyte.gz"]));
    try {
      await assert.rejects(
        load({ cacheDir: tmp, baseUrls: [broken.url], download: { retries: 1, backoffMs: 1 } }),
        (err: Error) => {
          assert.equal(err.name, "DatasetError");
          assert.match(
            err.message,
            /^Fashion-MNIST file train-labels-idx1-ubyte not found\. Looked in: .* \(cache\); http:\/\/127\.0\.0\.1:\d+\/train-labels-idx1-ubyte\.gz\. Problems: http:\/\/127\.0\.0\.1:\d+\/train-labels-idx1-ubyte\.gz: download failed after 2 attempts: .+\. Fix: /,
          );
          return true;
        },
      );
      assert.equal(broken.hits.filter((h) => h === "train-labels-idx1-ubyte.gz").length, 2);
      // Only the first file (downloaded before the failure) is kept, decoded and verified.
      assert.deepEqual(await listDir(join(tmp, "fashion-mnist")), [
        "manifest.json",
        "train-images-idx3-ubyte",
      ]);
    } finally {
      await broken.close();
    }
    const good = serveFixtures(new Set());
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
    } finally {
      await good.close();
    }
  });
});
