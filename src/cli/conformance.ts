/**
 * `deno task conformance`: runs tfjs-core's own backend test suite against
 * the native `tensorflow` backend (tfjs-node on this project's
 * libtensorflow) under Deno, and fails on any failure that is not in the
 * known-failure list (`src/conformance/known_failures.ts`), or on a known
 * failure that passes again.
 *
 * This file parses the flags and prints; the run (bundle, child process,
 * verdict) is `src/conformance/run.ts`, the printed summary
 * `src/cli/_conformance_summary.ts`.
 *
 * @module
 */
import { LIST_FILE, runConformance } from "../conformance/run.ts";
import {
  applyOneDnnChoice,
  oneDnnVariableFromEnv,
  parseFlags,
  parseOneDnnChoice,
  parsePositiveInt,
  printHelp,
  runCli,
  UsageError,
} from "./_cli.ts";
import { printSummary } from "./_conformance_summary.ts";

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

/** The command line, parsed; `"help"` for `--help` (answered after the checks). */
function parseOptions() {
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
  if (options === "help") return printHelp(HELP);
  if (options.onednn !== undefined) applyOneDnnChoice(options.onednn); // the test process inherits it
  const summary = await runConformance({
    ...options,
    oneDnnVariable: oneDnnVariableFromEnv(),
    log: (line) => console.error(`conformance: ${line}`),
  });
  if (options.json) console.log(JSON.stringify(summary, null, 2));
  else printSummary(summary);
  return summary.ok ? 0 : 1;
}

if (import.meta.main) await runCli(main);
