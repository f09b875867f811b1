import assert from "node:assert/strict";
import { join } from "node:path";
import { TFJS_NODE, TFJS_NODE_GPU, tfjsNodePackageDir } from "./libtensorflow.ts";

Deno.test("the native packages' versions are the ones deno.json pins and deno install put in place", async () => {
  const config = JSON.parse(
    await Deno.readTextFile(new URL("../../deno.json", import.meta.url)),
  ) as { imports: Record<string, string> };
  for (const pkg of [TFJS_NODE, TFJS_NODE_GPU]) {
    assert.equal(config.imports[pkg.npmPackage], `npm:${pkg.npmPackage}@${pkg.version}`);
  }
  const installed = JSON.parse(
    await Deno.readTextFile(join(tfjsNodePackageDir(TFJS_NODE)!, "package.json")),
  ) as { version: string };
  assert.equal(installed.version, TFJS_NODE.version);
});
