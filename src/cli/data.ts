/**
 * `deno task data [--dir DIR] [--json]`: loads Fashion-MNIST the way every
 * other task does and shows where each file came from, its checksum status,
 * the images per class and the load time. A damaged file makes it exit
 * non-zero with the one-line error that names it.
 *
 * @module
 */
import { type CacheCheck, decodedCacheDir } from "../data/cache.ts";
import { FILE_NAMES, OFFICIAL_BASE_URLS } from "../data/checksums.ts";
import { CLASS_NAMES } from "../data/classes.ts";
import { loadFashionMnist } from "../data/load.ts";
import { SYSTEM_DIR } from "../data/sources.ts";
import { classCounts, type DataSplit } from "../data/split.ts";
import { cacheDirFromEnv, parseFlags, printHelp, runCli, UsageError } from "./_cli.ts";
import { downloadProgress } from "./progress.ts";

const HELP = `Usage: deno task data [options]

Finds, verifies and caches Fashion-MNIST, then shows where each file came
from, its checksum status, the images per class and the load time.

Places, in order: --dir DIR; the decoded cache (--cache-dir, default
$XDG_CACHE_HOME/fmnist-bench or ~/.cache/fmnist-bench); Debian's
dataset-fashion-mnist (${SYSTEM_DIR}); a download from
${OFFICIAL_BASE_URLS.join(", ")} (or --mirror URL).

Options:
  --dir DIR          a folder holding the four files (.gz or decompressed);
                     --data-dir DIR is the same
  --cache-dir DIR    the cache folder
  --cache-check HOW  sha256 (default: re-hash cached files) or size-mtime
                     (trust a cached file whose size and time are unchanged)
  --mirror URL       download from this base URL instead of the official one
  --offline          never download
  --json             one JSON object on stdout instead of text
  -h, --help         show this help

Exit status: 0 when all four files were found and verified, 1 when not (the
error names the file, what was expected and found, and the fix), 2 for a
wrong flag.
`;

const CACHE_CHECKS: readonly CacheCheck[] = ["sha256", "size-mtime"];

function perClass(split: DataSplit): Record<string, number> {
  const counts = classCounts(split);
  return Object.fromEntries(CLASS_NAMES.map((name, i) => [name, counts[i]]));
}

async function main(): Promise<number> {
  const { values } = parseFlags("data", {
    args: Deno.args,
    options: {
      dir: { type: "string" },
      "data-dir": { type: "string" },
      "cache-dir": { type: "string" },
      "cache-check": { type: "string", default: "sha256" },
      mirror: { type: "string" },
      offline: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.dir !== undefined && values["data-dir"] !== undefined) {
    throw new UsageError("--dir and --data-dir name the same thing: give one");
  }
  const cacheCheck = values["cache-check"] as CacheCheck;
  if (!CACHE_CHECKS.includes(cacheCheck)) {
    throw new UsageError(
      `--cache-check: expected ${CACHE_CHECKS.join(" or ")}, got ${JSON.stringify(cacheCheck)}`,
    );
  }
  if (values.offline && values.mirror !== undefined) {
    throw new UsageError("--offline and --mirror exclude each other");
  }
  if (values.mirror !== undefined && !/^https?:\/\//.test(values.mirror)) {
    throw new UsageError(`--mirror: expected an http:// or https:// URL, got ${values.mirror}`);
  }
  if (values.help) return printHelp(HELP);
  let cacheDir = values["cache-dir"];
  try {
    cacheDir ??= cacheDirFromEnv();
  } catch (err) {
    throw new UsageError(`${(err as Error).message} (--cache-dir DIR)`);
  }
  const progress = values.json ? undefined : downloadProgress();
  const t0 = performance.now();
  const data = await loadFashionMnist({
    dir: values.dir ?? values["data-dir"],
    cacheDir,
    cacheCheck,
    baseUrls: values.offline
      ? false
      : values.mirror !== undefined
      ? [values.mirror.replace(/\/?$/, "/")]
      : undefined,
    download: {
      onProgress: progress &&
        ((role, received, total) => progress(`${FILE_NAMES[role]}.gz`, received, total)),
    },
  });
  const loadMs = performance.now() - t0;
  if (values.json) {
    console.log(jsonReport(data, cacheDir, loadMs));
    return 0;
  }
  for (const warning of data.warnings) console.error(`warning: ${warning}`);
  console.log(textReport(data, cacheDir, loadMs));
  return 0;
}

type Loaded = Awaited<ReturnType<typeof loadFashionMnist>>;

function jsonReport(data: Loaded, cacheDir: string, loadMs: number): string {
  return JSON.stringify(
    {
      files: data.files,
      train: { count: data.train.count, perClass: perClass(data.train) },
      test: { count: data.test.count, perClass: perClass(data.test) },
      cacheDir: decodedCacheDir(cacheDir),
      warnings: data.warnings,
      loadMs: Math.round(loadMs * 10) / 10,
    },
    null,
    2,
  );
}

function textReport(data: Loaded, cacheDir: string, loadMs: number): string {
  const rows = data.files.map((f) => [
    f.name,
    f.kind,
    f.verified === "sha256"
      ? `SHA-256 verified${f.gunzipped ? " (gunzipped)" : ""}`
      : "size+mtime as verified",
    f.path,
  ]);
  const widths = [0, 1, 2].map((c) =>
    Math.max(...[["file", "source", "checksum"][c], ...rows.map((r) => r[c])].map((s) => s.length))
  );
  const row = (cells: string[]) =>
    `  ${cells.map((cell, c) => c < 3 ? cell.padEnd(widths[c]) : cell).join("  ")}`;
  const n = (x: number) => x.toLocaleString("en-US");
  const train = classCounts(data.train);
  const test = classCounts(data.test);
  const counts = (name: string, a: number, b: number) =>
    `  ${name.padEnd(12)} ${String(a).padStart(6)} ${String(b).padStart(6)}`;
  return [
    `Fashion-MNIST: ${n(data.train.count)} training and ${n(data.test.count)} test images, ` +
    `loaded in ${loadMs.toFixed(0)} ms`,
    "",
    row(["file", "source", "checksum", "path"]),
    ...rows.map(row),
    "",
    `  ${"class".padEnd(12)} ${"train".padStart(6)} ${"test".padStart(6)}`,
    ...CLASS_NAMES.map((name, i) => counts(name, train[i], test[i])),
    counts("total", data.train.count, data.test.count),
    "",
    `Decoded cache: ${decodedCacheDir(cacheDir)}`,
  ].join("\n");
}

if (import.meta.main) await runCli(main);
