import assert from "node:assert/strict";
import { join } from "node:path";
import { withTempDir } from "../src/_util/testing.ts";
import { FILE_NAMES, FILE_ROLES, FIXTURE_CHECKSUMS } from "../src/data/checksums.ts";
import { loadFixtureData } from "../src/data/load.ts";
import { makeSubset, SUBSET_MANIFEST } from "../src/data/subset.ts";
import { loadRunData } from "../src/train/run_data.ts";
import { dataRequest } from "../src/results/data_source.ts";
import { validateResults } from "../src/results/schema.ts";

Deno.test("a run on a subset's folder records data source kind subset, with its checksums and origin", async () => {
  await withTempDir(async (dir) => {
    const subset = makeSubset(await loadFixtureData(), { trainPerClass: 20, testPerClass: 10 });
    for (const role of FILE_ROLES) {
      await Deno.writeFile(join(dir, FILE_NAMES[role]), subset.files[role]);
    }
    await Deno.writeTextFile(join(dir, SUBSET_MANIFEST), JSON.stringify(subset.manifest));
    const data = await loadRunData({
      data: { fixtures: false, dataDir: dir },
      seed: 42,
      validationSize: 20,
      trainSize: 100,
    });
    assert.equal(data.train.count, 100);
    assert.equal(data.validation.count, 20);
    assert.equal(data.test.count, 100);
    assert.deepEqual(data.source, {
      kind: "subset",
      dir,
      sha256: subset.manifest.sha256,
      subset: {
        of: FIXTURE_CHECKSUMS,
        seed: 42,
        perClass: { train: 20, test: 10 },
        counts: { train: 200, test: 100 },
      },
    });
    assert.equal(
      data.description,
      `subset: ${dir} (200 training, 100 test images, 20 and 10 per class, seed 42)`,
    );
    // --resume asks for the same folder again.
    assert.deepEqual(dataRequest(data.source), { fixtures: false, dataDir: dir });
    // The results schema takes it.
    const fixture = JSON.parse(
      await Deno.readTextFile(
        new URL("../fixtures/results/vm-tensorflow/results.json", import.meta.url),
      ),
    );
    const results = { ...fixture, config: { ...fixture.config, dataSource: data.source } };
    assert.equal(validateResults(results, "subset").config.dataSource?.kind, "subset");
  });
});
