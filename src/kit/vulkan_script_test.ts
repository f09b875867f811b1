import assert from "node:assert/strict";
import { join } from "node:path";
import { sha256Hex } from "../_util/hash.ts";
import { withTempDir } from "../_util/testing.ts";
import { KIT_VULKAN_ENV, vulkanScript } from "./vulkan_script.ts";

const LIB = "not really a loader";

interface Case {
  /** What the fake `ldconfig -p` prints. */
  ldconfig: string;
  /** Driver manifests to put in the loader's first folder. */
  icds?: string[];
  /** Whether NVIDIA's manifest exists. */
  nvidia?: boolean;
  /** More environment. */
  env?: Record<string, string>;
  /** The carried library's content. Default {@link LIB}. */
  lib?: string;
}

/**
 * Runs `run.sh`'s Vulkan part in a kit of its own under `dir`, with a fake `ldconfig` first on
 * `PATH` and the loader's folders and NVIDIA's manifest in `dir`; returns the line it exported,
 * `LD_LIBRARY_PATH` and `VK_DRIVER_FILES` as the kit's program would see them.
 */
async function runPart(dir: string, c: Case) {
  const kit = join(dir, "kit");
  await Deno.mkdir(join(kit, "vulkan"), { recursive: true });
  await Deno.writeTextFile(join(kit, "vulkan", "libvulkan.so.1"), c.lib ?? LIB);
  const bin = join(dir, "bin");
  await Deno.mkdir(bin);
  await Deno.writeTextFile(join(bin, "ldconfig"), `#!/bin/sh\nprintf '%s' '${c.ldconfig}'\n`);
  await Deno.chmod(join(bin, "ldconfig"), 0o755);
  const icdDirs = [join(dir, "icd.d"), join(dir, "etc-icd.d")];
  await Deno.mkdir(icdDirs[0]);
  for (const icd of c.icds ?? []) await Deno.writeTextFile(join(icdDirs[0], icd), "{}");
  const nvidiaIcd = join(dir, "nvidia", "nvidia_icd.json");
  if (c.nvidia) {
    await Deno.mkdir(join(dir, "nvidia"));
    await Deno.writeTextFile(nvidiaIcd, "{}");
  }
  const script = `set -euo pipefail
KIT="${kit}"
sha256() { sha256sum "$1" | cut -d' ' -f1; }
${vulkanScript({ file: "vulkan/libvulkan.so.1", sha256: sha256Hex(LIB), icdDirs, nvidiaIcd })}
printf '%s\\n' "$${KIT_VULKAN_ENV}" "\${LD_LIBRARY_PATH-(unset)}" "\${VK_DRIVER_FILES-(unset)}"
`;
  const out = await new Deno.Command("bash", {
    args: ["-c", script],
    clearEnv: true,
    // HOME and the XDG folders lead to no real driver manifest.
    env: {
      PATH: `${bin}:/usr/bin:/bin`,
      HOME: join(dir, "home"),
      XDG_CONFIG_DIRS: join(dir, "xdg-config"),
      XDG_DATA_DIRS: join(dir, "xdg-data"),
      ...c.env,
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  const [line, ldLibraryPath, vkDriverFiles] = dec.decode(out.stdout).split("\n");
  return {
    code: out.code,
    stderr: dec.decode(out.stderr),
    line,
    ldLibraryPath,
    vkDriverFiles,
    kit,
    nvidiaIcd,
    icdDirs,
  };
}

const SYSTEM = "\tlibvulkan.so.1 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libvulkan.so.1\n";

Deno.test("with no system loader, run.sh puts the kit's on LD_LIBRARY_PATH and points the loader at NVIDIA's driver", async () => {
  await withTempDir(async (dir) => {
    const r = await runPart(dir, {
      ldconfig: "\tlibc.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libc.so.6\n",
      nvidia: true,
      env: { LD_LIBRARY_PATH: "/opt/other" },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.line,
      `vulkan: loader ${r.kit}/vulkan/libvulkan.so.1 (carried: no system loader); ` +
        `driver: ${r.nvidiaIcd} (VK_DRIVER_FILES: no driver in the loader's folders)`,
    );
    assert.equal(r.ldLibraryPath, `${r.kit}/vulkan:/opt/other`);
    assert.equal(r.vkDriverFiles, r.nvidiaIcd);
  });
});

Deno.test("with the system's loader and a driver it finds, run.sh changes nothing and says so", async () => {
  await withTempDir(async (dir) => {
    const r = await runPart(dir, {
      ldconfig: "\tlibvulkan.so.1 (libc6) => /usr/lib/i386-linux-gnu/libvulkan.so.1\n" + SYSTEM,
      icds: ["nvidia_icd.json", "lvp_icd.x86_64.json"],
      nvidia: true,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.line,
      "vulkan: loader /usr/lib/x86_64-linux-gnu/libvulkan.so.1 (system); driver: found by the " +
        `loader (${r.icdDirs[0]}/lvp_icd.x86_64.json, ${r.icdDirs[0]}/nvidia_icd.json)`,
    );
    assert.equal(r.ldLibraryPath, "(unset)");
    assert.equal(r.vkDriverFiles, "(unset)");
  });
});

Deno.test("run.sh keeps a driver named before it, and says when it finds none", async () => {
  await withTempDir(async (dir) => {
    const r = await runPart(dir, {
      ldconfig: SYSTEM,
      nvidia: true,
      env: { VK_ICD_FILENAMES: "/mine.json" },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.line, /; driver: VK_ICD_FILENAMES=\/mine\.json \(set before run\.sh\)$/);
    assert.equal(r.vkDriverFiles, "(unset)");
  });
  await withTempDir(async (dir) => {
    const r = await runPart(dir, { ldconfig: "" });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.line,
      `vulkan: loader ${r.kit}/vulkan/libvulkan.so.1 (carried: no system loader); driver: none ` +
        `found (no driver in the loader's folders, no ${r.nvidiaIcd})`,
    );
    assert.equal(r.vkDriverFiles, "(unset)");
  });
});

Deno.test("a loader already on LD_LIBRARY_PATH is the one used", async () => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(join(dir, "mine"));
    await Deno.writeTextFile(join(dir, "mine", "libvulkan.so.1"), "");
    const r = await runPart(dir, { ldconfig: "", env: { LD_LIBRARY_PATH: join(dir, "mine") } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.line,
      new RegExp(`^vulkan: loader ${dir}/mine/libvulkan.so.1 \\(LD_LIBRARY_PATH\\);`),
    );
    assert.equal(r.ldLibraryPath, join(dir, "mine"));
  });
});

Deno.test("a damaged carried loader is refused in one line, where it would be used", async () => {
  await withTempDir(async (dir) => {
    const r = await runPart(dir, { ldconfig: "", lib: "damaged" });
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `error: ${r.kit}/vulkan/libvulkan.so.1: expected SHA-256 ${sha256Hex(LIB)}, got ${
        sha256Hex("damaged")
      }; copy the kit again\n`,
    );
  });
});
