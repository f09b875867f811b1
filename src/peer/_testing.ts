/**
 * Helpers for the peer module's tests: the recorded runs of both sides in
 * `fixtures/peer/`, and the same TF.js runs made over as the `native`
 * engine's. Not part of the public API.
 *
 * @module
 */
import { join } from "node:path";
import { validateResults } from "../results/schema.ts";
import type { PeerRun } from "./side_summary.ts";

const FIXTURES = new URL("../../fixtures/peer/", import.meta.url).pathname;

/** The recorded runs of model1: two of each side. */
export async function recordedRuns(): Promise<PeerRun[]> {
  const runs: PeerRun[] = [];
  for (const side of ["tfjs", "keras"] as const) {
    for (const repeat of [1, 2]) {
      const path = join(FIXTURES, `model1-${side}-${repeat}`, "results.json");
      const results = validateResults(JSON.parse(await Deno.readTextFile(path)), path);
      runs.push({ model: "model1", side, repeat, results });
    }
  }
  return runs;
}

/** The recorded TF.js runs as the `native` engine's (schema 2), `factor` times as fast. */
export async function nativeRuns(factor: number): Promise<PeerRun[]> {
  return (await recordedRuns()).filter((r) => r.side === "tfjs").map((r) => {
    const results = structuredClone(r.results);
    results.schemaVersion = 2;
    Object.assign(results.config, {
      engine: "native",
      trainStep: "native",
      inferencePath: "native",
      nativeGradients: ["Relu", "MaxPool"],
      nativeKernels: ["FusedConv2D"],
    });
    for (const e of results.runs[0].epochs) e.trainSeconds /= factor;
    results.runs[0].engine = "native";
    return { ...r, results };
  });
}
