/**
 * The conformance child's report: one JSON event per line, appended as the
 * run goes, so that a crash loses nothing that was already reported. This
 * file defines the events and turns a (possibly cut-off) event log into the
 * run's results. Pure functions only.
 *
 * @module
 */
import type { SpecResult } from "./verdict.ts";

/** What the parent tells the child (its one command-line argument, as JSON). */
export interface ChildConfig {
  /** Absolute path of the bundled harness, inside tfjs-node's `dist/`. */
  bundle: string;
  /** Absolute path of the event log to append to. */
  events: string;
  /** Run only specs whose full name matches this regular expression; `null`: all. */
  filter: string | null;
  /** Also run the specs that the harness's `IGNORE_LIST` excludes. */
  includeIgnored: boolean;
}

/** One line of the child's event log. */
export type ChildEvent =
  | {
    type: "started";
    /** Specs jasmine found, run or not. */
    totalSpecsDefined: number;
    /** libtensorflow's version as the addon reports it, or `null` if it could not be read. */
    tensorflowVersion: string | null;
  }
  | { type: "specStarted"; id: string; name: string }
  | { type: "result"; id: string; result: SpecResult }
  | {
    type: "done";
    /** jasmine's `overallStatus`: `passed`, `failed` or `incomplete`. */
    overallStatus: string;
    incompleteReason: string | null;
  };

/** How the child process ended. */
export interface ChildExit {
  /** Exit code (`null` when killed by a signal). */
  code: number | null;
  /** The signal that ended it, e.g. `SIGSEGV`, or `null`. */
  signal: string | null;
  /** Whether the parent killed it for running past its time limit. */
  timedOut: boolean;
  /** The limit, for the message. */
  timeoutSeconds: number;
}

/** A run as read back from the event log: {@link collectRun}'s result. */
export interface ConformanceRun {
  /** libtensorflow's version, when the run got far enough to report it. */
  tensorflowVersion: string | null;
  /** Specs jasmine found, when the run got far enough to report it. */
  specsDefined: number | null;
  /**
   * Every reported result, plus a `failed` result for a spec the process
   * died in and a `run` result saying why the run is incomplete.
   */
  results: SpecResult[];
  /** Whether jasmine finished the run and the process then exited cleanly. */
  complete: boolean;
}

/**
 * Reads the event log of a run. A log cut off by a crash or a time-out is
 * fine: the spec that had started but not finished gets a `failed` result,
 * and a `run` result says how the process ended. A run that jasmine itself
 * calls incomplete (no specs found, say) gets a `run` result too.
 *
 * @param log The event log's text: one JSON {@link ChildEvent} per line; a
 *   last line that is cut short is ignored.
 * @throws {Error} When a complete line is not a valid event (naming the line).
 */
export function collectRun(log: string, exit: ChildExit): ConformanceRun {
  const lines = log.split("\n");
  const cutShort = !log.endsWith("\n") ? lines.pop() : undefined;
  let tensorflowVersion: string | null = null;
  let specsDefined: number | null = null;
  let done: Extract<ChildEvent, { type: "done" }> | undefined;
  const running = new Map<string, string>();
  const results: SpecResult[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    const event = parseEvent(line, i + 1);
    if (event.type === "started") {
      tensorflowVersion = event.tensorflowVersion;
      specsDefined = event.totalSpecsDefined;
    } else if (event.type === "specStarted") {
      running.set(event.id, event.name);
    } else if (event.type === "result") {
      running.delete(event.id);
      results.push(event.result);
    } else {
      done = event;
    }
  });
  const ended = exitText(exit);
  const cleanExit = exit.code === 0 && exit.signal === null && !exit.timedOut;
  const finished = results.filter((r) => r.kind === "spec").length;
  for (const name of running.values()) {
    results.push(failure("spec", name, `the test process ${ended} while this spec was running`));
  }
  if (!done || !cleanExit) {
    const where = specsDefined === null
      ? "before any spec ran"
      : `after ${finished} of ${specsDefined} specs had finished`;
    const partial = cutShort ? "; its last report line was cut short" : "";
    results.push(failure("run", RUN, `the test process ${ended} ${where}${partial}`));
  } else if (done.overallStatus === "incomplete") {
    results.push(
      failure("run", RUN, `jasmine reports the run incomplete: ${done.incompleteReason}`),
    );
  }
  return { tensorflowVersion, specsDefined, results, complete: !!done && cleanExit };
}

/** The name of a result about the whole run. */
const RUN = "(the test run)";

function failure(kind: SpecResult["kind"], name: string, message: string): SpecResult {
  return {
    kind,
    name,
    status: "failed",
    failures: [message],
    ignoreListed: false,
    filteredOut: false,
    durationMs: null,
  };
}

function exitText(exit: ChildExit): string {
  if (exit.timedOut) return `ran past the ${exit.timeoutSeconds} s time limit and was killed`;
  if (exit.signal !== null) return `was killed by ${exit.signal}`;
  if (exit.code === 0) return "exited without finishing the run";
  return `exited with code ${exit.code}`;
}

const EVENT_TYPES = new Set(["started", "specStarted", "result", "done"]);

function parseEvent(line: string, lineNumber: number): ChildEvent {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    throw new Error(
      `conformance event log, line ${lineNumber}: expected JSON, got ${
        JSON.stringify(line.slice(0, 80))
      } (${(err as Error).message})`,
    );
  }
  const type = (value as { type?: unknown } | null)?.type;
  if (typeof type !== "string" || !EVENT_TYPES.has(type)) {
    throw new Error(
      `conformance event log, line ${lineNumber}: expected an event with type ` +
        `${[...EVENT_TYPES].join("/")}, got type ${JSON.stringify(type)}`,
    );
  }
  return value as ChildEvent;
}
