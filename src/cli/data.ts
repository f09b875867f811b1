/**
 * `deno task data [--dir DIR] [--json]`: loads Fashion-MNIST the way every
 * other task does and shows where each file came from, its checksum status,
 * the images per class and the load time. A damaged file makes it exit
 * non-zero with the error that names it.
 *
 * @module
 */
import { CLASS_NAMES, classCounts, loadFashionMnist, OFFICIAL_BASE_URLS } from "../data/mod.ts";
import { cacheDirFromEnv, parseFlags, runCli } from "./_cli.ts";
import { downloadProgress } from "./progress.ts";

const HELP = `Usage: deno task data [options]

Finds, verifies and caches Fashion-MNIST, then shows where each file came
from, its checksum status, the images per class and the load time.

Places, in order: --dir DIR; the cache ($XDG_CACHE_HOME/fmnist-bench or
~/.cache/fmnist-bench); Debian's dataset-fashion-mnist
(/usr/share/datasets/fashion-mnist); a download from
${OFFICIAL_BASE_URLS.join(", ")} (or --mirror URL).

Options:
  --dir DIR      a folder holding the four files (.gz or decompressed)
  --mirror URL   download from this base URL instead of the official one
  --offline      never download
  --cache-dir DIR  the cache folder (default: $XDG_CACHE_HOME/fmnist-bench or
                 ~/.cache/fmnist-bench)
  --json         one JSON object instead of text
  -h, --help     show this help
`;

async function main(): Promise<number> {
  const { values } = parseFlags("data", {
    args: Deno.args,
    options: {
      dir: { type: "string" },
      mirror: { type: "string" },
      offline: { type: "boolean", default: false },
      "cache-dir": { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const t0 = performance.now();
  const data = await loadFashionMnist({
    dir: values.dir,
    cacheDir: values["cache-dir"] ?? cacheDirFromEnv(),
    baseUrls: values.offline
      ? false
      : values.mirror
      ? [values.mirror.replace(/\/?$/, "/")]
      : undefined,
    download: { onProgress: downloadProgress() },
  });
  const loadMs = performance.now() - t0;
  const perClass = (counts: number[]) =>
    Object.fromEntries(CLASS_NAMES.map((name, i) => [name, counts[i]]));
  const report = {
    files: data.files,
    train: { count: data.train.count, perClass: perClass(classCounts(data.train)) },
    test: { count: data.test.count, perClass: perClass(classCounts(data.test)) },
    loadMs: Math.round(loadMs * 10) / 10,
  };
  if (values.json) {
    console.log(JSON.stringify(report, null, 2));
    return 0;
  }
  const lines = ["Fashion-MNIST", ""];
  for (const f of data.files) {
    const check = f.verified === "sha256"
      ? "SHA-256 ok"
      : "cached copy, unchanged since its SHA-256 check";
    lines.push(`  ${f.role.padEnd(12)} ${f.kind.padEnd(9)} ${check.padEnd(15)} ${f.path}`);
  }
  lines.push("", `  ${"class".padEnd(14)} ${"train".padStart(6)} ${"test".padStart(6)}`);
  const train = classCounts(data.train);
  const test = classCounts(data.test);
  CLASS_NAMES.forEach((name, i) =>
    lines.push(
      `  ${name.padEnd(14)} ${String(train[i]).padStart(6)} ${String(test[i]).padStart(6)}`,
    )
  );
  lines.push(
    `  ${"total".padEnd(14)} ${String(data.train.count).padStart(6)} ${
      String(data.test.count).padStart(6)
    }`,
  );
  lines.push("", `Loaded in ${loadMs.toFixed(0)} ms.`);
  console.log(lines.join("\n"));
  return 0;
}

if (import.meta.main) await runCli(main);
