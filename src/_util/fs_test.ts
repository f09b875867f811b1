import assert from "node:assert/strict";
import { join } from "node:path";
import {
  exists,
  isDirectory,
  isFile,
  temporaryPath,
  writeFileAtomic,
  writeJsonAtomic,
} from "./fs.ts";

Deno.test("exists, isFile and isDirectory tell a file, a folder and nothing apart", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, "a.txt");
    await Deno.writeTextFile(file, "a");
    assert.deepEqual(
      await Promise.all([exists(file), isFile(file), isDirectory(file)]),
      [true, true, false],
    );
    assert.deepEqual(
      await Promise.all([exists(dir), isFile(dir), isDirectory(dir)]),
      [true, false, true],
    );
    const under = join(file, "x"); // a file on the way
    assert.deepEqual(
      await Promise.all([exists(under), isFile(under), isDirectory(under)]),
      [false, false, false],
    );
    const none = join(dir, "none");
    assert.deepEqual(
      await Promise.all([exists(none), isFile(none), isDirectory(none)]),
      [false, false, false],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("temporaryPath is a hidden .tmp file beside the target", () => {
  assert.match(temporaryPath("/a/b/results.json"), /^\/a\/b\/\.results\.json\.[0-9a-f-]{36}\.tmp$/);
});

Deno.test("writeJsonAtomic replaces a file and leaves no temporary behind", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "sub", "results.json");
    await writeJsonAtomic(path, { a: 1 });
    await writeJsonAtomic(path, { a: 2 });
    assert.deepEqual(JSON.parse(await Deno.readTextFile(path)), { a: 2 });
    const names = [];
    for await (const e of Deno.readDir(join(dir, "sub"))) names.push(e.name);
    assert.deepEqual(names, ["results.json"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeFileAtomic leaves no temporary file when the rename fails", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "report.md");
    await Deno.mkdir(path); // a non-empty folder where the file should go: rename must fail
    await Deno.writeTextFile(join(path, "keep.txt"), "old");
    await assert.rejects(writeFileAtomic(path, "new"));
    const names = [];
    for await (const e of Deno.readDir(dir)) names.push(e.name);
    assert.deepEqual(names, ["report.md"]);
    assert.equal(await Deno.readTextFile(join(path, "keep.txt")), "old");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
