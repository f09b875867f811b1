import assert from "node:assert/strict";
import { join } from "node:path";
import { sha256File, sha256Hex } from "./hash.ts";

const ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

Deno.test("sha256Hex hashes bytes and UTF-8 text alike", () => {
  assert.equal(sha256Hex("abc"), ABC);
  assert.equal(sha256Hex(new TextEncoder().encode("abc")), ABC);
});

Deno.test("sha256File hashes a file's bytes", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "abc.txt");
    await Deno.writeTextFile(path, "abc");
    assert.equal(await sha256File(path), ABC);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
