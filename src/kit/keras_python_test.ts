import assert from "node:assert/strict";
import { join } from "node:path";
import { withTempDir } from "../_util/testing.ts";
import { defaultCacheDir } from "../data/cache.ts";
import { kerasVenvDir, probeKeras } from "../peer/keras.ts";
import { findKeras } from "./keras_python.ts";

const keras = await probeKeras(kerasVenvDir(defaultCacheDir({
  xdgCacheHome: Deno.env.get("XDG_CACHE_HOME"),
  home: Deno.env.get("HOME"),
})));

Deno.test("findKeras says so when the Python does not run", async () => {
  await withTempDir(async (dir) => {
    const found = await findKeras({
      python: "/nonexistent/python3",
      backend: "auto",
      needGpu: true,
      pylib: join(dir, "pylib"),
    });
    assert.deepEqual(found, {
      reason: "/nonexistent/python3 does not run; name a Python 3.12 with --python",
    });
  });
});

Deno.test({
  name: "findKeras takes the Python's own Keras: TensorFlow's CPU when no GPU is needed, " +
    "and refuses it when a GPU is needed" + (keras.available ? "" : ` (ignored: ${keras.reason})`),
  ignore: !keras.available,
  fn: async () => {
    assert.ok(keras.available); // the ignore above: never false here
    await withTempDir(async (dir) => {
      const pylib = join(dir, "pylib");
      const cpu = await findKeras({ python: keras.python, backend: "auto", needGpu: false, pylib });
      assert.ok(!("reason" in cpu), JSON.stringify(cpu));
      assert.deepEqual(cpu.env, {});
      assert.equal(cpu.versions.backend, "tensorflow");
      assert.equal(cpu.versions.keras, "3.15.1");
      assert.equal(cpu.versions.gpu, false);

      const gpu = await findKeras({
        python: keras.python,
        backend: "tensorflow",
        needGpu: true,
        pylib,
      });
      assert.deepEqual(gpu, { reason: "Keras on tensorflow sees no GPU (CPU)" });
      // Nothing was unpacked: the Python had its own Keras.
      await assert.rejects(Deno.stat(pylib), Deno.errors.NotFound);
    });
  },
});
