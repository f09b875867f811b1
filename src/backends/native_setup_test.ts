import assert from "node:assert/strict";
import { join } from "node:path";
import { nativePackageDir, TFJS_NODE, TFJS_NODE_GPU } from "./native.ts";
import {
  findTensorflowLibrary,
  patchedBindingSources,
  requireTool,
  TOOLS,
  verifyWheel,
} from "./native_setup.ts";
import { sha256File } from "../_util/hash.ts";

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "fmnist-setup-test-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("verifyWheel deletes and refuses a wheel with the wrong checksum", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl");
    await Deno.writeTextFile(path, "not a wheel\n");
    const got = await sha256File(path);
    const expected = "2b847d217b02ee7731ed91431daf3250daa0196c3c94614d23be27232e6e5b6c";
    await assert.rejects(verifyWheel(path, expected), {
      name: "SetupError",
      message: `${path}: expected SHA-256 ${expected}, got ${got}; the file was deleted. ` +
        "Run setup again to download it afresh, or check the package index pip uses",
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

Deno.test("requireTool names a missing compiler and how to install it", async () => {
  await assert.rejects(
    requireTool(
      TOOLS.cxx,
      "no-such-cxx-fmnist",
      "to compile tfjs-node's binding",
    ),
    {
      name: "SetupError",
      message: "missing tool: no-such-cxx-fmnist (to compile tfjs-node's binding); " +
        "install a C++ compiler: apt-get install g++",
    },
  );
});

Deno.test("requireTool names a Python without pip", async () => {
  await assert.rejects(
    requireTool(
      TOOLS.pip,
      "no-such-python-fmnist",
    ),
    {
      message:
        "missing tool: no-such-python-fmnist -m pip; install pip: apt-get install python3-pip",
    },
  );
});

Deno.test("patchedBindingSources applies the list-attribute patch to the pinned tfjs-node's binding", async () => {
  const packageDir = nativePackageDir(TFJS_NODE);
  assert.ok(packageDir, "tfjs-node is installed (deno install)");
  await withTempDir(async (dir) => {
    const [backend, binding] = await patchedBindingSources(packageDir, dir);
    const text = await Deno.readTextFile(backend);
    assert.equal(text.split("TFE_OpSetAttrStringList(").length, 2, "one string-list call");
    assert.equal(text.split("TFE_OpSetAttrTypeList(").length, 2, "one type-list call");
    assert.match(
      await Deno.readTextFile(binding),
      /AssignIntProperty\(env, exports, "FMNIST_BENCH_LIST_ATTRS", 1\);/,
    );
  });
});

Deno.test("patchedBindingSources names a binding source it cannot patch", async () => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(join(dir, "pkg", "binding"), { recursive: true });
    await Deno.writeTextFile(join(dir, "pkg", "binding", "tfjs_backend.cc"), "// other version\n");
    await Deno.writeTextFile(join(dir, "pkg", "binding", "tfjs_binding.cc"), "");
    await assert.rejects(() => patchedBindingSources(join(dir, "pkg"), join(dir, "out")), {
      name: "SetupError",
      message:
        `${
          join(dir, "pkg", "binding", "tfjs_backend.cc")
        }: expected tfjs-node ${TFJS_NODE.version}'s ` +
        "source, where the patch for list attributes applies once; reinstall the pinned " +
        "package (deno install)",
    });
  });
});

Deno.test("the native packages' versions are the ones deno.json pins and deno install put in place", async () => {
  const config = JSON.parse(
    await Deno.readTextFile(new URL("../../deno.json", import.meta.url)),
  ) as { imports: Record<string, string> };
  for (const pkg of [TFJS_NODE, TFJS_NODE_GPU]) {
    assert.equal(config.imports[pkg.npmPackage], `npm:${pkg.npmPackage}@${pkg.version}`);
  }
  const installed = JSON.parse(
    await Deno.readTextFile(join(nativePackageDir(TFJS_NODE)!, "package.json")),
  ) as { version: string };
  assert.equal(installed.version, TFJS_NODE.version);
});
