/**
 * Every path into the repository that a comment in a `.ts` file or a
 * Markdown document names (`src/…`, `test/…`, `bench/…`, `tools/…`,
 * `fixtures/…`) exists, so moving a file cannot leave a doc pointing at
 * nothing. Globs (`src/**`) and placeholders (`src/<folder>/`, `{a,b}`) are
 * not paths.
 */
import assert from "node:assert/strict";
import { dirname, join, relative, resolve } from "node:path";

const ROOT = resolve(new URL("..", import.meta.url).pathname);
const TS_FOLDERS = ["src", "test", "bench", "tools"];
const TS_FILES = ["mod.ts"];
const MARKDOWN_FILES = ["README.md", "ARCHITECTURE.md", "BENCHMARKS.md"];
const MARKDOWN_FOLDERS = ["docs"];

/**
 * A path into one of the named folders: not inside a longer path or word
 * (`tfjs-core/src/…`, `mysrc/`), optionally after `./` or `../` steps, and
 * ending at whatever cannot be part of a file name here (a space, backtick,
 * quote, paren, comma, colon…). Placeholder and glob characters are taken in
 * so the whole token can be skipped. A path after a commit and a colon
 * (`4fab88b:bench/x.ts`, as `git show` takes it) names a file of that commit.
 */
const PATH =
  /(?<![\w.\/@-]|\b[0-9a-f]{7,40}:)((?:\.\.?\/)*)((?:src|test|bench|tools|fixtures)\/[\w.\/*<>{}-]*)/g;

/** The paths `text` names, with their 1-based line, as written (`../` steps included). */
export function namedPaths(text: string): { line: number; prefix: string; path: string }[] {
  const found: { line: number; prefix: string; path: string }[] = [];
  text.split("\n").forEach((line, i) => {
    for (const m of line.matchAll(PATH)) {
      const path = m[2].replace(/[.\-]+$/, "");
      if (/[*<>{}]/.test(path)) continue;
      found.push({ line: i + 1, prefix: m[1], path });
    }
  });
  return found;
}

/**
 * `source` with everything but its comments blanked out, line breaks kept, so
 * line numbers stay true; strings and template literals are skipped, so a
 * `//` in a URL string starts no comment.
 */
export function commentsOnly(source: string): string {
  let out = "";
  let i = 0;
  const blank = (s: string) => s.replace(/[^\n]/g, " ");
  while (i < source.length) {
    const c = source[i];
    const next = source[i + 1];
    if (c === "/" && next === "/") {
      const end = source.indexOf("\n", i);
      const stop = end < 0 ? source.length : end;
      out += source.slice(i, stop);
      i = stop;
    } else if (c === "/" && next === "*") {
      const end = source.indexOf("*/", i + 2);
      const stop = end < 0 ? source.length : end + 2;
      out += source.slice(i, stop);
      i = stop;
    } else if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      while (j < source.length && source[j] !== c) j += source[j] === "\\" ? 2 : 1;
      out += blank(source.slice(i, j + 1));
      i = j + 1;
    } else {
      out += blank(c);
      i++;
    }
  }
  return out;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

/** The files under `dir` (relative to the root) whose names end with `ext`, sorted. */
async function filesUnder(dir: string, ext: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (at: string) => {
    for await (const e of Deno.readDir(join(ROOT, at))) {
      const path = join(at, e.name);
      if (e.isDirectory && e.name !== "node_modules") await walk(path);
      else if (e.isFile && e.name.endsWith(ext)) found.push(path);
    }
  };
  if (await exists(join(ROOT, dir))) await walk(dir);
  return found.sort();
}

/** The lines naming a path that does not exist in `text`, the file at root-relative `file`. */
export async function strayPaths(file: string, text: string): Promise<string[]> {
  const problems: string[] = [];
  for (const { line, prefix, path } of namedPaths(text)) {
    const at = prefix === "" ? join(ROOT, path) : resolve(ROOT, dirname(file), prefix + path);
    if (await exists(at)) continue;
    problems.push(`${file}:${line}: names ${prefix}${path}, which does not exist`);
  }
  return problems;
}

Deno.test("namedPaths: paths in backticks, quotes, parens or plain text, ending at punctuation", () => {
  const text = [
    "See `src/data/cache.ts`, and (test/slow/train_test.ts).",
    'import "../bench/_config.ts"; tools/check_layers.ts: fixtures/fashion-mnist/.',
    "not tfjs-core/src/ops.ts, https://x.org/src/a.ts nor mysrc/a.ts",
    "globs src/**/*.ts and placeholders src/<folder>/ or src/{a,b}.ts are skipped",
    "the folder src/ itself, and test/; 4fab88b:bench/old.ts is in a commit",
  ].join("\n");
  assert.deepEqual(namedPaths(text).map((p) => [p.line, p.prefix + p.path]), [
    [1, "src/data/cache.ts"],
    [1, "test/slow/train_test.ts"],
    [2, "../bench/_config.ts"],
    [2, "tools/check_layers.ts"],
    [2, "fixtures/fashion-mnist/"],
    [5, "src/"],
    [5, "test/"],
  ]);
});

Deno.test("commentsOnly keeps comments on their lines and blanks code and strings", () => {
  const source = [
    "// see src/a.ts",
    'const url = "https://x.org/src/b.ts"; // and src/c.ts',
    "/**",
    " * src/d.ts",
    " */",
    "const s = `src/e.ts`;",
  ].join("\n");
  assert.deepEqual(namedPaths(commentsOnly(source)).map((p) => [p.line, p.path]), [
    [1, "src/a.ts"],
    [2, "src/c.ts"],
    [4, "src/d.ts"],
  ]);
});

Deno.test("every src/, test/, bench/, tools/ and fixtures/ path a comment or doc names exists", async () => {
  const problems: string[] = [];
  const tsFiles = [
    ...(await Promise.all(TS_FOLDERS.map((d) => filesUnder(d, ".ts")))).flat(),
    ...TS_FILES,
  ];
  for (const file of tsFiles) {
    const text = await Deno.readTextFile(join(ROOT, file));
    problems.push(...await strayPaths(file, commentsOnly(text)));
  }
  const markdown = [
    ...MARKDOWN_FILES,
    ...(await Promise.all(MARKDOWN_FOLDERS.map((d) => filesUnder(d, ".md")))).flat(),
  ];
  for (const file of markdown) {
    problems.push(...await strayPaths(file, await Deno.readTextFile(join(ROOT, file))));
  }
  assert.deepEqual(problems, [], `paths that do not exist:\n${problems.join("\n")}`);
  assert.ok(tsFiles.length > 100, `expected the suite's .ts files, got ${tsFiles.length}`);
  assert.equal(relative(ROOT, join(ROOT, "src")), "src");
});
