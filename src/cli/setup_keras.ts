/**
 * `deno task setup-keras`: creates the Keras peer's Python virtual
 * environment from pinned versions (Keras 3.15.1 on tensorflow-cpu 2.21.0,
 * the libtensorflow backend's TensorFlow release). Idempotent.
 *
 * @module
 */
import { KERAS_PINS, kerasVenvDir, setupKeras } from "../peer/keras.ts";
import { cacheDirFromEnv, parseFlags, printHelp, runCli } from "./_cli.ts";

const HELP = `Usage: deno task setup-keras [options]

Creates the Python virtual environment of the Keras peer (deno task peer) with
${KERAS_PINS.tensorflow} and ${KERAS_PINS.keras}, from the package index pip
is configured to use. Does nothing when a working one exists.

Options:
  --python CMD   the Python 3 that creates it (default: $PYTHON or python3)
  -h, --help     show this help
`;

async function main(): Promise<number> {
  const { values } = parseFlags("setup-keras", {
    args: Deno.args,
    options: { python: { type: "string" }, help: { type: "boolean", short: "h", default: false } },
  });
  if (values.help) return printHelp(HELP);
  await setupKeras({
    venvDir: kerasVenvDir(cacheDirFromEnv()),
    python: values.python ?? Deno.env.get("PYTHON") ?? "python3",
    log: (line) => console.log(`setup-keras: ${line}`),
  });
  return 0;
}

if (import.meta.main) await runCli(main);
