/**
 * Plain text laid out for the terminal: tables, indented and word-wrapped
 * paragraphs.
 *
 * @module
 */

/** A plain-text table for the terminal: columns padded to their widest cell. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** Indents each line by `by` spaces. */
export function indent(lines: readonly string[], by: number): string[] {
  return lines.map((l) => " ".repeat(by) + l);
}

/**
 * Word-wraps a paragraph at its whitespace into lines of at most `width`
 * columns (default 100), each indented by `by` spaces.
 */
export function wrap(text: string, by: number, width = 100): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && by + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return indent(lines, by);
}
