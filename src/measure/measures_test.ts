import assert from "node:assert/strict";
import { gpuActivityOf } from "./measures.ts";

Deno.test("gpuActivityOf: the median over the epochs that read the GPU; nothing without any", () => {
  assert.deepEqual(
    gpuActivityOf([
      { gpu: { utilisationPercent: 40, smClockMHz: 1400 } },
      {},
      { gpu: { utilisationPercent: 90, smClockMHz: null } },
      { gpu: { utilisationPercent: 80, smClockMHz: 1980 } },
    ]),
    { gpu: { utilisationPercent: 80, smClockMHz: 1690 } },
  );
  assert.deepEqual(gpuActivityOf([{}, {}]), {});
});
