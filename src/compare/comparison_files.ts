/**
 * Reading the inputs of a comparison (result files, earlier comparisons, or
 * folders holding them) and the names of its files; `src/report/comparison_output.ts`
 * writes them. {@link parseComparison} checks a parsed `compare.json`, reading
 * older versions as version 3.
 *
 * @module
 */
import { join, relative } from "node:path";
import type { Comparison } from "./comparison.ts";
import type { ComparisonRow, MachineSummary } from "./row.ts";
import { type ResultsFile, validateResults } from "../results/schema.ts";
import { onlyEngineOn } from "../engines/registry.ts";
import type { EpochTimes } from "../results/stats.ts";

/** File names of a comparison inside its folder. */
export const COMPARISON_FILES = {
  json: "compare.json",
  markdown: "compare.md",
  html: "compare.html",
  chart: "compare.svg",
  png: "compare.png",
} as const;

/** What {@link readComparisonInputs} gathered. */
export interface ComparisonInputs {
  /** Results files, with their paths. */
  results: { results: ResultsFile; source: string }[];
  /** Rows of earlier comparisons. */
  rows: ComparisonRow[];
  /** Machines of earlier comparisons. */
  machines: MachineSummary[];
}

/**
 * Reads `results.json` and `compare.json` files, and folders holding them
 * (searched recursively; a folder with a `compare.json` contributes it
 * instead of the result files below it, which it already holds).
 *
 * @throws {TypeError} When a path holds none, or a file is not valid; the
 *   message names the path.
 */
export async function readComparisonInputs(paths: readonly string[]): Promise<ComparisonInputs> {
  const inputs: ComparisonInputs = { results: [], rows: [], machines: [] };
  for (const path of paths) {
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(path);
    } catch {
      throw new TypeError(
        `${path}: no such file or folder; expected a results.json, a compare.json or a folder holding them`,
      );
    }
    const files = info.isDirectory ? await findInputFiles(path) : [path];
    if (files.length === 0) {
      throw new TypeError(
        `${path}: expected a folder holding results.json or compare.json files, found none`,
      );
    }
    for (const file of files) await readOne(file, inputs);
  }
  return inputs;
}

async function readOne(file: string, inputs: ComparisonInputs): Promise<void> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await Deno.readTextFile(file));
  } catch (err) {
    throw new TypeError(
      `${file}: expected a JSON results or comparison file, but ${(err as Error).message}`,
    );
  }
  const kind = (parsed as { kind?: unknown } | null)?.kind;
  if (kind !== undefined) {
    const c = parseComparison(parsed, file);
    inputs.rows.push(...c.rows);
    inputs.machines.push(...c.machines);
  } else {
    inputs.results.push({ results: validateResults(parsed, file), source: file });
  }
}

/** Every `compare.json`, else every `results.json`, under a folder, in a stable order. */
async function findInputFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (d: string): Promise<void> => {
    const entries = await Array.fromAsync(Deno.readDir(d));
    entries.sort((a, b) => a.name.localeCompare(b.name));
    if (entries.some((e) => e.isFile && e.name === COMPARISON_FILES.json)) {
      found.push(join(d, COMPARISON_FILES.json));
      return;
    }
    for (const e of entries) {
      if (e.isFile && e.name === "results.json") found.push(join(d, e.name));
      else if (e.isDirectory && e.name !== "checkpoints" && e.name !== "models") {
        await walk(join(d, e.name));
      }
    }
  };
  await walk(dir);
  return found.map((f) => relative(Deno.cwd(), f) || f);
}

/**
 * Checks that a parsed JSON value is a comparison written by this suite.
 * Older versions are returned as version 3: their rows have no samples,
 * intervals or setup (null), so nothing compared with them claims an
 * interval. A version-1 comparison (before rows named their engine) also
 * has its rows on a backend that runs one engine only given that engine
 * (`tfjs` on `webgpu` and `cpu`), the others `"unrecorded"`, with a note.
 *
 * @throws {TypeError} Naming the source and what is wrong.
 */
export function parseComparison(value: unknown, source = "comparison"): Comparison {
  const v = value as Partial<Comparison> | null;
  if (typeof v !== "object" || v === null || v.kind !== "fmnist-bench-comparison") {
    throw new TypeError(
      `${source}: expected a compare.json of fmnist-bench (kind "fmnist-bench-comparison"), got ${
        v === null || typeof v !== "object" ? typeof v : `kind ${JSON.stringify(v.kind)}`
      }`,
    );
  }
  const version = v.version as number | undefined;
  if (
    (version !== 1 && version !== 2 && version !== 3) || !Array.isArray(v.rows) ||
    !Array.isArray(v.machines)
  ) {
    throw new TypeError(
      `${source}: expected comparison version 1, 2 or 3 with rows and machines, got version ${
        JSON.stringify(v.version)
      }`,
    );
  }
  if (version === 3) return v as Comparison;
  const rows = (v.rows as OlderRow[]).map((r): ComparisonRow => {
    const { batch1P50Ms, ...rest } = r;
    const upgraded: ComparisonRow = {
      ...rest,
      secondsPerEpoch: r.secondsPerEpoch ? { ...r.secondsPerEpoch, interval: null } : null,
      batch1: typeof batch1P50Ms === "number"
        ? { p50Ms: batch1P50Ms, p90Ms: null, p95Ms: null, p99Ms: null, runs: null, interval: null }
        : null,
      batched: r.batched ? { ...r.batched, interval: null } : null,
      samples: null,
      setup: null,
      speedupInterval: null,
      engineSpeedupInterval: null,
    };
    if (version === 2) return upgraded;
    const engine = onlyEngineOn(r.backend) ?? "unrecorded";
    return {
      ...upgraded,
      engine,
      inferencePath: r.inferencePath ?? null,
      engineSpeedup: null,
      note: [r.note, `engine ${engine}: from a version-1 comparison`].filter(Boolean).join("; "),
    };
  });
  return {
    ...(v as Comparison),
    version: 3,
    rows,
    scaling: (v.scaling ?? []).map((s) =>
      version === 1 ? { ...s, engine: onlyEngineOn(s.backend) ?? "unrecorded" } : s
    ),
  };
}

/** The fields of a row that comparisons before version 3 did not write. */
type NewInV3 = "batch1" | "samples" | "setup" | "speedupInterval" | "engineSpeedupInterval";

/** A row as comparisons before version 3 wrote it. */
type OlderRow = Omit<ComparisonRow, NewInV3 | "secondsPerEpoch" | "batched"> & {
  batch1P50Ms?: number | null;
  secondsPerEpoch: Omit<EpochTimes, "interval"> | null;
  batched: { batchSize: number; imagesPerSecond: number } | null;
};
