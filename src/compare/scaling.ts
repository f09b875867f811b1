/**
 * How training cost grows from model to model on one machine, backend and
 * engine, beside the growth of the models' FLOPs.
 *
 * @module
 */
import type { ComparisonRow } from "./row.ts";

/** How training cost grows from one model to the next, on one machine and backend. */
export interface ScalingRow {
  /** Machine name. */
  machine: string;
  /** Backend name. */
  backend: string;
  /** Engine name. */
  engine: string;
  /** Model name. */
  model: string;
  /** Forward FLOPs per image. */
  flopsPerImage: number;
  /** FLOPs per image over the smallest model's on the same machine, backend and engine. */
  flopsRatio: number;
  /** Training seconds per image over the smallest model's. */
  timeRatio: number;
  /** Training work done per second, counting a step as three forward passes. */
  trainingGflops: number;
}

/** The scaling rows of `rows`: each group of two or more measured models, against its smallest. */
export function scalingRows(rows: readonly ComparisonRow[]): ScalingRow[] {
  const groups = new Map<string, ComparisonRow[]>();
  for (const r of rows) {
    if (r.status !== "measured" || !r.imagesPerSecond || !r.flopsPerImage) continue;
    const key = `${r.machine}\u0000${r.backend}\u0000${r.engine}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const out: ScalingRow[] = [];
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const sorted = [...group].sort((a, b) => a.flopsPerImage! - b.flopsPerImage!);
    const first = sorted[0];
    for (const r of sorted) {
      out.push({
        machine: r.machine,
        backend: r.backend,
        engine: r.engine,
        model: r.model,
        flopsPerImage: r.flopsPerImage!,
        flopsRatio: r.flopsPerImage! / first.flopsPerImage!,
        timeRatio: first.imagesPerSecond! / r.imagesPerSecond!,
        trainingGflops: (3 * r.flopsPerImage! * r.imagesPerSecond!) / 1e9,
      });
    }
  }
  return out;
}
