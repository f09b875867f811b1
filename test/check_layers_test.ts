/**
 * tools/check_layers.ts as `deno task check` runs it: on small trees with a
 * cycle (of folders or of files), one line per problem and exit code 1; on
 * this repository, exit 0.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;
const SCRIPT = join(ROOT, "tools/check_layers.ts");

/** Runs the checker on `root`. */
async function checkLayers(
  root: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", SCRIPT, root],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

/** A temporary repository with an ARCHITECTURE.md table of `rows` and the files `files`. */
async function tree(rows: string[], files: Record<string, string>): Promise<string> {
  const root = await Deno.makeTempDir();
  const table = [
    "| Folder | Its job | May import | Its tests may also import |",
    "| --- | --- | --- | --- |",
    ...rows,
  ];
  await Deno.writeTextFile(
    join(root, "ARCHITECTURE.md"),
    `# Architecture\n\n${table.join("\n")}\n`,
  );
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(dirname(join(root, path)), { recursive: true });
    await Deno.writeTextFile(join(root, path), text);
  }
  return root;
}

Deno.test("check_layers names the import that breaks the table and the cycle it makes", async () => {
  const root = await tree(
    ["| `a` | the bottom | — | — |", "| `b` | above it | `a` | — |"],
    {
      "src/a/one.ts": '// import { x } from "../b/ignored.ts";\n' +
        'import { two } from "../b/two.ts";\nexport const one = two + 1;\n',
      "src/b/two.ts": 'export const two = 2;\nexport const lazy = () => import("../a/one.ts");\n',
      "src/b/two_test.ts": 'import { one } from "../a/one.ts";\nconsole.log(one);\n',
    },
  );
  try {
    const { code, stdout, stderr } = await checkLayers(root);
    assert.equal(
      stderr,
      [
        "src/a/one.ts imports src/b/two.ts: a may import only its own folder",
        "src/ has an import cycle: a -> b -> a",
        "src/ has a file import cycle: src/a/one.ts -> src/b/two.ts -> src/a/one.ts",
        "",
      ].join("\n"),
    );
    assert.equal(stdout, "");
    assert.equal(code, 1);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("check_layers refuses a table with a cycle, and a test importing above its folder", async () => {
  const root = await tree(
    ["| `a` | one | `b` | — |", "| `b` | two | `a` | — |", "| `c` | three | — | — |"],
    { "src/c/three_test.ts": 'import "../a/one.ts";\n', "src/a/one.ts": "export {};\n" },
  );
  try {
    const { code, stderr } = await checkLayers(root);
    assert.equal(
      stderr,
      [
        "src/c/three_test.ts imports src/a/one.ts: tests in c may import only its own folder",
        "ARCHITECTURE.md: the table's imports have a cycle: a -> b -> a",
        "",
      ].join("\n"),
    );
    assert.equal(code, 1);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("check_layers names a circle of files within one folder, type imports and tests included", async () => {
  const root = await tree(["| `a` | the only one | — | — |"], {
    "src/a/one.ts": 'import type { Two } from "./two.ts";\nexport type One = Two[];\n',
    "src/a/two.ts": 'import type { One } from "./one.ts";\nexport type Two = { one: One };\n',
    "src/a/three.ts": 'export { three } from "./three_test.ts";\n',
    "src/a/three_test.ts": 'import "./three.ts";\nexport const three = 3;\n',
    "src/a/leaf.ts": 'import "./one.ts";\n',
  });
  try {
    const { code, stdout, stderr } = await checkLayers(root);
    assert.equal(
      stderr,
      [
        "src/ has a file import cycle: src/a/one.ts -> src/a/two.ts -> src/a/one.ts",
        "src/ has a file import cycle: src/a/three.ts -> src/a/three_test.ts -> src/a/three.ts",
        "",
      ].join("\n"),
    );
    assert.equal(stdout, "");
    assert.equal(code, 1);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("this repository's imports follow ARCHITECTURE.md", async () => {
  const { code, stdout, stderr } = await checkLayers(ROOT);
  assert.equal(stderr, "");
  assert.match(
    stdout,
    /^check_layers: \d+ imports in \d+ files follow ARCHITECTURE\.md's \d+ folders\n$/,
  );
  assert.equal(code, 0);
});
