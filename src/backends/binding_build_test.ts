import assert from "node:assert/strict";
import { join } from "node:path";
import { TFJS_NODE, tfjsNodePackageDir } from "./libtensorflow.ts";
import { patchedBindingSources } from "./binding_build.ts";
import { withTempDir } from "../_util/testing.ts";

Deno.test("patchedBindingSources applies the list-attribute patch to the pinned tfjs-node's binding", async () => {
  const packageDir = tfjsNodePackageDir(TFJS_NODE);
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
