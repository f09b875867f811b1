/**
 * Checks the sizes the house rules set for the non-test `.ts` files under
 * `src/`: at most 400 lines a file, 200 in `src/cli/`, and 80 lines a
 * function unless the comment block just above it (its JSDoc or `//` lines)
 * says why it is long (contains "long because"). One line per problem, a
 * summary line, and exit code 1 when there is any problem.
 *
 *   deno run --allow-read tools/check_sizes.ts [--report] [--top N] [ROOT]
 *
 * `--report` prints, instead of checking, the longest N functions (default 20)
 * and the lines per folder of `src/`, then the problems, and exits 0: the
 * figures to compare before and after a change. ROOT is the repository to
 * check; default: this one.
 *
 * Functions are found by the shape `deno fmt` gives them: `function`
 * declarations, methods of classes and object literals, and
 * `const f = (…) => {` / `const f = async (…) => {` arrows, at any
 * indentation; a function ends at the first later line at its indentation
 * that is `}`, `};`, `},`, `});` or `}),`.
 *
 * @module
 */
import { join, relative, resolve } from "node:path";

/** The most lines a non-test file under `src/` may have. */
export const MAX_FILE_LINES = 400;
/** The most lines a non-test file under `src/cli/` may have. */
export const MAX_CLI_FILE_LINES = 200;
/** The most lines a function may have unless its comment says why it is long. */
export const MAX_FUNCTION_LINES = 80;

/** One function found in a source file. */
export interface FoundFunction {
  /** Its name (`[Symbol.iterator]` and the like for computed method names). */
  name: string;
  /** The 1-based line its signature starts on. */
  line: number;
  /** Its lines, signature to closing brace, both included. */
  lines: number;
  /** Whether the comment block just above it contains "long because". */
  saysWhy: boolean;
}

const FUNCTION_START =
  /^(\s*)(?:export\s+)?(?:default\s+)?(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)?\s*[<(]/;
const ARROW_START =
  /^(\s*)(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*(?:async\s+)?(?:<[^>]*>\s*)?\(/;
const METHOD_START =
  /^(\s*)(?:(?:public|private|protected|static|override|readonly|async|get|set)\s+)*\*?\s*([A-Za-z_$#][\w$]*|\[[^\]]+\])\s*(?:<[^>]*>)?\(/;
const NOT_METHODS = new Set([
  "if",
  "for",
  "while",
  "switch",
  "catch",
  "with",
  "return",
  "await",
  "throw",
  "new",
  "typeof",
  "void",
  "delete",
  "yield",
  "function",
  "super",
  "else",
  "do",
]);
const CLOSING = /^\s*\}\)?[;,]?$/;

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/**
 * Where the body of the function starting at `start` opens: `start` itself
 * when the line ends with `) {` (`=> {` for an arrow), else the next line at
 * the same indentation when it closes a signature that spans lines (`): T {`,
 * `> {`, `}): T {`); `undefined` when the line is no function with a body (a
 * one-line function, an overload, a call).
 */
function bodyOpens(
  lines: readonly string[],
  start: number,
  indent: number,
  arrow: boolean,
): number | undefined {
  const endsArrow = (line: string) => /=>\s*\{$/.test(line);
  const first = lines[start];
  if (arrow ? endsArrow(first) : /\)(?:\s*:.*)?\s*\{$/.test(first) && !endsArrow(first)) {
    return start;
  }
  if (!/[(<{]$/.test(first)) return undefined;
  for (let i = start + 1; i < lines.length; i++) {
    if (lines[i].trim() === "" || indentOf(lines[i]) !== indent) continue;
    const closes = /^\s*[)>}].*\{$/.test(lines[i]) && endsArrow(lines[i]) === arrow;
    return closes ? i : undefined;
  }
  return undefined;
}

/** Whether the comment lines just above line `start` contain "long because". */
function commentSaysWhy(lines: readonly string[], start: number): boolean {
  const comment: string[] = [];
  for (let i = start - 1; i >= 0; i--) {
    const t = lines[i].trim();
    if (!(t.startsWith("//") || t.startsWith("*") || t.startsWith("/*"))) break;
    comment.unshift(t.replace(/^(\/\/+|\/\*+|\*+\/?)/, ""));
  }
  return /\blong\s+because\b/i.test(comment.join(" "));
}

/** What line `line` starts, if a function: its name, indentation and kind. */
function functionStart(
  line: string,
): { name: string; indent: number; arrow: boolean } | undefined {
  const f = FUNCTION_START.exec(line);
  if (f) return { name: f[2] ?? "(anonymous)", indent: f[1].length, arrow: false };
  const a = ARROW_START.exec(line);
  if (a) return { name: a[2], indent: a[1].length, arrow: true };
  const m = METHOD_START.exec(line);
  if (m && !NOT_METHODS.has(m[2]) && !/^\s*(?:\.|\?\.)/.test(line)) {
    return { name: m[2], indent: m[1].length, arrow: false };
  }
  return undefined;
}

/** The functions of `source`, a `deno fmt`-formatted TypeScript file, in order of their start. */
export function findFunctions(source: string): FoundFunction[] {
  const lines = source.split("\n");
  const found: FoundFunction[] = [];
  for (let start = 0; start < lines.length; start++) {
    const head = functionStart(lines[start]);
    if (!head) continue;
    const body = bodyOpens(lines, start, head.indent, head.arrow);
    if (body === undefined) continue;
    for (let end = body + 1; end < lines.length; end++) {
      if (indentOf(lines[end]) === head.indent && CLOSING.test(lines[end])) {
        found.push({
          name: head.name,
          line: start + 1,
          lines: end - start + 1,
          saysWhy: commentSaysWhy(lines, start),
        });
        break;
      }
    }
  }
  return found;
}

/** The number of lines of `source`, a final newline ending the last one. */
export function countLines(source: string): number {
  if (source === "") return 0;
  return source.split("\n").length - (source.endsWith("\n") ? 1 : 0);
}

/** One non-test source file under `src/`, measured. */
export interface MeasuredFile {
  /** Its path relative to the root, e.g. `src/data/cache.ts`. */
  path: string;
  /** Its number of lines. */
  lines: number;
  /** Its functions. */
  functions: FoundFunction[];
}

/** Measures `source` as the file at root-relative `path`. */
export function measureFile(path: string, source: string): MeasuredFile {
  return { path, lines: countLines(source), functions: findFunctions(source) };
}

/** The problems of `files` against the size rules, one line each, in file order. */
export function checkSizes(files: readonly MeasuredFile[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    const cli = file.path.startsWith("src/cli/");
    const most = cli ? MAX_CLI_FILE_LINES : MAX_FILE_LINES;
    if (file.lines > most) {
      problems.push(
        `${file.path}: the file is ${file.lines} lines (at most ${most}${
          cli ? " in src/cli/" : ""
        })`,
      );
    }
    for (const f of file.functions) {
      if (f.lines <= MAX_FUNCTION_LINES || f.saysWhy) continue;
      problems.push(
        `${file.path}:${f.line}: function ${f.name} is ${f.lines} lines ` +
          `(at most ${MAX_FUNCTION_LINES} unless its comment says why it is long)`,
      );
    }
  }
  return problems;
}

/** The report of `files`: the `top` longest functions, then lines per folder of `src/`. */
export function sizeReport(files: readonly MeasuredFile[], top: number): string[] {
  const all = files.flatMap((file) => file.functions.map((f) => ({ file: file.path, ...f })))
    .sort((a, b) => b.lines - a.lines || a.file.localeCompare(b.file) || a.line - b.line);
  const out = [`The ${Math.min(top, all.length)} longest functions (of ${all.length}):`];
  for (const f of all.slice(0, top)) {
    const why = f.saysWhy ? " (its comment says why it is long)" : "";
    out.push(`  ${String(f.lines).padStart(4)}  ${f.file}:${f.line} ${f.name}${why}`);
  }
  const folders = new Map<string, { files: number; lines: number; largest: MeasuredFile }>();
  for (const file of files) {
    const parts = file.path.split("/");
    const folder = parts.length > 2 ? `src/${parts[1]}/` : "src/";
    const row = folders.get(folder);
    if (!row) folders.set(folder, { files: 1, lines: file.lines, largest: file });
    else {
      row.files++;
      row.lines += file.lines;
      if (file.lines > row.largest.lines) row.largest = file;
    }
  }
  out.push("", "Lines per folder of src/ (non-test files):");
  for (const [folder, row] of [...folders].sort(([a], [b]) => a.localeCompare(b))) {
    out.push(
      `  ${folder.padEnd(16)} ${String(row.lines).padStart(6)} lines in ${
        String(row.files).padStart(3)
      } files; largest ${row.largest.path} (${row.largest.lines})`,
    );
  }
  const total = files.reduce((sum, f) => sum + f.lines, 0);
  out.push(
    `  ${"total".padEnd(16)} ${String(total).padStart(6)} lines in ${
      String(files.length).padStart(3)
    } files`,
  );
  return out;
}

/** Every non-test `.ts` file under `root`/src, measured, sorted by path. */
export async function scanSources(root: string): Promise<MeasuredFile[]> {
  const found: MeasuredFile[] = [];
  const walk = async (dir: string) => {
    for await (const e of Deno.readDir(dir)) {
      const path = join(dir, e.name);
      if (e.isDirectory) await walk(path);
      else if (e.isFile && e.name.endsWith(".ts") && !e.name.endsWith("_test.ts")) {
        found.push(measureFile(relative(root, path), await Deno.readTextFile(path)));
      }
    }
  };
  await walk(join(root, "src"));
  return found.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
}

/** The command line: `--report`, `--top N` and the root, or an error message. */
export function parseArgs(
  args: readonly string[],
): { report: boolean; top: number; root?: string } | string {
  let report = false;
  let top = 20;
  let root: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--report") report = true;
    else if (arg === "--top" || arg.startsWith("--top=")) {
      const value = arg === "--top" ? args[++i] : arg.slice("--top=".length);
      top = Number(value);
      if (!Number.isInteger(top) || top < 1) {
        return `--top: expected a positive integer, got ${value}`;
      }
    } else if (arg.startsWith("-")) return `expected --report, --top N or a folder, got ${arg}`;
    else if (root === undefined) root = arg;
    else return `expected one folder, got ${root} and ${arg}`;
  }
  return { report, top, root };
}

if (import.meta.main) {
  const args = parseArgs(Deno.args);
  if (typeof args === "string") {
    console.error(`check_sizes: ${args}`);
    Deno.exit(2);
  }
  const root = resolve(args.root ?? new URL("..", import.meta.url).pathname);
  const files = await scanSources(root);
  const problems = checkSizes(files);
  const functions = files.reduce((sum, f) => sum + f.functions.length, 0);
  const summary = `check_sizes: ${problems.length} problem(s) in ${files.length} files and ` +
    `${functions} functions under src/ (files at most ${MAX_FILE_LINES} lines, ` +
    `${MAX_CLI_FILE_LINES} in src/cli/; functions at most ${MAX_FUNCTION_LINES})`;
  if (args.report) {
    console.log(sizeReport(files, args.top).join("\n"));
    console.log(problems.length > 0 ? `\nProblems:\n${problems.join("\n")}\n` : "");
    console.log(summary);
    Deno.exit(0);
  }
  for (const p of problems) console.error(p);
  if (problems.length > 0) {
    console.error(summary);
    Deno.exit(1);
  }
  console.log(summary);
}
