/**
 * Checks that the imports between the folders of `src/` follow the table in
 * ARCHITECTURE.md, the one place the rules live, and that no file of `src/`
 * imports itself back through others: one line per import that is not
 * allowed, then any cycle in the table, in the real folder graph or between
 * files, and exit code 1; nothing but a summary line and exit code 0
 * otherwise.
 *
 *   deno run --allow-read tools/check_layers.ts [ROOT]
 *
 * ROOT is the repository to check (ARCHITECTURE.md and src/); default: this
 * one.
 *
 * @module
 */
import { dirname, join, normalize, relative, resolve } from "node:path";

/** One row of ARCHITECTURE.md's table. */
export interface LayerRule {
  /** The folder under `src/`, e.g. `native`. */
  folder: string;
  /** The folders its files may import. */
  imports: string[];
  /** The folders its tests may import besides everything below it. */
  testImports: string[];
}

/** One relative import found in a file under `src/`. */
export interface FoundImport {
  /** The importing file, relative to the root, e.g. `src/tf_ops/install.ts`. */
  from: string;
  /** The imported file, relative to the root. */
  to: string;
}

/**
 * The rows of the first table in `markdown` whose header starts with
 * `Folder`: its first column names the folder, its third the folders it may
 * import and its fourth those its tests may also import (`—` for none).
 *
 * @throws {Error} Where there is no such table, or a row has fewer than four cells.
 */
export function parseLayerTable(markdown: string): LayerRule[] {
  const lines = markdown.split("\n");
  const start = lines.findIndex((l) => /^\|\s*Folder\s*\|/.test(l));
  if (start < 0) {
    throw new Error(
      "ARCHITECTURE.md: expected a table whose header starts with | Folder |, got none",
    );
  }
  const rules: LayerRule[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("|")) break;
    const cells = line.split("|").slice(1, -1).map((c) => c.trim());
    if (cells.length < 4) {
      throw new Error(`ARCHITECTURE.md: expected 4 cells in a row, got ${cells.length}: ${line}`);
    }
    rules.push({
      folder: folderName(cells[0]),
      imports: names(cells[2]),
      testImports: names(cells[3]),
    });
  }
  return rules;
}

function folderName(cell: string): string {
  return cell.replaceAll("`", "").trim().replace(/^src\//, "").replace(/\/$/, "");
}

function names(cell: string): string[] {
  if (cell === "—" || cell === "-" || cell === "") return [];
  return cell.split(",").map(folderName).filter((n) => n !== "");
}

/** `source` with its comments blanked out; strings and template literals are kept. */
export function stripComments(source: string): string {
  let out = "";
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    const next = source[i + 1];
    if (c === "/" && next === "/") {
      while (i < source.length && source[i] !== "\n") i++;
    } else if (c === "/" && next === "*") {
      const end = source.indexOf("*/", i + 2);
      const stop = end < 0 ? source.length : end + 2;
      out += source.slice(i, stop).replace(/[^\n]/g, " ");
      i = stop;
    } else if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      while (j < source.length && source[j] !== c) j += source[j] === "\\" ? 2 : 1;
      out += source.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

const IMPORT_PATTERNS = [
  /\b(?:import|export)\s[^;]*?\bfrom\s*["']([^"']+)["']/g,
  /\bimport\s*["']([^"']+)["']/g,
  /\bimport\s*\(\s*["'`]([^"'`$]+)["'`]\s*\)/g,
];

/** The relative specifiers `source` imports, statically or dynamically, in order of appearance. */
export function relativeImports(source: string): string[] {
  const code = stripComments(source);
  const found: { at: number; specifier: string }[] = [];
  for (const pattern of IMPORT_PATTERNS) {
    for (const m of code.matchAll(pattern)) {
      if (m[1].startsWith("./") || m[1].startsWith("../")) {
        found.push({ at: m.index!, specifier: m[1] });
      }
    }
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.specifier);
}

/** The folder of `src/`-relative path `path` (`src/tf_ops/a.ts` → `native`), or `undefined`. */
function folderOf(path: string): string | undefined {
  const parts = path.split("/");
  return parts[0] === "src" && parts.length > 2 ? parts[1] : undefined;
}

/** Every folder reachable from `start` through `edges`, `start` left out unless on a cycle. */
function reachable(edges: Map<string, readonly string[]>, start: string): Set<string> {
  const seen = new Set<string>();
  const stack = [...(edges.get(start) ?? [])];
  while (stack.length > 0) {
    const f = stack.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    stack.push(...(edges.get(f) ?? []));
  }
  return seen;
}

/**
 * A cycle of `edges`, as the folders around it with the first one repeated at
 * the end (`["a", "b", "a"]`), or `undefined`. Folders and their edges are
 * visited in name order, so the same graph always gives the same cycle.
 */
export function findCycle(edges: Map<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    state.set(node, "open");
    path.push(node);
    for (const next of [...(edges.get(node) ?? [])].sort()) {
      if (state.get(next) === "open") return [...path.slice(path.indexOf(next)), next];
      if (!state.has(next)) {
        const cycle = visit(next);
        if (cycle) return cycle;
      }
    }
    path.pop();
    state.set(node, "done");
    return undefined;
  };
  for (const node of [...edges.keys()].sort()) {
    if (state.has(node)) continue;
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

/**
 * The problems of `imports` against `rules`, one line each: imports that are
 * not allowed (in file order), files in a folder the table does not name, a
 * cycle in the table, and a cycle in the folder graph of the non-test files.
 */
export function checkLayers(
  rules: readonly LayerRule[],
  imports: readonly FoundImport[],
): string[] {
  const problems: string[] = [];
  const table = new Map(rules.map((r) => [r.folder, r]));
  const allowed = new Map(rules.map((r) => [r.folder, r.imports]));
  for (const r of rules) {
    for (const f of [...r.imports, ...r.testImports]) {
      if (!table.has(f)) {
        problems.push(`ARCHITECTURE.md: ${r.folder} names ${f}, not a folder of the table`);
      }
    }
  }
  const unknown = new Set<string>();
  const graph = new Map<string, Set<string>>();
  for (const { from, to } of imports) {
    const [a, b] = [folderOf(from), folderOf(to)];
    if (a === undefined || b === undefined || a === b) continue;
    const rule = table.get(a);
    if (!rule) {
      if (!unknown.has(a)) {
        problems.push(`${from}: src/${a} is not a folder of ARCHITECTURE.md's table`);
      }
      unknown.add(a);
      continue;
    }
    const test = from.endsWith("_test.ts");
    if (!test) {
      if (!graph.has(a)) graph.set(a, new Set());
      graph.get(a)!.add(b);
    }
    const may = test
      ? [...new Set([...reachable(allowed, a), ...rule.testImports])].filter((f) => f !== a).sort()
      : rule.imports;
    if (may.includes(b)) continue;
    const who = test ? `tests in ${a}` : a;
    problems.push(
      `${from} imports ${to}: ${who} may import only ` +
        (may.length === 0 ? "its own folder" : may.join(", ")),
    );
  }
  const tableCycle = findCycle(allowed);
  if (tableCycle) {
    problems.push(`ARCHITECTURE.md: the table's imports have a cycle: ${tableCycle.join(" -> ")}`);
  }
  const graphCycle = findCycle(new Map([...graph].map(([k, v]) => [k, [...v]])));
  if (graphCycle) problems.push(`src/ has an import cycle: ${graphCycle.join(" -> ")}`);
  for (const cycle of fileCycles(imports)) {
    problems.push(`src/ has a file import cycle: ${cycle.join(" -> ")}`);
  }
  return problems;
}

/**
 * The cycles between the `.ts` files of `src/` in `imports`, tests and type
 * imports included, each as the files around it with the first one repeated
 * at the end. Each cycle found has its closing import left out before the
 * next search, so every import that closes one is named once.
 */
export function fileCycles(imports: readonly FoundImport[]): string[][] {
  const edges = new Map<string, Set<string>>();
  for (const { from, to } of imports) {
    if (folderOf(to) === undefined || !to.endsWith(".ts")) continue;
    if (!edges.has(from)) edges.set(from, new Set());
    edges.get(from)!.add(to);
  }
  const cycles: string[][] = [];
  for (;;) {
    const cycle = findCycle(new Map([...edges].map(([k, v]) => [k, [...v]])));
    if (!cycle) return cycles;
    cycles.push(cycle);
    edges.get(cycle[cycle.length - 2])!.delete(cycle[cycle.length - 1]);
  }
}

/** Every relative import of every `.ts` file under `root`/src, sorted by file. */
export async function scanImports(root: string): Promise<FoundImport[]> {
  const found: FoundImport[] = [];
  const walk = async (dir: string) => {
    const entries = [];
    for await (const e of Deno.readDir(dir)) entries.push(e);
    entries.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isDirectory) await walk(path);
      else if (e.isFile && e.name.endsWith(".ts")) {
        const from = relative(root, path);
        for (const specifier of relativeImports(await Deno.readTextFile(path))) {
          found.push({ from, to: normalize(relative(root, resolve(dirname(path), specifier))) });
        }
      }
    }
  };
  await walk(join(root, "src"));
  return found;
}

if (import.meta.main) {
  const root = resolve(Deno.args[0] ?? new URL("..", import.meta.url).pathname);
  try {
    const rules = parseLayerTable(await Deno.readTextFile(join(root, "ARCHITECTURE.md")));
    const imports = await scanImports(root);
    const problems = checkLayers(rules, imports);
    if (problems.length > 0) {
      for (const p of problems) console.error(p);
      Deno.exit(1);
    }
    const files = new Set(imports.map((i) => i.from)).size;
    console.log(
      `check_layers: ${imports.length} imports in ${files} files follow ARCHITECTURE.md's ` +
        `${rules.length} folders`,
    );
  } catch (err) {
    console.error(`check_layers: ${(err as Error).message}`);
    Deno.exit(1);
  }
}
