/**
 * tools/check_sizes.ts: the functions it finds in small `deno fmt`-shaped
 * sources and where they end, the comment that excuses a long one, and the
 * script's lines and exit codes on a small tree.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import {
  checkSizes,
  countLines,
  findFunctions,
  measureFile,
  parseArgs,
  sizeReport,
} from "../tools/check_sizes.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const SCRIPT = join(ROOT, "tools/check_sizes.ts");

/** `name`, `line` and `lines` of each function of `source`. */
function shapes(source: string): [string, number, number][] {
  return findFunctions(source).map((f) => [f.name, f.line, f.lines]);
}

/** `n` lines of body at `indent` spaces. */
function body(n: number, indent = 2): string {
  return Array.from({ length: n }, (_, i) => `${" ".repeat(indent)}x(${i});\n`).join("");
}

Deno.test("findFunctions: declarations, exported or not, async or not, at any indentation", () => {
  const source = [
    "export function a(x: number): number {",
    "  return x;",
    "}",
    "async function b() {",
    "  const c = 1;",
    "  function inner() {",
    "    return c;",
    "  }",
    "  return inner();",
    "}",
    "export async function* gen(): AsyncGenerator<number> {",
    "  yield 1;",
    "}",
    "",
  ].join("\n");
  assert.deepEqual(shapes(source), [["a", 1, 3], ["b", 4, 7], ["inner", 6, 3], ["gen", 11, 3]]);
});

Deno.test("findFunctions: signatures over several lines, and neither overloads nor one-liners", () => {
  const source = [
    "export function f(x: string): string;",
    "export function f(",
    "  x: string,",
    "  y = 2,",
    "): string {",
    "  return x;",
    "}",
    "function g(options: {",
    "  a: number;",
    "}): number {",
    "  return options.a;",
    "}",
    "export async function h(): Promise<",
    "  { a: 1 } | { b: 2 }",
    "> {",
    "  return { a: 1 };",
    "}",
    "function one() { return 1; }",
    "",
  ].join("\n");
  assert.deepEqual(shapes(source), [["f", 2, 6], ["g", 8, 5], ["h", 13, 5]]);
});

Deno.test("findFunctions: const arrows, async or not, ending with }; or });", () => {
  const source = [
    "export const a = (x: number): number => {",
    "  return x;",
    "};",
    "function outer() {",
    "  const visit = async (",
    "    node: string,",
    "  ): Promise<void> => {",
    "    await node;",
    "  };",
    "  const sum = (a + b) * 2;",
    "  const wrapped = (",
    "    a + b",
    "  );",
    "  const short = (x: number) => x + 1;",
    "  return visit;",
    "}",
    "",
  ].join("\n");
  assert.deepEqual(shapes(source), [["a", 1, 3], ["outer", 4, 13], ["visit", 5, 5]]);
});

Deno.test("findFunctions: methods of classes and object literals, not calls or statements", () => {
  const source = [
    "export class A {",
    "  constructor(readonly x: number) {",
    "    this.x = x;",
    "  }",
    "  async run(): Promise<void> {",
    "    if (this.x) {",
    "      for (const y of [1]) {",
    "        call(y, {",
    "          z: 1,",
    "        });",
    "      }",
    "    }",
    "  }",
    "  get size(): number {",
    "    return 1;",
    "  }",
    "}",
    "const hooks = {",
    "  before() {",
    "    return 1;",
    "  },",
    "  [Symbol.iterator]() {",
    "    return 2;",
    "  },",
    "};",
    'Deno.test("x", () => {',
    "  assert(1);",
    "});",
    "",
  ].join("\n");
  assert.deepEqual(shapes(source), [
    ["constructor", 2, 3],
    ["run", 5, 9],
    ["size", 14, 3],
    ["before", 19, 3],
    ["[Symbol.iterator]", 22, 3],
  ]);
});

Deno.test("findFunctions: a comment above that says why it is long excuses it", () => {
  const source = [
    "/**",
    " * Does a lot. It is long",
    " * because the steps share state.",
    " */",
    "function a() {",
    "}",
    "// Long because it is a table.",
    "const b = () => {",
    "};",
    "/** Short. */",
    "function c() {",
    "}",
    "",
  ].join("\n");
  assert.deepEqual(findFunctions(source).map((f) => [f.name, f.saysWhy]), [
    ["a", true],
    ["b", true],
    ["c", false],
  ]);
});

Deno.test("checkSizes: files over 400 lines, over 200 in cli/, functions over 80 lines", () => {
  const long = `export function big() {\n${body(79)}}\n`; // 81 lines
  const ok = `export function fits() {\n${body(78)}}\n`; // 80 lines
  const excused = `// long because it is a table\nexport function table() {\n${body(90)}}\n`;
  const problems = checkSizes([
    measureFile("src/a/big.ts", long + ok + excused),
    measureFile("src/a/many.ts", body(401, 0)),
    measureFile("src/a/fine.ts", body(400, 0)),
    measureFile("src/cli/flags.ts", body(201, 0)),
    measureFile("src/cli/ok.ts", body(200, 0)),
  ]);
  assert.deepEqual(problems, [
    "src/a/big.ts:1: function big is 81 lines (at most 80 unless its comment says why it is long)",
    "src/a/many.ts: the file is 401 lines (at most 400)",
    "src/cli/flags.ts: the file is 201 lines (at most 200 in src/cli/)",
  ]);
});

Deno.test("countLines counts a last line with or without its newline", () => {
  assert.equal(countLines(""), 0);
  assert.equal(countLines("a\nb\n"), 2);
  assert.equal(countLines("a\nb"), 2);
});

Deno.test("sizeReport lists the longest functions, then the lines per folder", () => {
  const report = sizeReport([
    measureFile("src/a/x.ts", `function f() {\n${body(3)}}\nfunction g() {\n}\n`),
    measureFile("src/b/y.ts", body(10, 0)),
    measureFile("src/mod.ts", "export {};\n"),
  ], 1);
  assert.deepEqual(report, [
    "The 1 longest functions (of 2):",
    "     5  src/a/x.ts:1 f",
    "",
    "Lines per folder of src/ (non-test files):",
    "  src/                  1 lines in   1 files; largest src/mod.ts (1)",
    "  src/a/                7 lines in   1 files; largest src/a/x.ts (7)",
    "  src/b/               10 lines in   1 files; largest src/b/y.ts (10)",
    "  total                18 lines in   3 files",
  ]);
});

Deno.test("parseArgs takes --report, --top N and one folder", () => {
  assert.deepEqual(parseArgs([]), { report: false, top: 20, root: undefined });
  assert.deepEqual(parseArgs(["--report", "--top", "5", "/x"]), {
    report: true,
    top: 5,
    root: "/x",
  });
  assert.deepEqual(parseArgs(["--top=3"]), { report: false, top: 3, root: undefined });
  assert.equal(parseArgs(["--top", "0"]), "--top: expected a positive integer, got 0");
  assert.equal(parseArgs(["--bad"]), "expected --report, --top N or a folder, got --bad");
});

/** Runs the script with `args`. */
async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", SCRIPT, ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

Deno.test("check_sizes prints one line per problem and exits 1; tests do not count", async () => {
  const root = await Deno.makeTempDir();
  const files: Record<string, string> = {
    "src/a/big.ts": `export function big() {\n${body(95)}}\n`,
    "src/a/big_test.ts": `function huge() {\n${body(500)}}\n`,
    "src/cli/small.ts": "export {};\n",
  };
  try {
    for (const [path, text] of Object.entries(files)) {
      await Deno.mkdir(dirname(join(root, path)), { recursive: true });
      await Deno.writeTextFile(join(root, path), text);
    }
    const { code, stdout, stderr } = await run([root]);
    assert.equal(stdout, "");
    assert.deepEqual(stderr.trimEnd().split("\n"), [
      "src/a/big.ts:1: function big is 97 lines (at most 80 unless its comment says why it is long)",
      "check_sizes: 1 problem(s) in 2 files and 1 functions under src/ (files at most 400 lines, " +
      "200 in src/cli/; functions at most 80)",
    ]);
    assert.equal(code, 1);
    const report = await run(["--report", "--top", "1", root]);
    assert.equal(report.code, 0);
    assert.match(
      report.stdout,
      /^The 1 longest functions \(of 1\):\n {4}97 {2}src\/a\/big\.ts:1 big\n/,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
