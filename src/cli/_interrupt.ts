/**
 * Ctrl-C as every task answers it: the first SIGINT prints one line and
 * aborts a signal that the library code in flight watches (it stops after
 * the unit of work in flight and keeps what was measured); a second one
 * quits at once with exit code 130.
 *
 * @module
 */

/** A signal that the first Ctrl-C aborts, and the listener's removal. */
export interface Interruptible {
  /** Aborted by the first Ctrl-C, with the reason `Error("stopped by Ctrl-C")`. */
  signal: AbortSignal;
  /** Removes the SIGINT listener; call it when the work is done. */
  dispose(): void;
}

/**
 * Listens for Ctrl-C until {@link Interruptible.dispose}.
 *
 * @param label The task's name that starts the line, e.g. `"compare"`.
 * @param message What the task does on the first Ctrl-C (default: it stops
 *   after the step in flight).
 * @example
 * ```ts
 * import { interruptible } from "./_interrupt.ts";
 * const stop = interruptible("train-all", "stopping after the epoch in flight (Ctrl-C again to quit now)");
 * try {
 *   // … pass stop.signal to the work …
 * } finally {
 *   stop.dispose();
 * }
 * ```
 */
export function interruptible(
  label: string,
  message = "stopping after the step in flight (Ctrl-C again to quit now)",
): Interruptible {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) Deno.exit(130);
    console.error(`\n${label}: ${message}`);
    controller.abort(new Error("stopped by Ctrl-C"));
  };
  Deno.addSignalListener("SIGINT", onSigint);
  return {
    signal: controller.signal,
    dispose: () => Deno.removeSignalListener("SIGINT", onSigint),
  };
}
