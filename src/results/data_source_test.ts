import assert from "node:assert/strict";
import { FILE_NAMES, FILE_ROLES, FIXTURE_CHECKSUMS } from "../data/checksums.ts";
import type { FileSource, SourceKind } from "../data/sources.ts";
import { dataChecksumMismatch, dataRequest, dataSourceOf, legacyDataPlace } from "./data_source.ts";
import { validateResults } from "./schema.ts";

const SHA = { trainImages: "a", trainLabels: "b", testImages: "c", testLabels: "d" };

/** The four files as the loader reports them, from `kinds` in role order. */
const files = (kinds: SourceKind[]): FileSource[] =>
  FILE_ROLES.map((role, i) => ({
    role,
    name: FILE_NAMES[role],
    kind: kinds[i],
    path: `/somewhere/${FILE_NAMES[role]}`,
    gunzipped: false,
    verified: "sha256",
    sha256: SHA[role],
    bytes: 1,
  }));

Deno.test("dataSourceOf records the flag, or the training images' place, and the checksums", () => {
  const fromDir = files(["dir", "dir", "dir", "dir"]);
  assert.deepEqual(dataSourceOf({ fixtures: true }, fromDir), { kind: "fixtures", sha256: SHA });
  assert.deepEqual(
    dataSourceOf({ fixtures: false, dataDir: "./data/" }, files(["dir", "cache", "dir", "dir"])),
    { kind: "dir", dir: "./data/", sha256: SHA }, // the folder as given, not resolved
  );
  assert.deepEqual(
    dataSourceOf({ fixtures: false }, files(["system", "cache", "cache", "cache"])),
    { kind: "system", sha256: SHA },
  );
  assert.throws(() => dataSourceOf({ fixtures: false }, fromDir.slice(1)), /trainImages|train-/);
});

Deno.test("dataRequest loads the recorded place again", () => {
  assert.deepEqual(dataRequest({ kind: "fixtures" }), { fixtures: true });
  assert.deepEqual(dataRequest({ kind: "dir", dir: "d" }), { fixtures: false, dataDir: "d" });
  assert.deepEqual(dataRequest({ kind: "cache" }), { fixtures: false });
});

Deno.test("legacyDataPlace reads config.data of files older than dataSource", () => {
  const cases: [string, ReturnType<typeof legacyDataPlace>][] = [
    ["dir: /work/main/fixtures/fashion-mnist", { kind: "fixtures" }],
    ["dir: /tmp/gpuwork/fm/fixtures/fashion-mnist", { kind: "fixtures" }],
    ["fixtures: fixtures/fashion-mnist", { kind: "fixtures" }],
    ["dir: data/fm", { kind: "dir", dir: "data/fm" }],
    ["cache: /c/fashion-mnist/x; dir: /d", { kind: "dir", dir: "/d" }],
    ["system: /usr/share/datasets/fashion-mnist", { kind: "system" }],
    ["cache: /root/.cache/fmnist-bench/fashion-mnist/full", { kind: "cache" }],
    ["download: http://example/; cache: /c", { kind: "download" }],
    ["somewhere", undefined],
    ["", undefined],
  ];
  for (const [data, place] of cases) assert.deepEqual(legacyDataPlace(data), place, data);
});

Deno.test("dataChecksumMismatch names the first file that differs, expected and got", () => {
  assert.equal(dataChecksumMismatch(SHA, { ...SHA }), undefined);
  assert.equal(
    dataChecksumMismatch(SHA, { ...SHA, trainLabels: "e", testLabels: "f" }),
    "--resume: train-labels-idx1-ubyte (trainLabels): expected SHA-256 b (the data the run " +
      "started on), got e; the data changed since: put back the files the run used, or start " +
      "a new run in another --out folder",
  );
});

Deno.test("the results schema takes dataSource as optional, and a dir kind with its folder", async () => {
  const path = new URL("../../fixtures/results/vm-cpu/results.json", import.meta.url);
  const results = JSON.parse(await Deno.readTextFile(path));
  assert.equal(validateResults(results).config.dataSource, undefined); // older files lack it
  const sha256 = { ...FIXTURE_CHECKSUMS };
  results.config.dataSource = { kind: "fixtures", sha256 };
  assert.deepEqual(validateResults(results).config.dataSource, { kind: "fixtures", sha256 });
  results.config.dataSource = { kind: "dir", sha256 };
  assert.throws(
    () => validateResults(results),
    /\/config\/dataSource must have required property 'dir'/,
  );
  results.config.dataSource = { kind: "fixtures", sha256: { ...sha256, testLabels: "x" } };
  assert.throws(
    () => validateResults(results),
    /\/config\/dataSource\/sha256\/testLabels must match/,
  );
});
