/**
 * The flags of `deno task history` that need more than a string: the
 * `--since`/`--until` dates and the `--fail-on-regression` percentage.
 *
 * @module
 */
import { UsageError } from "./_cli.ts";

const DATE =
  /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?)(Z|[+-]\d{2}:\d{2})?)?$/;
const DAY_MS = 86_400_000;

/**
 * A `--since`/`--until` value as milliseconds since the epoch: an ISO date
 * (UTC midnight; for `--until`, the end of that day) or date-time (UTC
 * unless it names its offset).
 *
 * @throws {UsageError} When it is neither, or names a day the calendar lacks.
 */
export function parseDateFlag(flag: "--since" | "--until", value: string): number {
  const m = value.trim().match(DATE);
  const day = m ? Date.parse(`${m[1]}T00:00:00Z`) : NaN;
  const realDay = m !== null && Number.isFinite(day) &&
    new Date(day).toISOString().slice(0, 10) === m[1];
  const ms = !realDay ? NaN : m[2] ? Date.parse(`${m[1]}T${m[2]}${m[3] ?? "Z"}`) : day;
  if (!realDay || !Number.isFinite(ms)) {
    throw new UsageError(
      `${flag}: expected an ISO date or date-time (e.g. 2026-12-01 or 2026-12-01T08:00Z), got ${
        JSON.stringify(value)
      }`,
    );
  }
  return flag === "--until" && !m[2] ? ms + DAY_MS - 1 : ms;
}

/**
 * Whether a run started between `--since` and `--until` (both included);
 * an absent flag leaves that side open.
 *
 * @throws {UsageError} When `--until` is before `--since`.
 */
export function dateWindow(
  since: string | undefined,
  until: string | undefined,
): (p: { createdAt: string }) => boolean {
  const from = since === undefined ? -Infinity : parseDateFlag("--since", since);
  const to = until === undefined ? Infinity : parseDateFlag("--until", until);
  if (to < from) {
    throw new UsageError(`--until: expected a time after --since ${since}, got ${until}`);
  }
  return (p) => {
    const t = Date.parse(p.createdAt);
    return t >= from && t <= to;
  };
}

/**
 * The `--fail-on-regression` percentage (`10` or `10%`), or null when absent.
 *
 * @throws {UsageError} When it is not a number above 0.
 */
export function parseRegressionPct(value: string | undefined): number | null {
  if (value === undefined) return null;
  const trimmed = value.trim().replace(/%$/, "");
  const n = Number(trimmed);
  if (trimmed === "" || !Number.isFinite(n) || n <= 0) {
    throw new UsageError(
      `--fail-on-regression: expected a percentage above 0 (e.g. 10 or 10%), got ${
        JSON.stringify(value)
      }`,
    );
  }
  return n;
}
