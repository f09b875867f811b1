/**
 * What must agree between a base row and a new row of `deno task diff` for
 * them to be paired (data, oneDNN, sizes, seed, threads, CPU, inference
 * path), and what may differ and is only shown (commit, versions, epochs).
 *
 * @module
 */
import type { ComparisonRow, RowSetup } from "./row.ts";

/** The setup fields that must agree for two rows to be paired, with how the refusal names them. */
const MUST_AGREE: readonly { field: keyof RowSetup; label: string }[] = [
  { field: "dataSha256", label: "data checksums" },
  { field: "onednn", label: "oneDNN" },
  { field: "batchSize", label: "batch size" },
  { field: "inferenceBatchSize", label: "inference batch size" },
  { field: "trainSize", label: "training images" },
  { field: "testSize", label: "test images" },
  { field: "seed", label: "seed" },
  { field: "threads", label: "threads" },
  { field: "cpu", label: "CPU" },
];

/** One field that differs between a base and a new row, with each side's value in words. */
export interface SetupDifference {
  /** The field, in words. */
  what: string;
  /** The base's value. */
  base: string;
  /** The new value. */
  new: string;
}

/** The software a row ran: its commit and versions, when known. */
export type SoftwareOf = (
  row: ComparisonRow,
  side: "base" | "new",
) => { commit?: string; versions?: string };

/** The setup fields of {@link MUST_AGREE} and the inference path that differ between `b` and `n`. */
export function setupDifferences(b: ComparisonRow, n: ComparisonRow): SetupDifference[] {
  const out: SetupDifference[] = [];
  if (b.inferencePath !== n.inferencePath) {
    out.push({
      what: "inference path",
      base: String(b.inferencePath),
      new: String(n.inferencePath),
    });
  }
  if (!b.setup || !n.setup) {
    if (b.status === "measured" && n.status === "measured") {
      out.push({
        what: "setup",
        base: b.setup ? "recorded" : "not recorded",
        new: n.setup ? "recorded" : "not recorded",
      });
    }
    return out;
  }
  for (const { field, label } of MUST_AGREE) {
    const x = b.setup[field];
    const y = n.setup[field];
    if (x !== y) out.push({ what: label, base: shortValue(x), new: shortValue(y) });
  }
  return out;
}

function shortValue(v: string | number | null): string {
  if (v === null) return "not recorded";
  const s = String(v);
  return /^[0-9a-f]{64}( [0-9a-f]{64}){3}$/.test(s) ? `${s.slice(0, 12)}…` : s;
}

/** What may differ between `b` and `n` and did: epochs, and the commit and versions `software` gives. */
export function softwareDifferences(
  b: ComparisonRow,
  n: ComparisonRow,
  software: SoftwareOf | undefined,
): SetupDifference[] {
  const out: SetupDifference[] = [];
  if (b.epochs !== n.epochs) {
    out.push({ what: "epochs", base: String(b.epochs), new: String(n.epochs) });
  }
  if (!software) return out;
  const x = software(b, "base");
  const y = software(n, "new");
  if (x.commit !== y.commit) {
    out.push({ what: "git commit", base: x.commit ?? "–", new: y.commit ?? "–" });
  }
  if (x.versions !== y.versions) {
    out.push({ what: "versions", base: x.versions ?? "–", new: y.versions ?? "–" });
  }
  return out;
}
