import assert from "node:assert/strict";
import { join } from "node:path";
import { findChromium } from "./chromium.ts";

Deno.test("findChromium takes a given binary, else the first name on the search path", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const bin = join(dir, "chromium-browser");
    await Deno.writeTextFile(bin, "#!/bin/sh\n");
    assert.deepEqual(findChromium({ searchPath: `/no/such/dir:${dir}` }), { path: bin });
    assert.deepEqual(findChromium({ given: bin, searchPath: "" }), { path: bin });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("findChromium says what is missing and how to install it", () => {
  assert.deepEqual(findChromium({ searchPath: "/no/such/dir" }), {
    missing:
      "no Chromium on PATH (looked for chromium, chromium-browser, google-chrome, google-chrome-stable); install it with apt-get install -y chromium, or set FMNIST_CHROMIUM",
  });
  assert.deepEqual(findChromium({ given: "/no/such/chromium" }), {
    missing: "/no/such/chromium: no such browser binary (from FMNIST_CHROMIUM)",
  });
});
