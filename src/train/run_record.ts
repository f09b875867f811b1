/**
 * A model's run record before it has run, and the cost figures it starts
 * with, as every place that runs or plans a model states them.
 *
 * @module
 */
import { countParams, forwardFlopsPerImage } from "../models/cost.ts";
import { getModelSpec, type ModelSpec } from "../models/spec.ts";
import type { RunRecord } from "../results/schema.ts";

/** Forward FLOPs per image of the model named `model`. */
export function modelFlops(model: string): number {
  return forwardFlopsPerImage(getModelSpec(model));
}

/** The record of `spec` on `backend` and `engine` before it has run: no epochs, test or inference yet. */
export function emptyRunRecord(spec: ModelSpec, backend: string, engine: string): RunRecord {
  return {
    model: spec.name,
    backend,
    engine,
    params: countParams(spec),
    flopsPerImage: forwardFlopsPerImage(spec),
    epochs: [],
    test: null,
    inference: null,
  };
}
