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
