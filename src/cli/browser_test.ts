import assert from "node:assert/strict";
import { browserArgs } from "./browser.ts";

Deno.test("browser runs browser-wasm unless told otherwise, and reads a bare --open as auto", () => {
  assert.deepEqual(browserArgs([]), ["--backend", "browser-wasm"]);
  assert.deepEqual(browserArgs(["--open"]), ["--backend", "browser-wasm", "--open", "auto"]);
  assert.deepEqual(browserArgs(["--open", "--fixtures"]), [
    "--backend",
    "browser-wasm",
    "--open",
    "auto",
    "--fixtures",
  ]);
  assert.deepEqual(browserArgs(["--backend", "browser-webgl", "--open", "8080"]), [
    "--backend",
    "browser-webgl",
    "--open",
    "8080",
  ]);
});
