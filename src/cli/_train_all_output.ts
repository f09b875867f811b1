/**
 * What `train-all` reads and prints beyond the run's flags: `--open`'s
 * address, and the closing table of the run's results.
 *
 * @module
 */
import type { ResultsFile } from "../results/schema.ts";
import { epochTimes } from "../results/stats.ts";
import { textTable, UsageError } from "./_cli.ts";

/**
 * `--open`'s value: `PORT`, `HOST:PORT` (`[::1]:PORT` for IPv6) or `auto`
 * (127.0.0.1, any free port).
 *
 * @throws {UsageError} For anything else.
 */
export function parseListen(value: string): { hostname: string; port: number } {
  if (value === "auto" || value === "") return { hostname: "127.0.0.1", port: 0 };
  const m = /^(?:(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):)?(\d{1,5})$/.exec(value);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) {
    throw new UsageError(
      `--open: expected PORT, HOST:PORT or auto, got ${JSON.stringify(value)}`,
    );
  }
  return { hostname: (m[1] ?? "127.0.0.1").replace(/^\[|\]$/g, ""), port };
}

/** The run's results as a terminal table. */
export function summaryTable(results: ResultsFile): string {
  const rows = results.runs.map((r) => {
    const t = epochTimes(r);
    return [
      r.model,
      r.backend,
      r.engine ?? results.config.engine,
      r.test ? `${(r.test.accuracy * 100).toFixed(2)}%` : "–",
      t ? `${t.median.toFixed(1)} s` : "–",
      t ? `${(results.config.trainSize / t.median).toFixed(0)}` : "–",
      r.inference ? `${r.inference.batch1.p50Ms.toFixed(2)} ms` : "–",
      r.inference ? `${r.inference.batched.imagesPerSecond.toFixed(0)}` : "–",
    ];
  });
  return textTable(
    ["model", "backend", "engine", "test acc", "s/epoch", "img/s", "batch-1 p50", "batched img/s"],
    rows,
  );
}
