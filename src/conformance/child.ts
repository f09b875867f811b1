/**
 * The conformance child process: loads the bundled tfjs-node harness
 * (`dist/run_tests.js` with tfjs-core's tests) and reports every spec as a
 * JSON line (see `events.ts`). Run by `runConformanceChild`, which reads the
 * log back; a native crash kills only this process.
 *
 * Before the harness loads, this installs the `node:util` shim tfjs-node
 * needs under Deno and wraps jasmine's `execute` so that, when the harness
 * starts the run, the event reporter replaces the console reporter and the
 * harness's spec filter (its `IGNORE_LIST`) is combined with `--filter`. The
 * harness itself is run unchanged.
 *
 * Usage: `deno run -A child.ts '<ChildConfig as JSON>'`
 *
 * @module
 */
import { createRequire } from "node:module";
import { installNodeUtilShim } from "../backends/node_util_shim.ts";
import type { SpecResult, SpecStatus } from "./verdict.ts";
import type { ChildConfig, ChildEvent } from "./events.ts";

/** The parts of a jasmine spec a spec filter sees. */
interface JasmineSpec {
  id: string;
  getFullName(): string;
}

type SpecFilter = (spec: JasmineSpec) => boolean;

interface JasmineEnv {
  configuration(): { specFilter?: SpecFilter };
  configure(config: { specFilter: SpecFilter }): void;
}

/** An instance of the `jasmine` npm package's runner class. */
interface JasmineRunner {
  env: JasmineEnv;
  exitOnCompletion: boolean;
  clearReporters(): void;
  addReporter(reporter: Reporter): void;
}

interface JasmineRunnerClass {
  prototype: { execute(this: JasmineRunner, ...args: unknown[]): Promise<unknown> };
}

interface Expectation {
  message: string;
}

interface SpecOrSuiteResult {
  id: string;
  fullName: string;
  status: string;
  failedExpectations: Expectation[];
  duration?: number | null;
}

interface Reporter {
  jasmineStarted(info: { totalSpecsDefined: number }): void;
  specStarted(result: SpecOrSuiteResult): void;
  specDone(result: SpecOrSuiteResult): void;
  suiteDone(result: SpecOrSuiteResult): void;
  jasmineDone(
    result: { overallStatus: string; incompleteReason?: string; failedExpectations: Expectation[] },
  ): void;
}

/** Longest failure message kept; tfjs's array diffs can be huge. */
const MAX_MESSAGE_CHARS = 4000;

function main(config: ChildConfig): void {
  installNodeUtilShim();
  const log = openEventLog(config.events);
  const filter = config.filter === null ? null : new RegExp(config.filter);
  // Resolved from the bundle's folder, so that this is the module the harness gets.
  const require = createRequire(config.bundle);
  const Jasmine = require("jasmine") as JasmineRunnerClass;
  const execute = Jasmine.prototype.execute;
  Jasmine.prototype.execute = async function (this: JasmineRunner, ...args: unknown[]) {
    const ignoreListed = new Set<string>();
    const filteredOut = new Set<string>();
    const harnessFilter: SpecFilter = this.env.configuration().specFilter ?? (() => true);
    this.env.configure({
      specFilter: (spec) => {
        if (filter && !filter.test(spec.getFullName())) {
          filteredOut.add(spec.id);
          return false;
        }
        if (harnessFilter(spec)) return true;
        ignoreListed.add(spec.id);
        return config.includeIgnored;
      },
    });
    this.clearReporters();
    this.addReporter(eventReporter(log, ignoreListed, filteredOut));
    this.exitOnCompletion = false;
    await execute.apply(this, args);
    Deno.exit(0);
  };
  require(config.bundle);
}

function eventReporter(
  log: (event: ChildEvent) => void,
  ignoreListed: ReadonlySet<string>,
  filteredOut: ReadonlySet<string>,
): Reporter {
  // A suite's or the run's own result is always a failure, and never filtered.
  const result = (kind: SpecResult["kind"], r: SpecOrSuiteResult): SpecResult => ({
    kind,
    name: r.fullName,
    status: kind === "spec" ? r.status as SpecStatus : "failed",
    failures: r.failedExpectations.map(message),
    ignoreListed: kind === "spec" && ignoreListed.has(r.id),
    filteredOut: kind === "spec" && filteredOut.has(r.id),
    durationMs: r.duration ?? null,
  });
  return {
    jasmineStarted(info) {
      log({
        type: "started",
        totalSpecsDefined: info.totalSpecsDefined,
        tensorflowVersion: tensorflowVersion(),
      });
    },
    specStarted(r) {
      log({ type: "specStarted", id: r.id, name: r.fullName });
    },
    specDone(r) {
      log({ type: "result", id: r.id, result: result("spec", r) });
    },
    suiteDone(r) {
      if (r.failedExpectations.length > 0) {
        log({ type: "result", id: r.id, result: result("suite", r) });
      }
    },
    jasmineDone(r) {
      if (r.failedExpectations.length > 0) {
        const top = { ...r, id: "top", fullName: "(top level)", status: "failed" };
        log({ type: "result", id: "top", result: result("run", top) });
      }
      log({
        type: "done",
        overallStatus: r.overallStatus,
        incompleteReason: r.incompleteReason ?? null,
      });
    },
  };
}

function message(e: Expectation): string {
  const text = String(e.message);
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text;
}

/** libtensorflow's version from the engine tfjs-core keeps on the global object. */
function tensorflowVersion(): string | null {
  const engine = (globalThis as {
    _tfengine?: { registry?: Record<string, { binding?: { TF_Version?: unknown } }> };
  })._tfengine;
  const version = engine?.registry?.tensorflow?.binding?.TF_Version;
  return typeof version === "string" ? version : null;
}

/** Opens the event log for appending; each event is written synchronously, whole. */
function openEventLog(path: string): (event: ChildEvent) => void {
  const file = Deno.openSync(path, { append: true, create: true });
  const encoder = new TextEncoder();
  return (event) => {
    const bytes = encoder.encode(JSON.stringify(event) + "\n");
    let written = 0;
    while (written < bytes.length) written += file.writeSync(bytes.subarray(written));
  };
}

if (import.meta.main) {
  const [arg] = Deno.args;
  if (arg === undefined) {
    throw new Error("conformance child: expected one argument, a ChildConfig as JSON; got none");
  }
  main(JSON.parse(arg) as ChildConfig);
}
