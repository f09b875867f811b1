/**
 * The small Markdown pieces the reports share: a table, and numbers written
 * with a dash where there is no value.
 *
 * @module
 */

/** A GitHub-flavoured Markdown table: a header row, its rule, then the rows. */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** `x` with `digits` decimals; an en dash for a missing or non-finite value. */
export function fixed(x: number | null | undefined, digits = 2): string {
  return x === null || x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(digits);
}
