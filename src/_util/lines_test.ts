import assert from "node:assert/strict";
import { forEachLine } from "./lines.ts";

Deno.test("forEachLine gives every line once, split across chunks, the last without a newline", async () => {
  const chunks = ["first li", "ne\nsecond\n", "\nla", "st"];
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(new TextEncoder().encode(c));
      controller.close();
    },
  });
  const lines: string[] = [];
  await forEachLine(stream, (l) => lines.push(l));
  assert.deepEqual(lines, ["first line", "second", "", "last"]);
});
