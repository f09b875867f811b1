/**
 * What travels between the driver and a browser page: the job (JSON), the
 * data (bytes: each split's pixels then its labels, train, validation, test),
 * and the page's events (JSON, one POST each). Both sides import this module.
 *
 * @module
 */
import type { PageBackend, PageDevice } from "../backends/browser_page.ts";
import { IMAGE_PIXELS as PIXELS } from "../data/checksums.ts";
import type { DataSplit } from "../data/split.ts";
import type { EpochRecord, RunRecord } from "../results/schema.ts";
import type { InferenceTiming } from "../train/latency.ts";
import type { RunDescription } from "../train/run_description.ts";

/** A page's work: what `train-all` would run, on one browser backend. */
export interface BrowserJob {
  /** The suite's backend name, recorded in each run (e.g. `browser-wasm`). */
  backend: string;
  /** The TF.js backend the page sets up. */
  tfjsBackend: PageBackend;
  /** The run: models, epochs, batch size, seed, learning rate and the engine recorded (`tfjs`). */
  run: RunDescription;
  /** Validation accuracies whose time to reach is recorded. */
  targetAccuracies: number[];
  /** Images in each split of the data bytes. */
  counts: { train: number; validation: number; test: number };
  /** The inference measurement. */
  inference: InferenceTiming;
  /** Where the page's server has tfjs-backend-wasm's `.wasm` files (a URL prefix). */
  wasmPaths: string;
}

/** What a page reports, in order: its device, then each model's progress, then `done` (or `failed`). */
export type BrowserEvent =
  | { type: "device"; device: PageDevice; tfjs: string }
  | { type: "model-start"; model: string; epochs: number }
  | { type: "epoch"; model: string; record: EpochRecord; epochs: number }
  | { type: "phase"; model: string; phase: "inference" | "profile" }
  | { type: "model-done"; run: RunRecord; notTrained?: string }
  | { type: "done" }
  | { type: "failed"; message: string };

/** The data of a job as bytes: each split's pixels, then its labels. */
export function encodeJobData(
  splits: { train: DataSplit; validation: DataSplit; test: DataSplit },
): Promise<Uint8Array> {
  const parts = [splits.train, splits.validation, splits.test].flatMap((s) => [s.images, s.labels]);
  return new Blob(parts as BlobPart[]).bytes();
}

/**
 * The splits back from {@link encodeJobData}'s bytes.
 *
 * @throws {RangeError} When the bytes are not as long as the counts say.
 */
export function readJobData(
  bytes: Uint8Array,
  counts: BrowserJob["counts"],
): { train: DataSplit; validation: DataSplit; test: DataSplit } {
  const expected = (counts.train + counts.validation + counts.test) * (PIXELS + 1);
  if (bytes.length !== expected) {
    throw new RangeError(
      `the job's data: expected ${expected} bytes for ${counts.train}/${counts.validation}/${counts.test} images, got ${bytes.length}`,
    );
  }
  let at = 0;
  const split = (count: number): DataSplit => {
    const images = bytes.subarray(at, at + count * PIXELS);
    at += count * PIXELS;
    const labels = bytes.subarray(at, at + count);
    at += count;
    return { images, labels, count };
  };
  return {
    train: split(counts.train),
    validation: split(counts.validation),
    test: split(counts.test),
  };
}
