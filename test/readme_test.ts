/**
 * The README's first screen stays true: every command its set-up and run
 * sections give exists and parses its flags (run with `--help`, which
 * checks every flag before printing), the tasks it lists are the tasks in
 * deno.json, and every relative link in README.md and docs/ leads to a file.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;
const README = await Deno.readTextFile(join(ROOT, "README.md"));
const TASKS = Object.keys(
  (JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json"))) as { tasks: object }).tasks,
);

/** The `deno task` lines of the sh blocks before the first results heading. */
function firstScreenCommands(): string[][] {
  const head = README.slice(0, README.indexOf("\n## Measured results"));
  const blocks = [...head.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  return blocks.flatMap((b) => b.split("\n"))
    .map((line) => line.replace(/#.*$/, "").trim())
    .filter((line) => line.startsWith("deno task "))
    .map((line) => line.split(/\s+/).slice(2));
}

Deno.test("the README's first screen names the main job, its quick variant and the tests", () => {
  const commands = firstScreenCommands().map((c) => c.join(" "));
  assert.ok(commands.includes("train-all"), commands.join("; "));
  assert.ok(commands.includes("train-all --fixtures --epochs 2"), commands.join("; "));
  assert.ok(commands.includes("test"), commands.join("; "));
  assert.match(README.slice(0, README.indexOf("## Run")), /npm install -g deno@2\.9\.6/);
});

Deno.test("every command on the README's first screen exists and parses its flags", async () => {
  for (const [task, ...args] of firstScreenCommands()) {
    assert.ok(TASKS.includes(task), `deno task ${task}: no such task in deno.json`);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["task", task, ...args, "--help"],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, `deno task ${[task, ...args].join(" ")} --help:\n${text}`);
    assert.match(text, /Usage: |USAGE:|Usage:/, `deno task ${task} --help printed no usage`);
  }
});

Deno.test("the README's task table lists every task in deno.json", () => {
  const listed = [...README.matchAll(/^\| `deno task ([\w:-]+)/gm)].map((m) => m[1]);
  assert.deepEqual([...new Set(listed)].sort(), [...TASKS].sort());
});

Deno.test("every relative link in README.md, BENCHMARKS.md and docs/ leads to a file", async () => {
  const files = ["README.md", "BENCHMARKS.md"];
  for await (const e of Deno.readDir(join(ROOT, "docs"))) {
    if (e.name.endsWith(".md")) files.push(join("docs", e.name));
  }
  for (const file of files) {
    const text = await Deno.readTextFile(join(ROOT, file));
    for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
      if (/^[a-z]+:/.test(target)) continue; // http:, https:, mailto:
      const path = join(ROOT, dirname(file), target);
      const found = await Deno.stat(path).then(() => true, () => false);
      assert.ok(found, `${file}: link to ${target} leads nowhere`);
    }
  }
});
