import assert from "node:assert/strict";
import { DENO_CONFIG, denoRunArgs } from "./deno_run.ts";

Deno.test("denoRunArgs runs a script quietly with the project's deno.json", async () => {
  const config = JSON.parse(await Deno.readTextFile(DENO_CONFIG)) as { name: string };
  assert.equal(config.name, "@fmnist-bench/fmnist-bench");
  const script = new URL("file:///srv/x/train_all.ts");
  assert.deepEqual(denoRunArgs(script, "--out", "a b"), [
    "run",
    "-A",
    "--quiet",
    `--config=${DENO_CONFIG}`,
    "/srv/x/train_all.ts",
    "--out",
    "a b",
  ]);
});
