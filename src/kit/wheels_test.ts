import assert from "node:assert/strict";
import { join } from "node:path";
import { sha256Hex } from "../_util/hash.ts";
import { withTempDir } from "../_util/testing.ts";
import { SetupError } from "../backends/setup_error.ts";
import { KERAS_PINS } from "../peer/keras.ts";
import { fetchKitWheels, KIT_WHEELS, verifyWheel, wheelCacheDir } from "./wheels.ts";

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

Deno.test("a wheel with another SHA-256 is deleted and refused in one line", async () => {
  await withTempDir(async (dir) => {
    const wheel = KIT_WHEELS[1];
    const path = join(dir, wheel.file);
    await Deno.writeTextFile(path, "not a wheel");
    const err = await verifyWheel(path, wheel).catch((e) => e);
    assert.ok(err instanceof SetupError);
    assert.equal(
      err.message,
      `${path}: expected SHA-256 ${wheel.sha256} (namex==0.1.0), got ${
        sha256Hex("not a wheel")
      }; ` +
        "deleted it: check the package index pip uses, then run again",
    );
    assert.equal(err.message.includes("\n"), false);
    await assert.rejects(Deno.stat(path), Deno.errors.NotFound);
  });
});

Deno.test("without pip the kit's wheels are refused in one line naming what is missing", async () => {
  await withTempDir(async (cacheDir) => {
    const err = await fetchKitWheels({ cacheDir, python: "/nonexistent/python3" }).catch((e) => e);
    assert.ok(err instanceof SetupError);
    assert.equal(
      err.message,
      "/nonexistent/python3: not found; the GPU kit needs Python 3 with pip to download " +
        "keras==3.15.1",
    );
    assert.equal(wheelCacheDir(cacheDir), join(cacheDir, "wheels"));
  });
});
