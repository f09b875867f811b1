/**
 * The docs stay true by themselves: the README's task tables, `deno.json`'s
 * task descriptions and each task's `--help` agree on task names, defaults
 * and the files a task writes; every number in the README's results is in
 * BENCHMARKS.md; and README.md and BENCHMARKS.md keep the shape a reader can
 * use (README under 150 lines, no prose or table line over 200 characters;
 * BENCHMARKS.md opening with GPU against CPU, each top section naming a
 * machine class, no table over 10 columns nor cell over 150 characters).
 * Each `--help` runs its CLI file directly, so nothing is set up.
 */
import assert from "node:assert/strict";
import { join } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;
const read = (file: string) => Deno.readTextFile(join(ROOT, file));
const README = await read("README.md");
const BENCHMARKS = await read("BENCHMARKS.md");
const TASKS = (JSON.parse(await read("deno.json")) as {
  tasks: Record<string, { description: string; command: string }>;
}).tasks;
const MACHINE_CLASSES = ["AVX2 EPYC", "AVX-512 EPYC", "Xeon", "H100", "EPYC, class not recorded"];

/** The lines of `text` outside fenced code blocks. */
function prose(text: string): string[] {
  let inCode = false;
  return text.split("\n").filter((line) => {
    if (line.startsWith("```")) inCode = !inCode;
    return !inCode && !line.startsWith("```");
  });
}

/** The Markdown tables of `text`, each as rows of trimmed cells (the separator row left out). */
function tables(text: string): string[][][] {
  const found: string[][][] = [];
  let current: string[][] | undefined;
  for (const line of prose(text)) {
    if (!line.startsWith("|")) {
      current = undefined;
      continue;
    }
    if (/^\|[\s:|-]+\|$/.test(line)) continue;
    const cells = line.slice(1, line.endsWith("|") ? -1 : undefined)
      .split(/(?<!\\)\|/).map((c) => c.trim());
    if (!current) found.push(current = []);
    current.push(cells);
  }
  return found;
}

/** The text of the `## ` section of `text` whose heading starts with `heading`. */
function section(text: string, heading: string): string {
  const start = text.indexOf(`\n## ${heading}`);
  assert.ok(start >= 0, `no section "## ${heading}"`);
  const end = text.indexOf("\n## ", start + 1);
  return text.slice(start, end < 0 ? undefined : end);
}

/** The CLI file a task's command runs, if it runs one. */
function cliOf(task: string): string | undefined {
  return TASKS[task].command.match(/deno run -A (src\/cli\/\w+\.ts)/)?.[1];
}

const helps = new Map<string, string>();
/** `task`'s `--help`, from its CLI file run directly. */
async function helpOf(task: string): Promise<string> {
  const cached = helps.get(task);
  if (cached !== undefined) return cached;
  const cli = cliOf(task);
  assert.ok(cli, `deno task ${task} runs no src/cli/ file`);
  const env = Deno.env.toObject();
  delete env.FMNIST_BENCH_SETUP_FIRST;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", cli, "--help"],
    cwd: ROOT,
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, `${cli} --help: ${new TextDecoder().decode(out.stderr)}`);
  helps.set(task, text);
  return text;
}

/** Each flag's default in a `--help`: the text after "(default" up to its `;` or `)`. */
export function helpDefaults(help: string): Map<string, string> {
  const defaults = new Map<string, string>();
  const options = help.split(/\n\n(?=Writes|Exit)/)[0];
  // A flag's entry runs from its line to the next line that starts a flag.
  for (const entry of options.split(/\n(?= {2}(?:-\w, )?--)/)) {
    const flag = entry.match(/^ {2}(?:-\w, )?(--[\w-]+)/)?.[1];
    const value = entry.replace(/\s+/g, " ").match(/\(default:? ([^;)]+)/)?.[1];
    if (flag && value) defaults.set(flag, value.trim());
  }
  return defaults;
}

/** The top-level names a `--help` lists under "Writes" (a folder ends in `/`). */
export function helpWrites(help: string): string[] {
  const block = help.split("Writes, into the output folder:\n")[1];
  if (block === undefined) return [];
  return [
    ...new Set(
      block.split("\n").map((l) => l.match(/^ {2}(\S+)/)?.[1]).filter((n) => n !== undefined)
        .map((n) => n.replace(/\/.*$/, "/")),
    ),
  ].sort();
}

/** File names a description or a help's prose names (`results.json`, `models/`, …). */
function namedFiles(text: string): string[] {
  // What comes before "writes" or "into" is the input (merge's results.json files).
  const at = text.search(/\b(?:writes?|into)\b/i);
  if (at < 0) return [];
  text = text.slice(at);
  const names = [
    ...text.matchAll(/(?<![\w./<-])([\w-]+\.(?:json|md|svg|png|html)|[\w-]+\/)(?![\w])/g),
  ]
    .map((m) => m[1])
    .filter((n) => !/^(results|src|fixtures|docs|test)\/$/.test(n) && !/^[A-Z]+\.md$/.test(n));
  if (/trained\s+models/.test(text)) names.push("models/");
  if (/checkpoints/.test(text)) names.push("checkpoints/");
  return [...new Set(names)].sort();
}

/** The rows of the README's defaults-and-writes table: task, its claimed defaults and files. */
function readmeOutputRows() {
  const table = tables(section(README, "Tasks")).find((t) => t[0][1] === "defaults");
  assert.ok(table, "README.md's Tasks section has no table with a defaults column");
  return table.slice(1).map((row) => ({
    task: row[0].match(/`deno task ([\w:-]+)/)![1],
    defaults: [...row[1].matchAll(/`(--[\w-]+) ([^`]+)`/g)].map((m) => [m[1], m[2]] as const),
    writes: [...row[2].matchAll(/`([^`]+)`/g)].map((m) => m[1]).sort(),
  }));
}

Deno.test("helpDefaults and helpWrites read a help's options and files", () => {
  const help = [
    "Usage: deno task x [options]",
    "",
    "Options:",
    "  --models LIST   comma-separated (default model1)",
    "  --engines LIST  comma-separated (default tfjs,native; --engine LIST is the same):",
    "  --inference-batch N",
    "                  batch size (default",
    "                  1024; never more than the split)",
    "  -h, --help      show this help",
    "",
    "Writes, into the output folder:",
    "  a.json            one",
    "  runs/<model>/     two",
  ].join("\n");
  assert.deepEqual(
    [...helpDefaults(help)],
    [["--models", "model1"], ["--engines", "tfjs,native"], ["--inference-batch", "1024"]],
  );
  assert.deepEqual(helpWrites(help), ["a.json", "runs/"]);
});

Deno.test("every task's --help names its task, and the README's defaults and files are the help's", async () => {
  for (const task of Object.keys(TASKS).filter(cliOf)) {
    assert.match(await helpOf(task), new RegExp(`^Usage: deno task ${task}\\b`), task);
  }
  const rows = readmeOutputRows();
  assert.ok(rows.length >= 6, `expected the output tasks in README.md, got ${rows.length}`);
  for (const { task, defaults, writes } of rows) {
    const help = await helpOf(task);
    const given = helpDefaults(help);
    for (const [flag, value] of defaults) {
      assert.equal(given.get(flag), value, `README.md: deno task ${task} ${flag} defaults to`);
    }
    assert.deepEqual(writes, helpWrites(help), `README.md: what deno task ${task} writes`);
  }
});

Deno.test("deno.json's descriptions and each help's prose name only files the task writes", async () => {
  for (const [task, { description }] of Object.entries(TASKS)) {
    const help = cliOf(task) ? await helpOf(task) : "";
    const writes = helpWrites(help);
    if (writes.length === 0) continue;
    const prose = help.split("\nOptions:")[0];
    for (const [where, text] of [["deno.json", description], ["--help", prose]]) {
      const stray = namedFiles(text).filter((f) => !writes.includes(f));
      assert.deepEqual(stray, [], `${where} of ${task} names files it does not write`);
    }
    const engines = description.match(/--engines? defaults to ([\w,-]+)/)?.[1];
    if (engines) assert.equal(helpDefaults(help).get("--engines"), engines, task);
  }
});

Deno.test("every `deno task X --flag` default the docs state is the help's", async () => {
  const files = ["README.md", "BENCHMARKS.md"];
  for await (const e of Deno.readDir(join(ROOT, "docs"))) {
    if (e.name.endsWith(".md")) files.push(join("docs", e.name));
  }
  let claims = 0;
  for (const file of files) {
    const text = (await read(file)).replace(/\s+/g, " ");
    for (const m of text.matchAll(/`deno task ([\w:-]+) (--[\w-]+)` defaults to `([^`]+)`/g)) {
      claims++;
      const [, task, flag, value] = m;
      assert.equal(helpDefaults(await helpOf(task)).get(flag), value, `${file}: ${m[0]}`);
    }
  }
  assert.ok(claims >= 4, `expected the engines' defaults in docs/engines.md, found ${claims}`);
});

Deno.test("every number in the README's results is in BENCHMARKS.md", () => {
  const results = section(README, "GPU against CPU") + section(README, "Measured results");
  const numbers = new Set<string>();
  for (const line of prose(results)) {
    const text = line.replace(/\]\([^)]*\)/g, "]"); // link targets are not figures
    for (const m of text.matchAll(/(?<![\w.,-])\d[\d,]*(?:\.\d+)?(?![\w])/g)) numbers.add(m[0]);
  }
  assert.ok(numbers.size > 20, `expected the results' figures, got ${[...numbers].join(" ")}`);
  const missing = [...numbers].filter((n) =>
    !new RegExp(`(?<![\\d.,])${n.replace(/[.]/g, "\\.")}(?![\\d])`).test(BENCHMARKS)
  );
  assert.deepEqual(missing, [], `README.md figures not in BENCHMARKS.md: ${missing.join(", ")}`);
});

Deno.test("README.md: under 150 lines, no line outside a code block over 200 characters", () => {
  const lines = README.trimEnd().split("\n");
  assert.ok(lines.length < 150, `README.md has ${lines.length} lines`);
  const long = prose(README).filter((l) => l.length > 200).map((l) => `${l.length}: ${l}`);
  assert.deepEqual(long, []);
  assert.match(README.slice(0, 1200), /## GPU against CPU/, "GPU against CPU on the first screen");
});

Deno.test("BENCHMARKS.md: GPU against CPU first, machine classes named, tables a person can read", () => {
  const sections = BENCHMARKS.split("\n## ").slice(1);
  assert.match(sections[0], /^GPU against CPU/);
  for (const s of sections) {
    const named = MACHINE_CLASSES.some((c) => s.includes(c));
    assert.ok(named, `BENCHMARKS.md "## ${s.split("\n")[0]}" names no machine class`);
  }
  for (const table of tables(BENCHMARKS)) {
    assert.ok(
      table[0].length <= 10,
      `a table of ${table[0].length} columns: ${table[0].join(" | ")}`,
    );
    for (const cell of table.flat()) {
      assert.ok(cell.length <= 150, `a cell of ${cell.length} characters: ${cell}`);
    }
  }
});
