/**
 * mod.ts as a library user meets it: its example type-checks against the
 * real exports (`deno check --doc` cannot check it with this project's
 * `noUnusedLocals`, since Deno adds an import of every other export), and
 * importing it loads no backend.
 */
import assert from "node:assert/strict";
import { join } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;

Deno.test("mod.ts's @example type-checks under the project's compiler options", async () => {
  const source = await Deno.readTextFile(join(ROOT, "mod.ts"));
  const block = source.match(/@example[^\n]*\n \* ```ts\n([\s\S]*?)\n \* ```/);
  assert.ok(block, "expected an @example with a ts code block in mod.ts");
  const code = block[1].split("\n").map((line) => line.replace(/^ \* ?/, "")).join("\n");
  assert.match(code, /from "\.\/mod\.ts";/);
  const dir = await Deno.makeTempDir({ dir: ROOT, prefix: ".mod-example-" });
  try {
    const file = join(dir, "example.ts");
    await Deno.writeTextFile(file, code.replace('"./mod.ts"', `"${join(ROOT, "mod.ts")}"`) + "\n");
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["check", "--quiet", `--config=${join(ROOT, "deno.json")}`, file],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("importing mod.ts loads no backend and starts nothing", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `--config=${join(ROOT, "deno.json")}`,
      `const m = await import("${join(ROOT, "mod.ts")}");
       const tf = await import("@tensorflow/tfjs");
       console.log(JSON.stringify({ backends: Object.keys(tf.engine().registry), names: m.BACKEND_NAMES }));`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const { backends, names } = JSON.parse(new TextDecoder().decode(out.stdout));
  assert.deepEqual(backends, []);
  assert.deepEqual(names, [
    "tensorflow-gpu",
    "tensorflow",
    "webgpu",
    "wasm",
    "cpu",
    "browser-wasm",
    "browser-webgl",
    "browser-webgpu",
    "browser-cpu",
  ]);
});
