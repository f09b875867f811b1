/**
 * The process's resident memory on Linux, from the kernel's own counters:
 * `VmRSS` (now) and `VmHWM` (the peak) in `/proc/self/status`, and writing
 * `5` to `/proc/self/clear_refs` to reset the peak to the current resident
 * set, so phases are measured one after another in one process. Reading them
 * costs a file read and changes nothing the process does: nothing samples.
 *
 * @module
 */
import { join } from "node:path";
import type { Measured } from "./measures.ts";
import { notMeasured } from "./measures.ts";

/** Reads and resets the process's resident memory. */
export interface HostMemoryReader {
  /** Current resident set, bytes. */
  rss(): number;
  /** Peak resident set since the start or the last {@link resetPeak}, bytes. */
  peak(): number;
  /** Resets the peak to the current resident set. */
  resetPeak(): void;
}

/**
 * A reader of this process's resident memory, or why there is none (no
 * `/proc`, or a kernel that cannot reset the peak).
 *
 * @param options.procDir The process's proc folder. Default `/proc/self`.
 */
export function hostMemoryReader(options: { procDir?: string } = {}): Measured<HostMemoryReader> {
  const procDir = options.procDir ?? "/proc/self";
  const status = join(procDir, "status");
  const clearRefs = join(procDir, "clear_refs");
  const field = (name: "VmRSS" | "VmHWM"): number => {
    const text = Deno.readTextFileSync(status);
    const match = text.match(new RegExp(`^${name}:\\s+(\\d+)\\s+kB$`, "m"));
    if (!match) throw new Error(`${status}: expected a "${name}: N kB" line, got none`);
    return Number(match[1]) * 1024;
  };
  const reader: HostMemoryReader = {
    rss: () => field("VmRSS"),
    peak: () => field("VmHWM"),
    resetPeak: () => Deno.writeTextFileSync(clearRefs, "5"),
  };
  try {
    reader.peak();
    reader.resetPeak();
  } catch (error) {
    const why = error instanceof Deno.errors.NotFound
      ? `${status} or ${clearRefs} is absent (not Linux?)`
      : (error as Error).message;
    return notMeasured(`no resident-memory counters: ${why}`);
  }
  return reader;
}
