import assert from "node:assert/strict";
import { join } from "node:path";
import { sha256Hex } from "../_util/hash.ts";
import { withTempDir } from "../_util/testing.ts";
import { SetupError } from "../backends/setup_tools.ts";
import { defaultCacheDir } from "../data/cache.ts";
import { fetchKitVulkan, KIT_VULKAN } from "./vulkan_loader.ts";

/** The suite's cache, where `deno task gpu-kit` (or its CLI test) put the package. */
const SUITE_DEB = join(
  defaultCacheDir({ xdgCacheHome: Deno.env.get("XDG_CACHE_HOME"), home: Deno.env.get("HOME") }),
  "kit",
  KIT_VULKAN.deb,
);
const haveDeb = await Deno.stat(SUITE_DEB).then(() => true, () => false);

Deno.test("the Vulkan loader is pinned: Debian's libvulkan1 and the library in it, by SHA-256", () => {
  assert.equal(KIT_VULKAN.deb, `${KIT_VULKAN.package}_${KIT_VULKAN.version}_amd64.deb`);
  assert.ok(KIT_VULKAN.pool.endsWith(`/${KIT_VULKAN.deb}`));
  assert.match(KIT_VULKAN.debSha256, /^[0-9a-f]{64}$/);
  assert.match(KIT_VULKAN.sha256, /^[0-9a-f]{64}$/);
  assert.ok(KIT_VULKAN.member.endsWith(`libvulkan.so.${KIT_VULKAN.version.split(".0-")[0]}`));
});

Deno.test({
  name: "the loader comes out of the named package, checked, and the package is cached" +
    (haveDeb ? "" : ` (ignored: no ${SUITE_DEB})`),
  ignore: !haveDeb,
  fn: async () => {
    await withTempDir(async (cacheDir) => {
      const got = await fetchKitVulkan({ cacheDir, from: SUITE_DEB });
      assert.equal(sha256Hex(got.library), KIT_VULKAN.sha256);
      assert.equal(got.library.length, KIT_VULKAN.bytes);
      assert.match(new TextDecoder().decode(got.copyright), /^Format: /);
      // Cached now: the next build needs neither the flag nor apt.
      const again = await fetchKitVulkan({ cacheDir, aptGet: "/nonexistent/apt-get" });
      assert.equal(sha256Hex(again.library), KIT_VULKAN.sha256);
    });
  },
});

Deno.test("a named file that is not the pinned package is refused in one line", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, KIT_VULKAN.deb);
    await Deno.writeTextFile(path, "not a package");
    const err = await fetchKitVulkan({ cacheDir: dir, from: path }).catch((e) => e);
    assert.ok(err instanceof SetupError);
    assert.equal(
      err.message,
      `${path}: expected ${KIT_VULKAN.deb} with SHA-256 ${KIT_VULKAN.debSha256}, got ${
        sha256Hex("not a package")
      }; it is not Debian's package: name that file`,
    );
  });
});

Deno.test("a cached package with another SHA-256 is deleted and refused", async () => {
  await withTempDir(async (cacheDir) => {
    const path = join(cacheDir, "kit", KIT_VULKAN.deb);
    await Deno.mkdir(join(cacheDir, "kit"));
    await Deno.writeTextFile(path, "damaged");
    const err = await fetchKitVulkan({ cacheDir }).catch((e) => e);
    assert.ok(err instanceof SetupError);
    assert.match(err.message, /; the file was deleted; run the command again to fetch it afresh$/);
    await assert.rejects(Deno.stat(path), Deno.errors.NotFound);
  });
});

Deno.test("without apt (or offline) the build says what to do instead, in one line", async () => {
  await withTempDir(async (cacheDir) => {
    const err = await fetchKitVulkan({ cacheDir, aptGet: "/nonexistent/apt-get" })
      .catch((e) => e);
    assert.ok(err instanceof SetupError);
    assert.equal(
      err.message,
      `/nonexistent/apt-get download libvulkan1=1.3.239.0-1 failed: no such program; build the ` +
        "kit where apt can download it, or name the package with --vulkan-deb: a file, or a " +
        `Debian mirror's URL (the file is its ${KIT_VULKAN.pool}, e.g. on ` +
        "http://deb.debian.org/debian)",
    );
    const url = "http://127.0.0.1:9/debian";
    const offline = await fetchKitVulkan({ cacheDir, from: url }).catch((e) => e);
    assert.ok(offline instanceof SetupError);
    assert.match(
      offline.message,
      new RegExp(`^could not download ${url}/${KIT_VULKAN.pool}: .+; build the kit where apt`),
    );
  });
});
