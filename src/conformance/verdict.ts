/**
 * What a conformance run produced, and how it is judged against the list of
 * known failures. Pure functions only: no I/O, no TensorFlow.
 *
 * @module
 */
import type { KnownFailure } from "./known_failures.ts";

/** How jasmine ended a spec. `excluded`: filtered out, not run. */
export type SpecStatus = "passed" | "failed" | "pending" | "excluded";

/**
 * One reported result. Most are specs; a failure outside any spec (an
 * `afterAll` error, a suite that could not load, an error between specs, a
 * crash) is reported as a `suite` or `run` result so that it is never lost.
 */
export interface SpecResult {
  /** `spec`: one `it`; `suite`: a `describe`'s own error; `run`: the whole run's. */
  kind: "spec" | "suite" | "run";
  /** Full jasmine name (describe names and the spec name, space-separated). */
  name: string;
  status: SpecStatus;
  /** One message per failed expectation or error; empty unless `failed`. */
  failures: string[];
  /** Excluded by tfjs-node's harness (`IGNORE_LIST` in `dist/run_tests.js`). */
  ignoreListed: boolean;
  /** Excluded by the caller's `--filter`. */
  filteredOut: boolean;
  /** Milliseconds the spec took, where jasmine measured it. */
  durationMs: number | null;
}

/**
 * How a known failure fared, in the order a verdict lists them. `still failing`: it failed
 * again, as expected. `fixed`: it passed, so the list is out of date; this fails the run.
 * `not run`: left out by the caller's filter, not judged. `missing`: in no result, or excluded
 * by the harness, or pending: the list names a spec this suite does not run; this fails the
 * run. `not applicable`: its condition (`when`) does not hold in this run, so its spec is
 * judged like any other, and a failure of it is unexpected.
 */
export const KNOWN_OUTCOMES = [
  "still failing",
  "fixed",
  "not run",
  "missing",
  "not applicable",
] as const;

/** A known failure, how it fared, and the results that matched it (the failed ones, if any). */
export interface KnownMatch {
  known: KnownFailure;
  outcome: typeof KNOWN_OUTCOMES[number];
  results: SpecResult[];
}

/** The verdict on a run: {@link compareWithKnown}'s result. */
export interface ConformanceVerdict {
  /** `true` when there are no unexpected failures, no fixed and no missing known failures. */
  ok: boolean;
  /** Every known failure, grouped by outcome in the order of {@link KNOWN_OUTCOMES}. */
  known: KnownMatch[];
  /** Failures that are not on the list (ignore-listed specs excepted). These fail the run. */
  unexpected: SpecResult[];
  /** Ignore-listed specs that were run anyway (experiment) and failed. Never judged. */
  ignoreListFailed: SpecResult[];
  /** Ignore-listed specs that were run anyway (experiment) and passed. Never judged. */
  ignoreListPassed: SpecResult[];
}

/**
 * Compares a run's results with the known failures.
 *
 * A failure is expected when a known failure names it exactly. An
 * ignore-listed spec that was run anyway is reported but never judged, since
 * the harness's list defines the suite. The run is `ok` only when every
 * failure is expected and every known failure that was not filtered out ran
 * and failed again. A known failure with a condition (`when`) that does not
 * hold in `context` is set aside as not applicable, and its spec judged like
 * any other.
 *
 * @param context What the run's process had: whether oneDNN was on.
 * @throws {Error} When `known` names one spec twice, or has a condition and
 *   `context` does not say whether oneDNN was on.
 */
export function compareWithKnown(
  results: readonly SpecResult[],
  allKnown: readonly KnownFailure[],
  context: { onednn?: boolean } = {},
): ConformanceVerdict {
  const applies = (k: KnownFailure) => !k.when || k.when.onednn === context.onednn;
  for (const k of allKnown) {
    if (k.when && context.onednn === undefined) {
      const spec = JSON.stringify(k.spec);
      throw new Error(`known failures: ${spec} depends on oneDNN; expected the run's oneDNN state`);
    }
  }
  const twice = allKnown.find((k, i) => allKnown.findIndex((x) => x.spec === k.spec) !== i);
  if (twice) throw new Error(`known failures: spec ${JSON.stringify(twice.spec)} is listed twice`);
  const expected = new Set(allKnown.filter(applies).map((k) => k.spec));
  const resultsByName = new Map<string, SpecResult[]>();
  const unexpected: SpecResult[] = [];
  const ignoreListFailed: SpecResult[] = [];
  const ignoreListPassed: SpecResult[] = [];
  for (const r of results) {
    resultsByName.set(r.name, [...(resultsByName.get(r.name) ?? []), r]);
    if (r.ignoreListed && r.status === "failed") ignoreListFailed.push(r);
    else if (r.ignoreListed && r.status === "passed") ignoreListPassed.push(r);
    else if (r.status === "failed" && !expected.has(r.name)) unexpected.push(r);
  }
  const known = allKnown.map((k): KnownMatch => {
    if (!applies(k)) return { known: k, outcome: "not applicable", results: [] };
    const matched = (resultsByName.get(k.spec) ?? []).filter((r) => !r.ignoreListed);
    const failed = matched.filter((r) => r.status === "failed");
    const outcome = failed.length > 0
      ? "still failing"
      : matched.some((r) => r.status === "passed")
      ? "fixed"
      : matched.length > 0 && matched.every((r) => r.filteredOut)
      ? "not run"
      : "missing";
    return { known: k, outcome, results: failed.length > 0 ? failed : matched };
  }).sort((a, b) => KNOWN_OUTCOMES.indexOf(a.outcome) - KNOWN_OUTCOMES.indexOf(b.outcome));
  const failing = known.some((m) => m.outcome === "fixed" || m.outcome === "missing");
  return {
    ok: unexpected.length === 0 && !failing,
    known,
    unexpected,
    ignoreListFailed,
    ignoreListPassed,
  };
}

/** How many specs ended which way: {@link countResults}'s result. */
export interface ResultCounts {
  /** Specs jasmine knew of, run or not. */
  specs: number;
  /** Specs that ran (passed + failed). */
  ran: number;
  passed: number;
  failed: number;
  /** Specs marked pending by the test code (`xit`, `pending()`). */
  pending: number;
  /** Specs excluded by tfjs-node's `IGNORE_LIST`. */
  ignoreListed: number;
  /** Specs excluded by the caller's filter. */
  filteredOut: number;
  /** Specs excluded for another reason (a focused `fit`/`fdescribe` elsewhere). */
  excludedOther: number;
  /** Failures outside any spec (suite-level errors, a crash). */
  otherFailures: number;
}

/**
 * Counts a run's results. An ignore-listed spec run anyway counts under
 * `ignoreListed` and not under `ran`, `passed` or `failed`, so the counts
 * describe the harness's suite in either mode.
 */
export function countResults(results: readonly SpecResult[]): ResultCounts {
  const specs = results.filter((r) => r.kind === "spec");
  const judged = specs.filter((r) => !r.filteredOut && !r.ignoreListed);
  const count = (status: SpecStatus) => judged.filter((r) => r.status === status).length;
  const [passed, failed, pending] = [count("passed"), count("failed"), count("pending")];
  return {
    specs: specs.length,
    ran: passed + failed,
    passed,
    failed,
    pending,
    ignoreListed: specs.filter((r) => !r.filteredOut && r.ignoreListed).length,
    filteredOut: specs.filter((r) => r.filteredOut).length,
    excludedOther: judged.length - passed - failed - pending,
    otherFailures: results.filter((r) => r.kind !== "spec" && r.status === "failed").length,
  };
}
