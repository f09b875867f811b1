/**
 * Whether shared libraries resolve: each one's `NEEDED` entries, as the
 * dynamic loader would find them (`ldd`, glibc's own answer, run paths
 * included). Used by `deno task setup` on the addon, libtensorflow and the
 * CUDA libraries, and by `doctor`.
 *
 * @module
 */
import { basename } from "node:path";
import { SetupError } from "./setup_tools.ts";
import { runQuiet } from "../_util/run_quiet.ts";

/**
 * Libraries that only an NVIDIA driver installs. A CUDA library that needs
 * one of them resolves on a machine with the driver; without it, that is the
 * driver's absence, not a broken set-up.
 */
export const DRIVER_LIBRARIES: readonly string[] = Object.freeze(["libcuda.so.1"]);

/** What `ldd` says of one library. */
export interface LibraryCheck {
  /** The library checked. */
  file: string;
  /** Its dependencies, by name, that do not resolve, driver libraries excluded. */
  missing: string[];
  /** The {@link DRIVER_LIBRARIES} it needs that do not resolve here. */
  missingDriver: string[];
  /** Each resolved dependency's name and path. */
  resolved: Record<string, string>;
}

/**
 * Runs `ldd` on each file and reports what does not resolve.
 *
 * @throws {SetupError} When `ldd` is missing or cannot read a file.
 */
export async function checkSharedLibraries(files: readonly string[]): Promise<LibraryCheck[]> {
  const checks: LibraryCheck[] = [];
  for (const file of files) {
    const out = await runQuiet("ldd", [file]);
    if (!out) {
      throw new SetupError(
        "missing tool: ldd (to check that the native libraries resolve); install glibc's ldd: apt-get install libc-bin",
      );
    }
    if (out.code !== 0) {
      throw new SetupError(
        `ldd ${file}: expected a shared library, got: ${out.stderr.trim() || out.stdout.trim()}`,
      );
    }
    checks.push({ file, ...parseLdd(out.stdout) });
  }
  return checks;
}

/** Parses `ldd`'s output: `name => path (addr)` or `name => not found`. */
export function parseLdd(text: string): Omit<LibraryCheck, "file"> {
  const missing: string[] = [];
  const missingDriver: string[] = [];
  const resolved: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = line.trim().match(/^(\S+) => (.+?)(?: \(0x[0-9a-f]+\))?$/);
    if (!m) continue;
    const [, name, target] = m;
    if (target === "not found") {
      (DRIVER_LIBRARIES.includes(name) ? missingDriver : missing).push(name);
    } else resolved[name] = target;
  }
  return { missing, missingDriver, resolved };
}

/**
 * One line on what does not resolve, e.g. `libfoo.so.1 needs libbar.so.2`,
 * or `undefined` when everything but the driver resolves.
 */
export function describeUnresolved(checks: readonly LibraryCheck[]): string | undefined {
  const broken = checks.filter((c) => c.missing.length > 0);
  if (broken.length === 0) return undefined;
  return broken.map((c) => `${basename(c.file)} needs ${c.missing.join(", ")}`).join("; ");
}
