/**
 * How `train-all` shows progress: a bar with an ETA on a terminal, one line
 * per epoch otherwise, or JSON lines for programs.
 *
 * @module
 */
import type { ExperimentEvent } from "../train/experiment.ts";

/** Output modes. */
export type ProgressMode = "tty" | "lines" | "json";

/** Options for {@link progressReporter}. */
export interface ProgressOptions {
  /**
   * What every epoch and final line names, e.g. `"tensorflow, tfjs"` (the
   * backend and the engine). Default: none.
   */
  label?: string;
}

/** Returns the event handler for a mode; text goes to stderr, JSON lines to stdout. */
export function progressReporter(
  mode: ProgressMode,
  options: ProgressOptions = {},
): (event: ExperimentEvent) => void {
  const tag = options.label ? ` [${options.label}]` : "";
  const enc = new TextEncoder();
  const err = (s: string) => Deno.stderr.writeSync(enc.encode(s));
  let epochStart = performance.now();
  let lastDraw = 0;
  return (event) => {
    if (mode === "json") {
      if (event.type !== "batch") console.log(JSON.stringify(event));
      return;
    }
    switch (event.type) {
      case "model-start":
        err(
          `${event.model}: ${
            event.fromEpoch > 1 ? `resuming at epoch ${event.fromEpoch}` : "training"
          } (${event.epochs} epoch${event.epochs === 1 ? "" : "s"})\n`,
        );
        epochStart = performance.now();
        break;
      case "batch": {
        if (mode !== "tty") return;
        if (event.batch === 0) epochStart = performance.now();
        const now = performance.now();
        if (now - lastDraw < 200 && event.batch + 1 < event.batches) return;
        lastDraw = now;
        const done = (event.batch + 1) / event.batches;
        const elapsed = (now - epochStart) / 1000;
        const eta = done > 0 ? elapsed / done - elapsed : 0;
        const width = 30;
        const bar = "█".repeat(Math.round(done * width)).padEnd(width, "·");
        err(
          `\r  epoch ${event.epoch} ${bar} ${(done * 100).toFixed(0).padStart(3)}%  ` +
            `${elapsed.toFixed(0)} s, ETA ${eta.toFixed(0)} s `,
        );
        break;
      }
      case "epoch": {
        const r = event.record;
        const val = r.valAccuracy === null ? "" : `, val acc ${(r.valAccuracy * 100).toFixed(2)}%`;
        err(
          `${mode === "tty" ? "\r\x1b[2K" : ""}  epoch ${r.epoch}/${event.epochs}${tag}: ` +
            `${r.trainSeconds.toFixed(1)} s (${r.imagesPerSecond.toFixed(0)} img/s), ` +
            `loss ${r.loss.toFixed(4)}, acc ${(r.accuracy * 100).toFixed(2)}%${val}\n`,
        );
        break;
      }
      case "model-done": {
        const { test, inference } = event.run;
        err(
          `${event.model}${tag}: test accuracy ${(test!.accuracy * 100).toFixed(2)}%, ` +
            `batch-1 p50 ${inference!.batch1.p50Ms.toFixed(2)} ms` +
            (inference!.layers
              ? ` (predictOnBatch ${inference!.layers.batch1.p50Ms.toFixed(2)} ms), `
              : ", ") +
            `batch ${inference!.batched.batchSize}: ${
              inference!.batched.imagesPerSecond.toFixed(0)
            } img/s\n`,
        );
        break;
      }
      case "model-skip":
        err(`${event.model}: skipped (${event.reason})\n`);
        break;
      case "interrupted":
        err(
          `${
            mode === "tty" ? "\r\x1b[2K" : ""
          }${event.model}: stopped after epoch ${event.epochs}\n`,
        );
        break;
    }
  };
}

/**
 * Download progress for a terminal (a line per file, redrawn in place), or
 * `undefined` when stderr is not a terminal.
 */
export function downloadProgress():
  | ((file: string, received: number, total: number | undefined) => void)
  | undefined {
  if (!Deno.stderr.isTerminal()) return undefined;
  const enc = new TextEncoder();
  return (file, received, total) => {
    const mb = (n: number) => (n / 2 ** 20).toFixed(1);
    const of = total ? ` of ${mb(total)} MiB (${((100 * received) / total).toFixed(0)}%)` : " MiB";
    Deno.stderr.writeSync(enc.encode(`\r\x1b[2Kdownloading ${file}: ${mb(received)}${of}`));
    if (total !== undefined && received >= total) Deno.stderr.writeSync(enc.encode("\n"));
  };
}
