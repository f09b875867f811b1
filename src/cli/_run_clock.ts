/**
 * The time a `train-all` run has left, as its progress lines give it, and
 * how a duration is written there.
 *
 * @module
 */
import type { PlannedModel } from "../train/experiment.ts";

/**
 * The time left in a run, from its measured epoch times: a model's epochs
 * still to train cost its own mean epoch time once it has one, and before
 * that the time per FLOP of the model measured last (the nearest in size)
 * times its FLOPs; each model's evaluation and timing costs the share of
 * the work after training measured so far, per FLOP (a third of an epoch
 * until the first model has measured it). `undefined` before the first
 * epoch.
 */
export class RunClock {
  #left = new Map<string, { epochs: number; flops: number; seconds: number; measured: number }>();
  #lastRate: number | undefined;
  #postSeconds = 0;
  #postFlops = 0;
  #postStart: number | undefined;

  /** Takes the run's plan (the `run-start` event). */
  plan(models: readonly PlannedModel[]): void {
    for (const m of models) {
      if (m.complete) continue;
      this.#left.set(m.model, {
        epochs: m.epochsLeft,
        flops: m.flopsPerImage,
        seconds: 0,
        measured: 0,
      });
    }
  }

  /** Counts a trained epoch of `model`, which took `seconds`. */
  epoch(model: string, seconds: number): void {
    const m = this.#left.get(model);
    if (!m) return;
    m.epochs = Math.max(0, m.epochs - 1);
    m.seconds += seconds;
    m.measured++;
    this.#lastRate = m.seconds / m.measured / m.flops;
  }

  /** Marks the start of the work after training (its first phase); `now` in milliseconds. */
  postStart(now: number): void {
    this.#postStart ??= now;
  }

  /** Counts `model` as done; `now` in milliseconds (`performance.now()`). */
  done(model: string, now: number): void {
    const m = this.#left.get(model);
    if (m && this.#postStart !== undefined) {
      this.#postSeconds += (now - this.#postStart) / 1000;
      this.#postFlops += m.flops;
    }
    this.#postStart = undefined;
    this.#left.delete(model);
  }

  /** Seconds left in the whole run, or `undefined` until an epoch has been measured. */
  secondsLeft(): number | undefined {
    const rate = this.#lastRate;
    if (rate === undefined) return undefined;
    const postRate = this.#postFlops > 0 ? this.#postSeconds / this.#postFlops : rate / 3;
    let left = 0;
    for (const m of this.#left.values()) {
      const epoch = m.measured > 0 ? m.seconds / m.measured : rate * m.flops;
      left += m.epochs * epoch + m.flops * postRate;
    }
    return left;
  }
}

/** Seconds as `42 s`, `3 min 05 s` or `1 h 02 min`. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.round((s % 3600) / 60)).padStart(2, "0")} min`;
}
