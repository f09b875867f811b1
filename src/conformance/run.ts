/**
 * A run of tfjs-core's own backend test suite against the native
 * `tensorflow` backend under Deno (`deno task conformance`): bundle
 * tfjs-node's harness with tfjs-core's tests into tfjs-node's `dist/`
 * (`bundle.ts`), run it in a child Deno process (`child.ts`, so a native
 * crash is reported, not fatal), compare its results with the known-failure
 * list (`verdict.ts`), and sum it up.
 *
 * @module
 */
import { probeLibtensorflow, TFJS_NODE, tfjsNodePackageDir } from "../backends/libtensorflow.ts";
import { type OneDnnState, oneDnnState, readCpuFeatures } from "../backends/onednn.ts";
import { buildConformanceBundle } from "./bundle.ts";
import { KNOWN_FAILURES, type KnownFailure } from "./known_failures.ts";
import { type RunChildOptions, runConformanceChild } from "./runner.ts";
import {
  compareWithKnown,
  countResults,
  type KnownMatch,
  type ResultCounts,
  type SpecResult,
} from "./verdict.ts";

/** The known-failure list, as the help text and the summary name it. */
export const LIST_FILE = "src/conformance/known_failures.ts";

/** How one known failure fared. */
export interface KnownFailureOutcome extends KnownFailure {
  /**
   * As the verdict says (`KNOWN_OUTCOMES`), except `not reached` for a `missing` one when the test
   * process died before it (the crash fails the run).
   */
  outcome: KnownMatch["outcome"] | "not reached";
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
  ignoreList: null | { passed: string[]; failed: { name: string; messages: string[] }[] };
  /** The end of the test process's output, when the run did not complete. */
  outputTail: string | null;
  seconds: { bundle: number; tests: number; total: number };
}

/** What a run is asked for: the test process's filter, ignore-list choice and time limit, and: */
export interface ConformanceOptions extends Omit<RunChildOptions, "bundle"> {
  /** `TF_ENABLE_ONEDNN_OPTS` as the test process inherits it. */
  oneDnnVariable: string | undefined;
  /** Prints a line of progress. */
  log: (line: string) => void;
}

/**
 * Runs the suite and sums it up.
 *
 * @throws {Error} When the tensorflow backend cannot run here.
 */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceSummary> {
  const t0 = performance.now();
  const cpuFeatures = await readCpuFeatures();
  const onednn = oneDnnState(cpuFeatures, options.oneDnnVariable);
  const probe = await probeLibtensorflow("tensorflow", TFJS_NODE);
  const packageDir = tfjsNodePackageDir(TFJS_NODE);
  if (!probe.available || packageDir === undefined) {
    throw new Error(`the tensorflow backend cannot run: ${probe.reason}`);
  }
  options.log("bundling tfjs-node's harness with tfjs-core's tests…");
  const bundle = await buildConformanceBundle(packageDir);
  options.log(
    `${bundle.testFiles} test files, ${(bundle.bytes / 1e6).toFixed(1)} MB ` +
      `(${bundle.written ? "written" : "unchanged"}: ${bundle.path}); running them…`,
  );
  const run = await runConformanceChild({ ...options, bundle: bundle.path });
  const { results } = run.record;
  const comparison = compareWithKnown(results, KNOWN_FAILURES, { onednn: onednn.enabled });
  return {
    ok: comparison.ok && run.record.complete,
    versions: {
      deno: Deno.version.deno,
      tfjsNode: TFJS_NODE.version,
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
    knownFailures: comparison.known.map(({ known, outcome, results }) => ({
      ...known,
      outcome: outcome === "missing" && !run.record.complete ? "not reached" : outcome,
      messages: results.flatMap((r) => r.failures),
    })),
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
    seconds: { bundle: bundle.seconds, tests: run.seconds, total: (performance.now() - t0) / 1000 },
  };
}
