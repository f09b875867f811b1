import assert from "node:assert/strict";
import { formatBytes, KIT_SIZE_LIMIT, kitSizeProblem } from "./size.ts";

Deno.test("the kit may hold 64 MiB, all files together, and not a byte more", () => {
  assert.equal(KIT_SIZE_LIMIT, 67_108_864);
  assert.equal(kitSizeProblem(KIT_SIZE_LIMIT), undefined);
  assert.equal(
    kitSizeProblem(KIT_SIZE_LIMIT + 1),
    "the kit would hold 67.1 MB (67,108,865 bytes), over the limit of 64 MiB (67,108,864 bytes); " +
      "make it smaller: a smaller Deno binary (--deno PATH) or fewer files in the kit",
  );
  assert.match(kitSizeProblem(70_000_000, "the kit holds")!, /^the kit holds 70\.0 MB/);
  assert.equal(formatBytes(30_744_272), "30.7 MB (30,744,272 bytes)");
});
