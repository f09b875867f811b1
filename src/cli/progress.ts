/**
 * How `train-all` shows progress: a bar with the epoch's ETA on a terminal,
 * one line per epoch and per phase otherwise (evaluation, inference timing,
 * saving, per-op profiling and its summary), each with the time the whole run
 * has left; or JSON lines for programs.
 *
 * @module
 */
import type { ExperimentEvent } from "../train/experiment.ts";
import { profileLine } from "../measure/op_profile_line.ts";
import { formatDuration, RunClock } from "./_run_clock.ts";

/** Output modes. */
export type ProgressMode = "tty" | "lines" | "json";

/** The event of one type. */
type EventOf<T extends ExperimentEvent["type"]> = Extract<ExperimentEvent, { type: T }>;

/**
 * Returns the event handler for a mode; text goes to stderr, JSON lines to stdout.
 *
 * @param options.label What every epoch and final line names, e.g. `"tensorflow, tfjs"` (the
 *   backend and the engine). Default: none.
 */
export function progressReporter(
  mode: ProgressMode,
  options: { label?: string } = {},
): (event: ExperimentEvent) => void {
  const tag = options.label ? ` [${options.label}]` : "";
  const enc = new TextEncoder();
  const err = (s: string) => Deno.stderr.writeSync(enc.encode(s));
  const clear = mode === "tty" ? "\r\x1b[2K" : "";
  const clock = new RunClock();
  const runLeft = () => {
    const left = clock.secondsLeft();
    return left === undefined ? "" : `; run: about ${formatDuration(left)} left`;
  };
  let epochStart = performance.now();
  let lastDraw = 0;
  return (event) => {
    if (event.type === "run-start") clock.plan(event.models);
    if (event.type === "epoch") clock.epoch(event.model, event.record.trainSeconds);
    if (event.type === "phase") clock.postStart(performance.now());
    if (event.type === "model-done") clock.done(event.model, performance.now());
    if (mode === "json") {
      if (event.type !== "batch" && event.type !== "written") console.log(JSON.stringify(event));
      return;
    }
    switch (event.type) {
      case "model-start":
        err(modelStartLine(event));
        epochStart = performance.now();
        break;
      case "batch": {
        if (mode !== "tty") return;
        if (event.batch === 0) epochStart = performance.now();
        const now = performance.now();
        if (now - lastDraw < 200 && event.batch + 1 < event.batches) return;
        lastDraw = now;
        err(batchBar(event, (now - epochStart) / 1000) + `${runLeft()} `);
        break;
      }
      case "epoch":
        err(`${clear}${epochLine(event, tag)}${runLeft()}\n`);
        break;
      case "phase": {
        const what = {
          evaluate: "testing on",
          inference: "timing inference:",
          save: "saving to",
          profile: "profiling ops:",
        };
        err(`${clear}  ${event.model}: ${what[event.phase]} ${event.detail}\n`);
        break;
      }
      case "model-done":
        err(`${modelDoneLine(event, tag)}${runLeft()}\n`);
        if (event.run.profile) err(`  ${event.model}: ${profileLine(event.run.profile)}\n`);
        break;
      case "model-skip":
        err(`${event.model}: skipped (${event.reason})\n`);
        break;
      case "interrupted":
        err(`${clear}${event.model}: stopped after epoch ${event.epochs}\n`);
        break;
    }
  };
}

/** The line that starts a model: what it will do, over how many epochs. */
function modelStartLine(event: EventOf<"model-start">): string {
  if (event.epochs === 0) return `${event.model}: inference only (not trained)\n`;
  const what = event.fromEpoch > 1 ? `resuming at epoch ${event.fromEpoch}` : "training";
  return `${event.model}: ${what} (${event.epochs} epoch${event.epochs === 1 ? "" : "s"})\n`;
}

/** The progress bar of an epoch, `elapsed` seconds in, with its ETA. */
function batchBar(event: EventOf<"batch">, elapsed: number): string {
  const done = (event.batch + 1) / event.batches;
  const eta = done > 0 ? elapsed / done - elapsed : 0;
  const width = 30;
  const bar = "█".repeat(Math.round(done * width)).padEnd(width, "·");
  return `\r  epoch ${event.epoch} ${bar} ${(done * 100).toFixed(0).padStart(3)}%  ` +
    `${elapsed.toFixed(0)} s, epoch ETA ${eta.toFixed(0)} s`;
}

/** An epoch's time, speed, loss and accuracies. */
function epochLine(event: EventOf<"epoch">, tag: string): string {
  const r = event.record;
  const val = r.valAccuracy === null ? "" : `, val acc ${(r.valAccuracy * 100).toFixed(2)}%`;
  return `  epoch ${r.epoch}/${event.epochs}${tag}: ` +
    `${r.trainSeconds.toFixed(1)} s (${r.imagesPerSecond.toFixed(0)} img/s), ` +
    `loss ${r.loss.toFixed(4)}, acc ${(r.accuracy * 100).toFixed(2)}%${val}`;
}

/** A model's test accuracy and inference times. */
function modelDoneLine(event: EventOf<"model-done">, tag: string): string {
  const { test } = event.run;
  const { batch1, layers, batched } = event.run.inference!;
  const accuracy = test ? `test accuracy ${(test.accuracy * 100).toFixed(2)}%` : "not trained";
  const onBatch = layers ? ` (predictOnBatch ${layers.batch1.p50Ms.toFixed(2)} ms)` : "";
  return `${event.model}${tag}: ${accuracy}, batch-1 p50 ${
    batch1.p50Ms.toFixed(2)
  } ms${onBatch}, ` +
    `batch ${batched.batchSize}: ${batched.imagesPerSecond.toFixed(0)} img/s`;
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
