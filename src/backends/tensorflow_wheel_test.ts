import assert from "node:assert/strict";
import { join } from "node:path";
import { findTensorflowLibrary, verifyWheel } from "./tensorflow_wheel.ts";
import { withTempDir } from "../_util/testing.ts";
import { sha256File } from "../_util/hash.ts";

Deno.test("verifyWheel deletes and refuses a wheel with the wrong checksum", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl");
    await Deno.writeTextFile(path, "not a wheel\n");
    const got = await sha256File(path);
    const expected = "2b847d217b02ee7731ed91431daf3250daa0196c3c94614d23be27232e6e5b6c";
    await assert.rejects(verifyWheel(path, expected), {
      name: "SetupError",
      message: `${path}: expected SHA-256 ${expected}, got ${got}; the file was deleted. ` +
        "Run the command again to download it afresh, or check the package index pip uses",
    });
    await assert.rejects(Deno.stat(path), Deno.errors.NotFound);
  });
});

Deno.test("verifyWheel keeps a wheel whose checksum matches", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "x.whl");
    await Deno.writeTextFile(path, "abc");
    await verifyWheel(path, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert.equal((await Deno.stat(path)).size, 3);
  });
});

Deno.test("findTensorflowLibrary accepts a pip TensorFlow folder", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(join(dir, "libtensorflow_cc.so.2"), "");
    await Deno.writeTextFile(join(dir, "libtensorflow_framework.so.2"), "");
    await Deno.mkdir(join(dir, "include", "tensorflow", "c"), { recursive: true });
    await Deno.writeTextFile(join(dir, "include", "tensorflow", "c", "c_api.h"), "");
    assert.deepEqual(await findTensorflowLibrary(dir), {
      libDir: dir,
      mainLib: "libtensorflow_cc.so.2",
      frameworkLib: "libtensorflow_framework.so.2",
      includeDir: join(dir, "include"),
    });
  });
});

Deno.test("findTensorflowLibrary accepts the libtensorflow archive layout", async () => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(join(dir, "lib"));
    await Deno.writeTextFile(join(dir, "lib", "libtensorflow.so.2"), "");
    await Deno.writeTextFile(join(dir, "lib", "libtensorflow_framework.so.2"), "");
    await Deno.mkdir(join(dir, "include", "tensorflow", "c"), { recursive: true });
    await Deno.writeTextFile(join(dir, "include", "tensorflow", "c", "c_api.h"), "");
    const lib = await findTensorflowLibrary(dir);
    assert.equal(lib.libDir, join(dir, "lib"));
    assert.equal(lib.mainLib, "libtensorflow.so.2");
  });
});

Deno.test("findTensorflowLibrary names the missing framework library", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(join(dir, "libtensorflow_cc.so.2"), "");
    await assert.rejects(findTensorflowLibrary(dir), {
      name: "SetupError",
      message: `--tensorflow ${dir}: found libtensorflow_cc.so.2 but not ` +
        `libtensorflow_framework.so.2 beside it in ${dir}`,
    });
  });
});

Deno.test("findTensorflowLibrary says what it looked for in an empty folder", async () => {
  await withTempDir(async (dir) => {
    await assert.rejects(findTensorflowLibrary(dir), {
      message: `--tensorflow ${dir}: expected libtensorflow_cc.so.2 or libtensorflow.so.2 ` +
        "in it or in its lib/ folder, found neither",
    });
  });
});
