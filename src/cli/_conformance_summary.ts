/**
 * What `deno task conformance` reports (`src/cli/conformance.ts`): the
 * summary of a run, which `--json` prints as it is, and its printing as
 * plain text, each known failure's outcome and each unexpected failure
 * with the start of its messages.
 *
 * @module
 */
import type { OneDnnState } from "../backends/onednn.ts";
import type { ResultCounts, SpecResult } from "../conformance/verdict.ts";
import { indent, wrap } from "./_cli.ts";

/** The known-failure list, as the help text and the summary name it. */
export const LIST_FILE = "src/conformance/known_failures.ts";

/** How one known failure fared. */
export interface KnownFailureOutcome {
  spec: string;
  reason: string;
  affectsSuite: boolean;
  suiteImpact: string;
  /**
   * `still failing`: as expected. `fixed` and `missing` fail the run. `not run`: left out by
   * `--filter`. `not reached`: the test process died before it (the crash fails the run).
   * `not applicable`: its condition (`when`) does not hold here, so its spec was judged as any other.
   */
  outcome: "still failing" | "fixed" | "not run" | "missing" | "not reached" | "not applicable";
  /** Where it is expected, when not everywhere. */
  when?: { onednn: boolean };
  /** The failure messages of this run, when it failed. */
  messages: string[];
}

/** The summary `--json` prints. */
export interface ConformanceSummary {
  ok: boolean;
  versions: { deno: string; tfjsNode: string; tfjsCore: string; tensorflow: string | null };
  /** Whether libtensorflow ran oneDNN's kernels in the test process, and why. */
  onednn: OneDnnState;
  /** The CPU's recorded vector extensions (`null`: unknown). */
  cpuFeatures: string[] | null;
  filter: string | null;
  includeIgnored: boolean;
  /** Whether the test process finished the run (no crash, no time-out). */
  complete: boolean;
  /** Specs tfjs-core's suite defines (as jasmine counted them), or `null` if the run died first. */
  specsDefined: number | null;
  counts: ResultCounts;
  knownFailures: KnownFailureOutcome[];
  unexpectedFailures: { kind: SpecResult["kind"]; name: string; messages: string[] }[];
  /** Names of the pending specs (skipped by tfjs-core's own test code). */
  pending: string[];
  /** With `--include-ignored`: how the specs of tfjs-node's IGNORE_LIST fared. */
  ignoreList: null | {
    passed: string[];
    failed: { name: string; messages: string[] }[];
  };
  /** The end of the test process's output, when the run did not complete. */
  outputTail: string | null;
  seconds: { bundle: number; tests: number; total: number };
}

/** Prints the summary as plain text on stdout, the verdict last. */
export function printSummary(s: ConformanceSummary): void {
  const out: string[] = [];
  const c = s.counts;
  out.push(
    `tfjs-core ${s.versions.tfjsCore} backend tests on "tensorflow": libtensorflow ` +
      `${s.versions.tensorflow ?? "(unknown)"}, tfjs-node ${s.versions.tfjsNode}, ` +
      `Deno ${s.versions.deno}`,
    `CPU extensions: ${s.cpuFeatures?.join(" ") || "unknown"}; oneDNN ${s.onednn.reason}`,
  );
  const selected = c.passed + c.failed + c.pending + c.excludedOther;
  out.push(
    [
      `specs: ${s.specsDefined ?? "?"} defined`,
      s.filter === null ? "" : `${c.filteredOut} left out by --filter /${s.filter}/`,
      `${c.ignoreListed} on tfjs-node's IGNORE_LIST (${
        s.includeIgnored ? "run anyway, reported below" : "excluded"
      })`,
      `${selected} in the suite: ${c.passed} passed, ${c.failed} failed, ${c.pending} pending` +
      (c.excludedOther > 0 ? `, ${c.excludedOther} excluded otherwise` : ""),
    ].filter(Boolean).join("; "),
  );

  out.push("", `known failures (${s.knownFailures.length}, listed in ${LIST_FILE}):`);
  for (const k of s.knownFailures) {
    const label = {
      "still failing": "still fails (expected)",
      "fixed": "FIXED: it passes now; remove it from the list",
      "not run": "not run (filtered out)",
      "missing": "MISSING: no such spec ran; correct or remove the entry",
      "not reached": "not reached (the test process stopped before it)",
      "not applicable": `not expected here (only where oneDNN is ${
        k.when?.onednn ? "on" : "off"
      }); judged as any other spec`,
    }[k.outcome];
    out.push(`  ${k.spec}: ${label}`);
    for (const m of k.messages) out.push(...indent(firstLines(m, 3), 6));
    out.push(...wrap(`reason: ${k.reason}`, 6));
    out.push(
      ...wrap(`touches this suite's models: ${k.affectsSuite ? "YES" : "no"}. ${k.suiteImpact}`, 6),
    );
  }

  out.push(
    "",
    `unexpected failures (${s.unexpectedFailures.length}):${
      s.unexpectedFailures.length ? "" : " none"
    }`,
  );
  for (const f of s.unexpectedFailures) {
    out.push(`  ${f.kind === "spec" ? "" : `[${f.kind}] `}${f.name}`);
    for (const m of f.messages) out.push(...indent(firstLines(m, 8), 6));
  }

  if (s.ignoreList) {
    const { passed, failed } = s.ignoreList;
    out.push(
      "",
      `IGNORE_LIST experiment: ${passed.length + failed.length} of its specs ran: ` +
        `${passed.length} passed, ${failed.length} failed (not judged)`,
    );
    if (passed.length) out.push("  passing now:", ...passed.map((n) => `    ${n}`));
    if (failed.length) {
      out.push("  still failing:");
      for (const f of failed) out.push(`    ${f.name}: ${firstLines(f.messages[0] ?? "", 1)[0]}`);
    }
  }

  if (s.outputTail !== null) {
    out.push("", "the test process did not finish; the end of its output:");
    out.push(...indent(s.outputTail.trimEnd().split("\n").slice(-40), 2));
  }

  const t = s.seconds;
  out.push(
    "",
    `time: ${t.total.toFixed(1)} s (bundle ${t.bundle.toFixed(1)} s, tests ${
      t.tests.toFixed(1)
    } s)`,
  );
  const notRun = s.knownFailures.filter((k) => k.outcome === "not run").length;
  const notHere = s.knownFailures.filter((k) => k.outcome === "not applicable").length;
  const applying = notHere > 0
    ? ` that applies here (oneDNN ${
      s.onednn.enabled ? "on" : "off"
    }; ${notHere} apply only elsewhere)`
    : "";
  out.push(
    !s.ok
      ? "FAIL: see the unexpected failures and the known-failure outcomes above"
      : notRun > 0
      ? `PASS: every failure is a known one (${notRun} known failure(s) left out by --filter)`
      : `PASS: every failure is a known one, and every known failure${applying} still fails`,
  );
  console.log(out.join("\n"));
}

function firstLines(text: string, n: number): string[] {
  const lines = text.split("\n");
  return lines.length > n ? [...lines.slice(0, n), `… (${lines.length - n} more lines)`] : lines;
}
