import assert from "node:assert/strict";
import { join } from "node:path";
import { checkSharedLibraries, describeUnresolved, parseLdd } from "./shared_libraries.ts";
import { runQuiet } from "../_util/run_quiet.ts";
import { withTempDir } from "../_util/testing.ts";

Deno.test("parseLdd tells missing libraries from the driver's and from resolved ones", () => {
  const text = `\tlinux-vdso.so.1 (0x00007ffd1e5f2000)
\tlibcudnn_graph.so.9 => /x/nvidia/cudnn/lib/libcudnn_graph.so.9 (0x00007efd44c00000)
\tlibcuda.so.1 => not found
\tlibnvJitLink.so.12 => not found
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007efd44a1e000)
`;
  assert.deepEqual(parseLdd(text), {
    missing: ["libnvJitLink.so.12"],
    missingDriver: ["libcuda.so.1"],
    resolved: {
      "libcudnn_graph.so.9": "/x/nvidia/cudnn/lib/libcudnn_graph.so.9",
      "libc.so.6": "/lib/x86_64-linux-gnu/libc.so.6",
    },
  });
});

Deno.test("checkSharedLibraries finds a dependency that no longer resolves", async () => {
  await withTempDir(async (dir) => {
    const dep = join(dir, "libdep.so");
    const lib = join(dir, "libuser.so");
    await Deno.writeTextFile(join(dir, "dep.c"), "int dep(void) { return 1; }\n");
    await Deno.writeTextFile(
      join(dir, "user.c"),
      "int dep(void);\nint user(void) { return dep(); }\n",
    );
    for (
      const args of [
        ["-shared", "-fPIC", join(dir, "dep.c"), "-o", dep],
        [
          "-shared",
          "-fPIC",
          join(dir, "user.c"),
          `-L${dir}`,
          "-ldep",
          `-Wl,-rpath,${dir}`,
          "-o",
          lib,
        ],
      ]
    ) {
      const out = await runQuiet("cc", args);
      assert.equal(out?.code, 0, out?.stderr ?? "no such program");
    }
    const [ok] = await checkSharedLibraries([lib]);
    assert.equal(ok.resolved["libdep.so"], dep);
    assert.equal(describeUnresolved([ok]), undefined);
    await Deno.remove(dep);
    const broken = await checkSharedLibraries([lib]);
    assert.deepEqual(broken[0].missing, ["libdep.so"]);
    assert.equal(describeUnresolved(broken), "libuser.so needs libdep.so");
  });
});
