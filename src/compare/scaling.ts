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
  const measured = rows.filter((r) =>
    r.status === "measured" && r.imagesPerSecond && r.flopsPerImage
  );
  const groups = Map.groupBy(measured, (r) => `${r.machine}\u0000${r.backend}\u0000${r.engine}`);
  return [...groups.values()].filter((g) => g.length >= 2).flatMap((group) => {
    const sorted = [...group].sort((a, b) => a.flopsPerImage! - b.flopsPerImage!);
    const first = sorted[0];
    return sorted.map((r) => ({
      machine: r.machine,
      backend: r.backend,
      engine: r.engine,
      model: r.model,
      flopsPerImage: r.flopsPerImage!,
      flopsRatio: r.flopsPerImage! / first.flopsPerImage!,
      timeRatio: first.imagesPerSecond! / r.imagesPerSecond!,
      trainingGflops: (3 * r.flopsPerImage! * r.imagesPerSecond!) / 1e9,
    }));
  });
}
