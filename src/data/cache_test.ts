import assert from "node:assert/strict";
import { join } from "node:path";
import { DecodedCache, decodedCacheDir, defaultCacheDir } from "./cache.ts";
import { FIXTURE_CHECKSUMS } from "./checksums.ts";
import { listDir } from "./_testing.ts";
import { withTempDir } from "../_util/testing.ts";
import { sha256Hex } from "../_util/hash.ts";

const BYTES = new TextEncoder().encode("decoded bytes");
const SHA = sha256Hex(BYTES);

Deno.test("defaultCacheDir takes XDG_CACHE_HOME, else HOME/.cache", () => {
  assert.equal(
    defaultCacheDir({ xdgCacheHome: "/x/cache", home: "/home/u" }),
    "/x/cache/fmnist-bench",
  );
  assert.equal(defaultCacheDir({ home: "/home/u" }), "/home/u/.cache/fmnist-bench");
  assert.equal(
    defaultCacheDir({ xdgCacheHome: "", home: "/home/u" }),
    "/home/u/.cache/fmnist-bench",
  );
});

Deno.test("defaultCacheDir ignores a relative XDG_CACHE_HOME, as the XDG spec says", () => {
  assert.equal(
    defaultCacheDir({ xdgCacheHome: "rel/cache", home: "/home/u" }),
    "/home/u/.cache/fmnist-bench",
  );
});

Deno.test("defaultCacheDir says what to set when neither value is usable", () => {
  assert.throws(() => defaultCacheDir({ xdgCacheHome: "rel" }), {
    name: "UsageError",
    message:
      'cache folder: expected XDG_CACHE_HOME (an absolute path) or HOME, got XDG_CACHE_HOME="rel" and no HOME; set one of them, or name a cache folder',
  });
  assert.throws(() => defaultCacheDir({}), {
    message:
      "cache folder: expected XDG_CACHE_HOME (an absolute path) or HOME, got no HOME; set one of them, or name a cache folder",
  });
});

Deno.test("decodedCacheDir keeps the full dataset and other checksum sets apart", () => {
  assert.equal(decodedCacheDir("/c"), "/c/fashion-mnist");
  assert.equal(decodedCacheDir("/c", FIXTURE_CHECKSUMS), "/c/fashion-mnist-9edd69ad8462");
});

Deno.test("DecodedCache stores a file, then a manifest, and finds it again by SHA-256", async () => {
  await withTempDir(async (tmp) => {
    const dir = join(tmp, "fashion-mnist");
    const cache = await DecodedCache.open(dir);
    assert.deepEqual(await cache.lookup("f", SHA, "sha256"), {
      status: "miss",
      path: join(dir, "f"),
    });
    const path = await cache.store("f", BYTES, SHA);
    assert.equal(path, join(dir, "f"));
    assert.deepEqual(await listDir(dir), ["f", "manifest.json"]);
    const manifest = JSON.parse(await Deno.readTextFile(join(dir, "manifest.json")));
    assert.deepEqual(manifest, {
      version: 1,
      files: { f: { size: 13, sha256: SHA, mtimeMs: (await Deno.stat(path)).mtime!.getTime() } },
    });
    const reopened = await DecodedCache.open(dir);
    assert.deepEqual(await reopened.lookup("f", SHA, "sha256"), {
      status: "hit",
      path,
      bytes: BYTES,
      verified: "sha256",
      sha256: SHA,
    });
    const fast = await reopened.lookup("f", SHA, "size-mtime");
    assert.equal(fast.status === "hit" && fast.verified, "size-mtime");
  });
});

Deno.test("DecodedCache refuses and deletes a copy that fails its check", async () => {
  await withTempDir(async (tmp) => {
    const cache = await DecodedCache.open(tmp);
    const path = await cache.store("f", BYTES, SHA);
    const damaged = BYTES.slice();
    damaged[0] ^= 1; // same size: only the hash can tell
    await Deno.writeFile(path, damaged);
    assert.deepEqual(await (await DecodedCache.open(tmp)).lookup("f", SHA, "sha256"), {
      status: "bad",
      path,
      problem: `${path}: cached copy refused: expected SHA-256 ${SHA}, got ${
        sha256Hex(damaged)
      }; deleted it, taking the next source`,
    });
    assert.deepEqual(await listDir(tmp), ["manifest.json"]);
    assert.deepEqual(JSON.parse(await Deno.readTextFile(join(tmp, "manifest.json"))).files, {});
  });
});

Deno.test("DecodedCache refuses a truncated copy by its size alone, even under size-mtime", async () => {
  await withTempDir(async (tmp) => {
    const cache = await DecodedCache.open(tmp);
    const path = await cache.store("f", BYTES, SHA);
    await Deno.writeFile(path, BYTES.subarray(0, 5));
    const got = await cache.lookup("f", SHA, "size-mtime");
    assert.equal(
      got.status === "bad" && got.problem,
      `${path}: cached copy refused: expected 13 bytes (as when it was verified), got 5; ` +
        "deleted it, taking the next source",
    );
  });
});

Deno.test("DecodedCache under size-mtime re-hashes a file whose mtime changed", async () => {
  await withTempDir(async (tmp) => {
    const cache = await DecodedCache.open(tmp);
    const path = await cache.store("f", BYTES, SHA);
    await Deno.utime(path, new Date(2000, 0, 1), new Date(2000, 0, 1));
    const got = await cache.lookup("f", SHA, "size-mtime");
    assert.equal(got.status === "hit" && got.verified, "sha256");
    // ...and records the new time, so the next check is cheap again.
    const again = await (await DecodedCache.open(tmp)).lookup("f", SHA, "size-mtime");
    assert.equal(again.status === "hit" && again.verified, "size-mtime");
  });
});

Deno.test("DecodedCache removes temporary files a killed process left, but not fresh ones", async () => {
  await withTempDir(async (tmp) => {
    await Deno.writeFile(join(tmp, ".f.old.tmp"), BYTES);
    await Deno.utime(join(tmp, ".f.old.tmp"), new Date(2000, 0, 1), new Date(2000, 0, 1));
    await Deno.writeFile(join(tmp, ".f.live.tmp"), BYTES);
    await (await DecodedCache.open(tmp)).store("f", BYTES, SHA);
    assert.deepEqual(await listDir(tmp), [".f.live.tmp", "f", "manifest.json"]);
  });
});
