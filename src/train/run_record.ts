/**
 * A model's run record before it has run, as the experiment and the browser
 * page start it.
 *
 * @module
 */
import { countParams, forwardFlopsPerImage } from "../models/cost.ts";
import type { ModelSpec } from "../models/spec.ts";
import type { RunRecord } from "../results/schema.ts";

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
