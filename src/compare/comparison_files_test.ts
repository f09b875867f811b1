import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { BACKEND_NAMES } from "../backends/registry.ts";
import { buildComparison, type Comparison } from "./comparison.ts";
import { COMPARISON_FILES, parseComparison, readComparisonInputs } from "./comparison_files.ts";
import { writeComparison } from "../report/comparison_output.ts";
import { type ResultsFile, validateResults } from "../results/schema.ts";
import { listTree } from "../_util/testing.ts";

const FIXTURES = new URL("../../fixtures/results/", import.meta.url).pathname;

async function fixture(name: string): Promise<ResultsFile> {
  const path = join(FIXTURES, name, "results.json");
  return validateResults(JSON.parse(await Deno.readTextFile(path)), path);
}

/** A comparison of the vm-tensorflow and vm-cpu fixtures, built at `now` by `command`. */
async function comparison(now: string, command: string | null = null): Promise<Comparison> {
  return buildComparison({
    results: await Promise.all(
      ["vm-tensorflow", "vm-cpu"].map(async (n) => ({ results: await fixture(n), source: n })),
    ),
    backendOrder: BACKEND_NAMES,
    command,
    now: new Date(now),
  });
}

/** Runs `fn` in a fresh temporary folder, removed after. */
async function inTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir();
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("writeComparison writes compare.json, compare.md, compare.html, compare.svg and compare.png, and nothing else", async () => {
  await inTempDir(async (dir) => {
    const c = await comparison("2026-11-27T10:00:00.000Z", "deno task merge a b");
    const paths = await writeComparison(dir, c);
    assert.deepEqual(paths, {
      json: join(dir, "compare.json"),
      markdown: join(dir, "compare.md"),
      html: join(dir, "compare.html"),
      chart: join(dir, "compare.svg"),
      png: join(dir, "compare.png"),
    });
    assert.deepEqual(await listTree(dir), [
      "compare.html",
      "compare.json",
      "compare.md",
      "compare.png",
      "compare.svg",
    ]);
    const json = await Deno.readTextFile(paths.json);
    assert.ok(json.endsWith("}\n"), "pretty JSON with a final newline");
    assert.deepEqual(parseComparison(JSON.parse(json), paths.json), c);
    const md = await Deno.readTextFile(paths.markdown);
    assert.ok(md.includes(`](${COMPARISON_FILES.chart})`), "the Markdown embeds the chart");
    assert.match(md, /^\| vm \| model1 \| `cpu` \| `tfjs` \|/m);
    const svg = await Deno.readTextFile(paths.chart);
    assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.ok(svg.trimEnd().endsWith("</svg>"));
    const png = await Deno.readFile(paths.png!);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const html = await Deno.readTextFile(paths.html!);
    assert.match(html, /^<!doctype html>\n/);
    assert.match(html, /<h1>fmnist-bench comparison<\/h1>/);
    assert.ok(html.trimEnd().endsWith("</html>"));
  });
});

/**
 * A reader on another thread that reads the comparison's files in `dir` over
 * and over until told to stop, then reports how many rounds it read, the
 * commands it saw in compare.json, and every file it found incomplete.
 */
function startReader(dir: string) {
  const code = `
    let stop = false;
    self.onmessage = () => { stop = true; };
    const dir = ${JSON.stringify(dir)};
    const rounds = { n: 0, commands: new Set(), partial: [] };
    while (!stop) {
      for (const [name, whole] of [
        ["compare.json", (t) => { rounds.commands.add(JSON.parse(t).command); return true; }],
        ["compare.md", (t) => t.startsWith("# ") && t.endsWith("\\n")],
        ["compare.svg", (t) => t.trimEnd().endsWith("</svg>")],
        ["compare.html", (t) => t.startsWith("<!doctype html>") && t.trimEnd().endsWith("</html>")],
      ]) {
        const text = await Deno.readTextFile(dir + "/" + name);
        let ok = false;
        try { ok = whole(text); } catch { ok = false; }
        if (!ok) rounds.partial.push(name + ": " + text.length + " characters");
      }
      rounds.n++;
    }
    self.postMessage({ ...rounds, commands: [...rounds.commands] });
  `;
  const url = URL.createObjectURL(new Blob([code], { type: "application/javascript" }));
  const worker = new Worker(url, { type: "module" });
  return {
    async stop(): Promise<{ n: number; commands: string[]; partial: string[] }> {
      const done = new Promise<MessageEvent>((resolve) => worker.onmessage = resolve);
      worker.postMessage("stop");
      const report = (await done).data;
      worker.terminate();
      URL.revokeObjectURL(url);
      return report;
    },
  };
}

Deno.test("writeComparison replaces each file whole: a reader meanwhile sees the old or the new one", async () => {
  await inTempDir(async (dir) => {
    await writeComparison(dir, await comparison("2026-11-27T10:00:00.000Z", "old"));
    const next = await comparison("2026-11-28T10:00:00.000Z", "new");
    const reader = startReader(dir);
    await new Promise((resolve) => setTimeout(resolve, 50)); // let it start reading
    // Three replacements: to the new one, back to the old command, to the new one again.
    for (const c of [next, { ...next, command: "old" }, next]) await writeComparison(dir, c);
    const report = await reader.stop();
    assert.deepEqual(report.partial, [], `${report.n} rounds read`);
    assert.ok(report.n > 0, "the reader read");
    for (const command of report.commands) assert.ok(command === "old" || command === "new");
    const json = JSON.parse(await Deno.readTextFile(join(dir, "compare.json")));
    assert.equal(json.command, "new");
    assert.equal(json.createdAt, "2026-11-28T10:00:00.000Z");
    assert.deepEqual(await listTree(dir), [
      "compare.html",
      "compare.json",
      "compare.md",
      "compare.png",
      "compare.svg",
    ]);
  });
});

Deno.test("writeComparison still writes the rest when the PNG cannot be written, and says why", async () => {
  await inTempDir(async (dir) => {
    // A folder where compare.png should go: the rename over it fails.
    await Deno.mkdir(join(dir, "compare.png"));
    const paths = await writeComparison(dir, await comparison("2026-11-27T10:00:00.000Z"));
    assert.equal(paths.png, null);
    assert.match(paths.pngError!, /directory/i);
    assert.ok(!paths.pngError!.includes("\n"), "one line");
    assert.deepEqual(await listTree(dir), [
      "compare.html",
      "compare.json",
      "compare.md",
      "compare.png", // the folder, left as it was, empty; no temporary file beside it
      "compare.svg",
    ]);
    assert.ok((await Deno.stat(join(dir, "compare.png"))).isDirectory);
    parseComparison(JSON.parse(await Deno.readTextFile(paths.json)), paths.json);
  });
});

Deno.test("readComparisonInputs takes a folder's compare.json instead of the result files below it, and skips checkpoints and models", async () => {
  await inTempDir(async (dir) => {
    const copy = async (name: string, to: string) => {
      await Deno.mkdir(join(dir, to), { recursive: true });
      await Deno.copyFile(join(FIXTURES, name, "results.json"), join(dir, to, "results.json"));
    };
    await copy("vm-tensorflow", "b-run");
    await copy("vm-cpu", "a-run/nested");
    await copy("vm-webgpu", "a-run/checkpoints/model1"); // never a results file of the run
    await copy("vm-webgpu", "a-run/models");
    await copy("h100-webgpu", "merged/h100"); // already in merged/compare.json
    const merged = buildComparison({
      results: [{ results: await fixture("h100-webgpu"), source: "h100" }],
    });
    await writeComparison(join(dir, "merged"), merged);
    const inputs = await readComparisonInputs([dir]);
    // Paths relative to the current folder, in name order.
    assert.deepEqual(inputs.results.map((r) => r.source), [
      relative(Deno.cwd(), join(dir, "a-run/nested/results.json")),
      relative(Deno.cwd(), join(dir, "b-run/results.json")),
    ]);
    assert.deepEqual(inputs.results.map((r) => r.results.config.backend), ["cpu", "tensorflow"]);
    assert.deepEqual(inputs.rows, merged.rows);
    assert.deepEqual(inputs.machines, merged.machines);
    assert.deepEqual(inputs.rows.map((r) => r.model), ["model1", "model2", "model3"]);
  });
});

Deno.test("readComparisonInputs reads files named directly, in the order given", async () => {
  await inTempDir(async (dir) => {
    const c = await comparison("2026-11-27T10:00:00.000Z");
    await writeComparison(dir, c);
    const tf = join(FIXTURES, "vm-tensorflow", "results.json");
    const cpu = join(FIXTURES, "vm-cpu", "results.json");
    const inputs = await readComparisonInputs([cpu, join(dir, "compare.json"), tf]);
    assert.deepEqual(inputs.results.map((r) => r.source), [cpu, tf]);
    assert.deepEqual(inputs.results[1].results, await fixture("vm-tensorflow"));
    assert.deepEqual(inputs.rows, c.rows);
    assert.deepEqual(inputs.machines.map((m) => m.machine), ["vm"]);
  });
});

Deno.test("readComparisonInputs names the path and what it expected when an input is unusable", async () => {
  await inTempDir(async (dir) => {
    const empty = join(dir, "empty");
    await Deno.mkdir(join(empty, "checkpoints"), { recursive: true });
    await Deno.copyFile(
      join(FIXTURES, "vm-cpu", "results.json"),
      join(empty, "checkpoints", "results.json"),
    );
    await assert.rejects(
      readComparisonInputs([empty]),
      new TypeError(
        `${empty}: expected a folder holding results.json or compare.json files, found none`,
      ),
    );

    const broken = join(dir, "broken");
    await Deno.mkdir(broken);
    await Deno.writeTextFile(join(broken, "results.json"), '{"schemaVersion": 2,');
    const brokenFile = relative(Deno.cwd(), join(broken, "results.json"));
    await assert.rejects(readComparisonInputs([broken]), (err: Error) => {
      assert.equal(err.name, "TypeError");
      assert.ok(
        err.message.startsWith(`${brokenFile}: expected a JSON results or comparison file, but `),
        err.message,
      );
      return true;
    });

    const invalid = join(dir, "invalid.json");
    await Deno.writeTextFile(invalid, JSON.stringify({ schemaVersion: 2 }));
    await assert.rejects(readComparisonInputs([invalid]), {
      name: "TypeError",
      message: new RegExp(
        `^${invalid}: not a valid fmnist-bench results file \\(schema version 1, 2, 3 or 4\\): `,
      ),
    });

    const other = join(dir, "compare.json");
    await Deno.writeTextFile(other, JSON.stringify({ kind: "something-else" }));
    await assert.rejects(
      readComparisonInputs([other]),
      new TypeError(
        `${other}: expected a compare.json of fmnist-bench (kind "fmnist-bench-comparison"), got kind "something-else"`,
      ),
    );
  });
});
