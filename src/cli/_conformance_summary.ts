/**
 * The summary of a `deno task conformance` run (`src/conformance/run.ts`)
 * printed as plain text: each known failure's outcome and each unexpected
 * failure with the start of its messages.
 *
 * @module
 */
import { type ConformanceSummary, LIST_FILE } from "../conformance/run.ts";
import { indent, wrap } from "./_cli.ts";

/** Prints the summary as plain text on stdout, the verdict last. */
export function printSummary(s: ConformanceSummary): void {
  const parts = [headerLines, knownFailureLines, unexpectedFailureLines, ignoreListLines];
  console.log([...parts, outputTailLines, verdictLines].flatMap((lines) => lines(s)).join("\n"));
}

/** The versions, the CPU, and what the suite selected and how it went. */
function headerLines(s: ConformanceSummary): string[] {
  const c = s.counts;
  const selected = c.passed + c.failed + c.pending + c.excludedOther;
  return [
    `tfjs-core ${s.versions.tfjsCore} backend tests on "tensorflow": libtensorflow ` +
    `${s.versions.tensorflow ?? "(unknown)"}, tfjs-node ${s.versions.tfjsNode}, ` +
    `Deno ${s.versions.deno}`,
    `CPU extensions: ${s.cpuFeatures?.join(" ") || "unknown"}; oneDNN ${s.onednn.reason}`,
    [
      `specs: ${s.specsDefined ?? "?"} defined`,
      s.filter === null ? "" : `${c.filteredOut} left out by --filter /${s.filter}/`,
      `${c.ignoreListed} on tfjs-node's IGNORE_LIST (${
        s.includeIgnored ? "run anyway, reported below" : "excluded"
      })`,
      `${selected} in the suite: ${c.passed} passed, ${c.failed} failed, ${c.pending} pending` +
      (c.excludedOther > 0 ? `, ${c.excludedOther} excluded otherwise` : ""),
    ].filter(Boolean).join("; "),
  ];
}

/** Each known failure's outcome, messages, reason and impact on the suite. */
function knownFailureLines(s: ConformanceSummary): string[] {
  const out = ["", `known failures (${s.knownFailures.length}, listed in ${LIST_FILE}):`];
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
  return out;
}

/** Each unexpected failure with the start of its messages. */
function unexpectedFailureLines(s: ConformanceSummary): string[] {
  const out = [
    "",
    `unexpected failures (${s.unexpectedFailures.length}):${
      s.unexpectedFailures.length ? "" : " none"
    }`,
  ];
  for (const f of s.unexpectedFailures) {
    out.push(`  ${f.kind === "spec" ? "" : `[${f.kind}] `}${f.name}`);
    for (const m of f.messages) out.push(...indent(firstLines(m, 8), 6));
  }
  return out;
}

/** How the IGNORE_LIST's specs went, when they ran. */
function ignoreListLines(s: ConformanceSummary): string[] {
  if (!s.ignoreList) return [];
  const { passed, failed } = s.ignoreList;
  const out = [
    "",
    `IGNORE_LIST experiment: ${passed.length + failed.length} of its specs ran: ` +
    `${passed.length} passed, ${failed.length} failed (not judged)`,
  ];
  if (passed.length) out.push("  passing now:", ...passed.map((n) => `    ${n}`));
  if (failed.length) {
    out.push("  still failing:");
    for (const f of failed) out.push(`    ${f.name}: ${firstLines(f.messages[0] ?? "", 1)[0]}`);
  }
  return out;
}

/** The end of the test process's output, when it did not finish. */
function outputTailLines(s: ConformanceSummary): string[] {
  if (s.outputTail === null) return [];
  return [
    "",
    "the test process did not finish; the end of its output:",
    ...indent(s.outputTail.trimEnd().split("\n").slice(-40), 2),
  ];
}

/** The times, and the verdict. */
function verdictLines(s: ConformanceSummary): string[] {
  const t = s.seconds;
  const notRun = s.knownFailures.filter((k) => k.outcome === "not run").length;
  const notHere = s.knownFailures.filter((k) => k.outcome === "not applicable").length;
  const oneDnn = s.onednn.enabled ? "on" : "off";
  const applying = notHere > 0
    ? ` that applies here (oneDNN ${oneDnn}; ${notHere} apply only elsewhere)`
    : "";
  const [total, bundle, tests] = [t.total, t.bundle, t.tests].map((x) => x.toFixed(1));
  return [
    "",
    `time: ${total} s (bundle ${bundle} s, tests ${tests} s)`,
    !s.ok
      ? "FAIL: see the unexpected failures and the known-failure outcomes above"
      : notRun > 0
      ? `PASS: every failure is a known one (${notRun} known failure(s) left out by --filter)`
      : `PASS: every failure is a known one, and every known failure${applying} still fails`,
  ];
}

function firstLines(text: string, n: number): string[] {
  const lines = text.split("\n");
  return lines.length > n ? [...lines.slice(0, n), `… (${lines.length - n} more lines)`] : lines;
}
