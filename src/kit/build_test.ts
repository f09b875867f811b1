import assert from "node:assert/strict";
import { join } from "node:path";
import { sha256Hex } from "../_util/hash.ts";
import { withTempDir } from "../_util/testing.ts";
import { SetupError } from "../backends/setup_tools.ts";
import { defaultCacheDir } from "../data/cache.ts";
import { buildKit } from "./build.ts";
import { KIT_VULKAN } from "./vulkan_loader.ts";
import { KIT_WHEELS, wheelCacheDir } from "./wheels.ts";

/** The suite's cache, where `deno task gpu-kit` (or its CLI test) put the wheels. */
const SUITE_CACHE = defaultCacheDir({
  xdgCacheHome: Deno.env.get("XDG_CACHE_HOME"),
  home: Deno.env.get("HOME"),
});
/** The Vulkan loader's package, where the kit's build put it. */
const SUITE_VULKAN_DEB = join(SUITE_CACHE, "kit", KIT_VULKAN.deb);
const haveWheels = (await Promise.all(
  [...KIT_WHEELS.map((w) => join(wheelCacheDir(SUITE_CACHE), w.file)), SUITE_VULKAN_DEB].map((f) =>
    Deno.stat(f).then(() => true, () => false)
  ),
)).every(Boolean);

Deno.test({
  name: "buildKit refuses a kit over 64 MiB in one line, before it writes anything" +
    (haveWheels ? "" : ` (ignored: the kit's wheels or Vulkan package are not in ${SUITE_CACHE})`),
  ignore: !haveWheels,
  fn: async () => {
    await withTempDir(async (dir) => {
      const cacheDir = join(dir, "cache");
      await Deno.mkdir(wheelCacheDir(cacheDir), { recursive: true });
      for (const w of KIT_WHEELS) {
        await Deno.copyFile(
          join(wheelCacheDir(SUITE_CACHE), w.file),
          join(wheelCacheDir(cacheDir), w.file),
        );
      }
      await Deno.mkdir(join(cacheDir, "kit"), { recursive: true });
      await Deno.copyFile(SUITE_VULKAN_DEB, join(cacheDir, "kit", KIT_VULKAN.deb));
      // The kit's compressed data, when the suite's cache has it, saves a minute of xz.
      const cached = await Array.fromAsync(Deno.readDir(join(SUITE_CACHE, "kit"))).catch(() => []);
      for (const e of cached) {
        if (!e.isDirectory || !e.name.startsWith("data-")) continue;
        await Deno.mkdir(join(cacheDir, "kit", e.name), { recursive: true });
        for await (const f of Deno.readDir(join(SUITE_CACHE, "kit", e.name))) {
          await Deno.copyFile(
            join(SUITE_CACHE, "kit", e.name, f.name),
            join(cacheDir, "kit", e.name, f.name),
          );
        }
      }
      // A "Deno" whose compressed form, as cached, is 65 MiB: with the rest, over the limit.
      const denoPath = join(dir, "deno");
      await Deno.writeTextFile(denoPath, "a stand-in binary");
      await Deno.mkdir(join(cacheDir, "kit"), { recursive: true });
      using xz = await Deno.open(
        join(cacheDir, "kit", `deno-${sha256Hex("a stand-in binary")}.xz`),
        { write: true, createNew: true },
      );
      await xz.truncate(65 * 1024 * 1024);
      const outDir = join(dir, "kit");
      const err = await buildKit({
        outDir,
        denoPath,
        denoVersion: "test",
        cacheDir,
        gitCommit: null,
      }).catch((e) => e);
      assert.ok(err instanceof SetupError, String(err));
      assert.match(
        err.message,
        /^the kit would hold \d+\.\d MB \([\d,]+ bytes\), over the limit of 64 MiB \(67,108,864 bytes\); make it smaller: a smaller Deno binary \(--deno PATH\) or fewer files in the kit$/,
      );
      await assert.rejects(Deno.stat(outDir), Deno.errors.NotFound);
    });
  },
});
