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
 * summary (`src/cli/_conformance_summary.ts`).
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { probeLibtensorflow, TFJS_NODE, tfjsNodePackageDir } from "../backends/libtensorflow.ts";
import { buildConformanceBundle } from "../conformance/bundle.ts";
import {
  compareWithKnown,
  type ConformanceVerdict,
  countResults,
  type SpecResult,
} from "../conformance/verdict.ts";
import { KNOWN_FAILURES } from "../conformance/known_failures.ts";
import { runConformanceChild } from "../conformance/runner.ts";
import { type OneDnnChoice, oneDnnState, readCpuFeatures } from "../backends/onednn.ts";
import {
  applyOneDnnChoice,
  oneDnnVariableFromEnv,
  parseFlags,
  parseOneDnnChoice,
  parsePositiveInt,
  runCli,
  UsageError,
} from "./_cli.ts";
import {
  type ConformanceSummary,
  type KnownFailureOutcome,
  LIST_FILE,
  printSummary,
} from "./_conformance_summary.ts";

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
  const options = {
    filter,
    includeIgnored: values["include-ignored"],
    timeoutSeconds: parsePositiveInt("--timeout", values.timeout),
    json: values.json,
    onednn: values.onednn === undefined ? undefined : parseOneDnnChoice(values.onednn),
  };
  return values.help ? "help" : options;
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
  const probe = await probeLibtensorflow("tensorflow", TFJS_NODE);
  const packageDir = tfjsNodePackageDir(TFJS_NODE);
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

function knownOutcomes(c: ConformanceVerdict, complete: boolean): KnownFailureOutcome[] {
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

if (import.meta.main) {
  await runCli(main);
}
