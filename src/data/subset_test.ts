import assert from "node:assert/strict";
import { join } from "node:path";
import { withTempDir } from "../_util/testing.ts";
import { sha256Hex } from "../_util/hash.ts";
import { FILE_NAMES, FILE_ROLES, FIXTURE_CHECKSUMS } from "./checksums.ts";
import { DatasetError } from "./errors.ts";
import { loadFashionMnist, loadFixtureData } from "./load.ts";
import { classCounts } from "./split.ts";
import { makeSubset, readSubsetManifest, SUBSET_MANIFEST } from "./subset.ts";

/** Writes a subset of the fixtures (20 training, 10 test images per class) into `dir`. */
async function writeFixtureSubset(dir: string) {
  const subset = makeSubset(await loadFixtureData(), { trainPerClass: 20, testPerClass: 10 });
  for (const role of FILE_ROLES) {
    await Deno.writeFile(join(dir, FILE_NAMES[role]), subset.files[role]);
  }
  await Deno.writeTextFile(join(dir, SUBSET_MANIFEST), JSON.stringify(subset.manifest));
  return subset;
}

Deno.test("makeSubset picks the same stratified images every time and records their checksums", async () => {
  const data = await loadFixtureData();
  const a = makeSubset(data, { trainPerClass: 20, testPerClass: 10 });
  const b = makeSubset(data, { trainPerClass: 20, testPerClass: 10 });
  assert.deepEqual(a.manifest, b.manifest);
  assert.equal(a.manifest.kind, "fmnist-bench-subset");
  assert.deepEqual(a.manifest.of, FIXTURE_CHECKSUMS);
  assert.deepEqual(a.manifest.counts, { train: 200, test: 100 });
  assert.equal(a.files.trainImages.length, 16 + 200 * 784);
  assert.equal(a.manifest.sha256.trainLabels, sha256Hex(a.files.trainLabels));
  const c = makeSubset(data, { trainPerClass: 20, testPerClass: 10, seed: 7 });
  assert.notEqual(c.manifest.sha256.trainImages, a.manifest.sha256.trainImages);
  assert.throws(
    () => makeSubset(data, { trainPerClass: 201, testPerClass: 10 }),
    /perClass: expected an integer from 1 to 200/,
  );
});

Deno.test("a subset's folder loads against its own checksums, and a changed file is refused", async () => {
  await withTempDir(async (dir) => {
    const subset = await writeFixtureSubset(dir);
    const manifest = await readSubsetManifest(dir);
    assert.deepEqual(manifest, subset.manifest);
    const data = await loadFashionMnist({
      dir,
      checksums: manifest!.sha256,
      systemDir: null,
      baseUrls: false,
    });
    assert.deepEqual(classCounts(data.train), new Array(10).fill(20));
    assert.deepEqual(classCounts(data.test), new Array(10).fill(10));

    const bytes = subset.files.testImages.slice();
    bytes[100] ^= 1;
    await Deno.writeFile(join(dir, FILE_NAMES.testImages), bytes);
    await assert.rejects(
      loadFashionMnist({ dir, checksums: manifest!.sha256, systemDir: null, baseUrls: false }),
      (err: Error) =>
        err instanceof DatasetError &&
        err.message.includes(join(dir, FILE_NAMES.testImages)) &&
        err.message.includes(`expected SHA-256 ${subset.manifest.sha256.testImages}`) &&
        err.message.includes(`got ${sha256Hex(bytes)}`),
    );
  });
});

Deno.test("readSubsetManifest: none in a plain folder, one clear error for a bad one", async () => {
  await withTempDir(async (dir) => {
    assert.equal(await readSubsetManifest(dir), undefined);
    assert.equal(await readSubsetManifest(join(dir, "missing")), undefined);
    const path = join(dir, SUBSET_MANIFEST);
    await Deno.writeTextFile(path, "{");
    await assert.rejects(
      readSubsetManifest(dir),
      new DatasetError(
        `${path}: expected a Fashion-MNIST subset manifest, but it is not JSON; copy the ` +
          "subset's folder again, or remove subset.json to load the folder as the official data",
      ),
    );
    const { manifest } = makeSubset(await loadFixtureData(), { trainPerClass: 2, testPerClass: 1 });
    await Deno.writeTextFile(
      path,
      JSON.stringify({ ...manifest, sha256: { ...manifest.sha256, testLabels: "x" } }),
    );
    await assert.rejects(readSubsetManifest(dir), /but sha256\.testLabels is not a SHA-256;/);
  });
});
