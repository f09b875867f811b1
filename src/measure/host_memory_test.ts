import assert from "node:assert/strict";
import { join } from "node:path";
import { hostMemoryReader } from "./host_memory.ts";
import { isMeasured } from "./measures.ts";

const MB = 1024 * 1024;

Deno.test("hostMemoryReader: a child that fills a 256 MB buffer shows its peak rise by at least that", async () => {
  const script = `
    import { hostMemoryReader } from ${
    JSON.stringify(new URL("./host_memory.ts", import.meta.url).href)
  };
    const memory = hostMemoryReader();
    if ("notMeasured" in memory) throw new Error(memory.notMeasured);
    memory.resetPeak();
    const before = memory.peak();
    let buffer = new Uint8Array(256 * 1024 * 1024).fill(1);
    const during = memory.peak();
    buffer = new Uint8Array(0);
    memory.resetPeak();
    console.log(JSON.stringify({ before, during, checksum: buffer.length }));
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const { before, during } = JSON.parse(new TextDecoder().decode(out.stdout));
  assert.ok(during - before >= 256 * MB, `peak rose by ${during - before} bytes`);
});

Deno.test("hostMemoryReader: reads VmRSS and VmHWM in bytes from a status file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      join(dir, "status"),
      "Name:\tdeno\nVmPeak:\t 9000 kB\nVmHWM:\t    2048 kB\nVmRSS:\t    1024 kB\n",
    );
    await Deno.writeTextFile(join(dir, "clear_refs"), "");
    const memory = hostMemoryReader({ procDir: dir });
    assert.ok(isMeasured(memory));
    assert.deepEqual(memory.rss(), 1024 * 1024);
    assert.deepEqual(memory.peak(), 2048 * 1024);
    assert.deepEqual(await Deno.readTextFile(join(dir, "clear_refs")), "5");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("hostMemoryReader: without the proc files it says why", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const memory = hostMemoryReader({ procDir: join(dir, "missing") });
    assert.deepEqual(memory, {
      notMeasured: `no resident-memory counters: ${join(dir, "missing", "status")} or ${
        join(dir, "missing", "clear_refs")
      } is absent (not Linux?)`,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
