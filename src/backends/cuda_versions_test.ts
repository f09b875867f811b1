import assert from "node:assert/strict";
import { cudaVersionString, cudnnVersionString } from "./cuda_versions.ts";

Deno.test("CUDA's and cuDNN's integer versions read as dotted versions", () => {
  assert.equal(cudaVersionString(12090), "12.9");
  assert.equal(cudaVersionString(13000), "13.0");
  assert.equal(cudnnVersionString(92800), "9.28.0");
  assert.equal(cudnnVersionString(90301), "9.3.1");
});
