import assert from "node:assert/strict";
import { join } from "node:path";
import { sha256Hex } from "../_util/hash.ts";
import { withTempDir } from "../_util/testing.ts";
import { SetupError } from "../backends/setup_tools.ts";
import { KERAS_PINS } from "../peer/keras.ts";
import { fetchKitWheels, KIT_WHEELS, wheelCacheDir } from "./wheels.ts";

Deno.test("the kit's wheels are pinned: Keras at the peer's pin, each file by version and SHA-256", () => {
  assert.equal(KIT_WHEELS[0].requirement, KERAS_PINS.keras);
  assert.deepEqual(
    KIT_WHEELS.map((w) => w.requirement),
    [
      "keras==3.15.1",
      "namex==0.1.0",
      "optree==0.16.0",
      "packaging==26.4",
      "typing_extensions==4.16.0",
    ],
  );
  for (const w of KIT_WHEELS) {
    const [name, version] = w.requirement.split("==");
    assert.ok(w.file.startsWith(`${name}-${version}-`), `${w.file} is not ${w.requirement}`);
    assert.match(w.file, /-(py3-none-any|cp312-cp312-manylinux_2_17_x86_64\..*)\.whl$/);
    assert.match(w.sha256, /^[0-9a-f]{64}$/);
    assert.equal(w.module, name);
  }
});

Deno.test("a cached kit wheel with another SHA-256 is deleted and refused in one line", async () => {
  await withTempDir(async (cacheDir) => {
    const wheel = KIT_WHEELS[1];
    await Deno.mkdir(wheelCacheDir(cacheDir));
    const path = join(wheelCacheDir(cacheDir), wheel.file);
    for (const w of KIT_WHEELS) {
      await Deno.writeTextFile(join(wheelCacheDir(cacheDir), w.file), "not a wheel");
    }
    const err = await fetchKitWheels({ cacheDir }).catch((e) => e);
    assert.ok(err instanceof SetupError);
    assert.equal(
      err.message,
      `${join(wheelCacheDir(cacheDir), KIT_WHEELS[0].file)}: expected SHA-256 ${
        KIT_WHEELS[0].sha256
      }, got ${sha256Hex("not a wheel")}; the file was deleted. ` +
        "Run the command again to download it afresh, or check the package index pip uses",
    );
    await assert.rejects(
      Deno.stat(join(wheelCacheDir(cacheDir), KIT_WHEELS[0].file)),
      Deno.errors.NotFound,
    );
    assert.ok(await Deno.stat(path), "the next wheel is not touched before the first is fixed");
  });
});

Deno.test("without pip the kit's wheels are refused in one line naming what is missing", async () => {
  await withTempDir(async (cacheDir) => {
    const err = await fetchKitWheels({ cacheDir, python: "/nonexistent/python3" }).catch((e) => e);
    assert.ok(err instanceof SetupError);
    assert.equal(
      err.message,
      "missing tool: /nonexistent/python3 -m pip (to download the GPU kit's Keras wheels); " +
        "install pip: apt-get install python3-pip",
    );
    assert.equal(wheelCacheDir(cacheDir), join(cacheDir, "wheels"));
  });
});
