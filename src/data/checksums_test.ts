import assert from "node:assert/strict";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { FILE_NAMES, FILE_ROLES, FIXTURE_CHECKSUMS } from "./checksums.ts";
import { FIXTURE_DIR } from "./sources.ts";
import { sha256Hex } from "../_util/hash.ts";

Deno.test("sha256Hex gives the standard digest of 'abc'", () => {
  assert.equal(
    sha256Hex(new TextEncoder().encode("abc")),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
});

Deno.test("the fixture files decompress to the bytes FIXTURE_CHECKSUMS names", async () => {
  const got: Record<string, [string, number]> = {};
  for (const role of FILE_ROLES) {
    const raw = gunzipSync(await Deno.readFile(join(FIXTURE_DIR, `${FILE_NAMES[role]}.gz`)));
    got[role] = [sha256Hex(raw), raw.length];
  }
  assert.deepEqual(got, {
    trainImages: [FIXTURE_CHECKSUMS.trainImages, 16 + 2000 * 784],
    trainLabels: [FIXTURE_CHECKSUMS.trainLabels, 8 + 2000],
    testImages: [FIXTURE_CHECKSUMS.testImages, 16 + 500 * 784],
    testLabels: [FIXTURE_CHECKSUMS.testLabels, 8 + 500],
  });
});
