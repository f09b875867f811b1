/**
 * `deno task conformance`: runs tfjs-core's own backend test suite against
 * the native `tensorflow` backend (tfjs-node on this project's
 * libtensorflow) under Deno, and fails on any failure that is not in the
 * known-failure list (`src/conformance/known_failures.ts`), or on a known
 * failure that passes again.
 *
 * Steps: bundle tfjs-node's harness with tfjs-core's tests into tfjs-node's
 * `dist/` (`src/conformance/bundle.ts`), run it in a child Deno process
 * (`src/conformance/child.ts`, so a native crash is reported, not fatal),
 * compare its results with the list (`src/conformance/verdict.ts`), print a
 * summary.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { nativePackageDir, probeNative, TFJS_NODE } from "../backends/native.ts";
import { buildConformanceBundle } from "../conformance/bundle.ts";
import {
  compareWithKnown,
  type Comparison,
  countResults,
  type ResultCounts,
  type SpecResult,
} from "../conformance/verdict.ts";
import { KNOWN_FAILURES } from "../conformance/known_failures.ts";
import { runConformanceChild } from "../conformance/runner.ts";
import {
  type OneDnnChoice,
  type OneDnnState,
  oneDnnState,
  readCpuFeatures,
} from "../backends/onednn.ts";
import {
  applyOneDnnChoice,
  oneDnnVariableFromEnv,
  parseFlags,
  parseOneDnnChoice,
  parsePositiveInt,
  runCli,
  UsageError,
} from "./_cli.ts";

const LIST_FILE = "src/conformance/known_failures.ts";

const HELP = `Usage: deno task conformance [options]

Runs tfjs-core's own backend test suite (the *_test.js files shipped in
@tensorflow/tfjs-core) with tfjs-node's harness (dist/run_tests.js, including
its IGNORE_LIST) against the native "tensorflow" backend, in a child Deno
process, then compares the failures with the known-failure list
(${LIST_FILE}).

A known failure may hold only where oneDNN is on or off; elsewhere its spec
must pass. Run it with --onednn on and --onednn off to cover both classes of
CPU on one machine.

Exits 0 when every failure is a known one and every known failure still
fails; 1 otherwise (a new failure, a known failure that passes now, a crash
or a time-out); 2 on a usage error.

Options:
  --filter REGEX       run only the specs whose full name matches REGEX, a
                       JavaScript regular expression (e.g. '^round ')
  --include-ignored    also run the specs tfjs-node's IGNORE_LIST excludes;
                       they are reported separately and never fail the run
  --timeout SECONDS    kill the test process after this long (default 600)
  --onednn MODE        on or off pins TensorFlow's oneDNN kernels in the test
                       process; default leaves them to this CPU's default (sets
                       TF_ENABLE_ONEDNN_OPTS; without it, the variable as set)
  --json               print the summary as one JSON object on stdout
  -h, --help           show this help
`;

/** The command line, parsed. */
interface ConformanceOptions {
  filter: string | null;
  includeIgnored: boolean;
  timeoutSeconds: number;
  json: boolean;
  onednn: OneDnnChoice | undefined;
}

/** How one known failure fared. */
interface KnownFailureOutcome {
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
interface ConformanceSummary {
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

function parseOptions(): ConformanceOptions | "help" {
  const { values } = parseFlags("conformance", {
    args: Deno.args,
    options: {
      filter: { type: "string" },
      "include-ignored": { type: "boolean", default: false },
      timeout: { type: "string", default: "600" },
      onednn: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return "help";
  const filter = values.filter ?? null;
  if (filter !== null) {
    try {
      new RegExp(filter);
    } catch (err) {
      throw new UsageError(
        `--filter: expected a JavaScript regular expression, got ${JSON.stringify(filter)} (${
          (err as Error).message
        })`,
      );
    }
  }
  return {
    filter,
    includeIgnored: values["include-ignored"],
    timeoutSeconds: parsePositiveInt("--timeout", values.timeout),
    json: values.json,
    onednn: values.onednn === undefined ? undefined : parseOneDnnChoice(values.onednn),
  };
}

async function main(): Promise<number> {
  const options = parseOptions();
  if (options === "help") {
    console.log(HELP);
    return 0;
  }
  const t0 = performance.now();
  if (options.onednn !== undefined) applyOneDnnChoice(options.onednn); // the test process inherits it
  const cpuFeatures = await readCpuFeatures();
  const onednn = oneDnnState(cpuFeatures, oneDnnVariableFromEnv());
  const probe = await probeNative("tensorflow", TFJS_NODE);
  const packageDir = nativePackageDir(TFJS_NODE);
  if (!probe.available || packageDir === undefined) {
    throw new Error(`the tensorflow backend cannot run: ${probe.reason}`);
  }
  console.error("conformance: bundling tfjs-node's harness with tfjs-core's tests…");
  const bundle = await buildConformanceBundle(packageDir);
  console.error(
    `conformance: ${bundle.testFiles} test files, ${(bundle.bytes / 1e6).toFixed(1)} MB ` +
      `(${bundle.written ? "written" : "unchanged"}: ${bundle.path}); running them…`,
  );
  const run = await runConformanceChild({
    bundle: bundle.path,
    filter: options.filter,
    includeIgnored: options.includeIgnored,
    timeoutSeconds: options.timeoutSeconds,
  });
  const { results } = run.record;
  const comparison = compareWithKnown(results, KNOWN_FAILURES, { onednn: onednn.enabled });
  const summary: ConformanceSummary = {
    ok: comparison.ok && run.record.complete,
    versions: {
      deno: Deno.version.deno,
      tfjsNode: packageVersion(packageDir),
      tfjsCore: bundle.tfjsCoreVersion,
      tensorflow: run.record.tensorflowVersion,
    },
    onednn,
    cpuFeatures,
    filter: options.filter,
    includeIgnored: options.includeIgnored,
    complete: run.record.complete,
    specsDefined: run.record.specsDefined,
    counts: countResults(results),
    knownFailures: knownOutcomes(comparison, run.record.complete),
    unexpectedFailures: comparison.unexpected.map((r) => ({
      kind: r.kind,
      name: r.name,
      messages: r.failures,
    })),
    pending: results.filter((r) => r.status === "pending" && !r.ignoreListed && !r.filteredOut)
      .map((r) => r.name),
    ignoreList: options.includeIgnored
      ? {
        passed: comparison.ignoreListPassed.map((r) => r.name),
        failed: comparison.ignoreListFailed.map((r) => ({ name: r.name, messages: r.failures })),
      }
      : null,
    outputTail: run.record.complete ? null : run.outputTail,
    seconds: {
      bundle: bundle.seconds,
      tests: run.seconds,
      total: (performance.now() - t0) / 1000,
    },
  };
  if (options.json) console.log(JSON.stringify(summary, null, 2));
  else printSummary(summary);
  return summary.ok ? 0 : 1;
}

function knownOutcomes(c: Comparison, complete: boolean): KnownFailureOutcome[] {
  const outcome = (
    known: (typeof KNOWN_FAILURES)[number],
    outcome: KnownFailureOutcome["outcome"],
    results: readonly SpecResult[] = [],
  ): KnownFailureOutcome => ({ ...known, outcome, messages: results.flatMap((r) => r.failures) });
  return [
    ...c.stillFailing.map((m) => outcome(m.known, "still failing", m.results)),
    ...c.fixed.map((m) => outcome(m.known, "fixed")),
    ...c.notRun.map((k) => outcome(k, "not run")),
    ...c.missing.map((k) => outcome(k, complete ? "missing" : "not reached")),
    ...c.notApplicable.map((k) => outcome(k, "not applicable")),
  ];
}

function packageVersion(dir: string): string {
  return String(JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version);
}

function printSummary(s: ConformanceSummary): void {
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

function indent(lines: readonly string[], by: number): string[] {
  return lines.map((l) => " ".repeat(by) + l);
}

/** Word-wraps a paragraph to 100 columns, indented. */
function wrap(text: string, by: number, width = 100): string[] {
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

if (import.meta.main) {
  await runCli(main);
}
