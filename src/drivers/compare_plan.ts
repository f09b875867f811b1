/**
 * What `deno task compare` runs: which backends and engines (the flags
 * checked against each other), and, once each backend has been probed, one
 * planned `train-all` run per backend × engine × model, or a skipped row
 * with the reason for a backend that cannot run here. Pure: no probing, no
 * I/O.
 *
 * @module
 */
import { DENO_BACKEND_NAMES, getBackendSpec } from "../backends/registry.ts";
import type { ProbeResult } from "../backends/types.ts";
import { forwardFlopsPerImage } from "../models/cost.ts";
import { getModelSpec } from "../models/spec.ts";
import type { SkippedRun } from "../compare/row.ts";
import {
  COMPARED_ENGINES,
  type EngineName,
  engineRunsOn,
  type EngineSpec,
  getEngineSpec,
} from "../engines/registry.ts";
import { UsageError } from "../_util/usage_error.ts";

/** A short run on a slow backend: its defaults. */
export const SHORT_RUN = Object.freeze({
  /** Training (and validation and test) images when `--short-train-size` is not given. */
  trainSize: 64,
  /** Epochs at most. */
  maxEpochs: 2,
  /** The inference batch at most. */
  inferenceBatchSize: 64,
});

/** One `train-all` run of the comparison. */
export interface PlannedRun {
  backend: string;
  engine: EngineName;
  model: string;
  /** Set for a slow backend when `--train-size` was not given: its images (training, validation
   * and test alike) and epochs (at most 2). */
  short: { trainSize: number; epochs: number } | null;
  /** The backend runs on a software adapter (`--allow-fallback` is passed). */
  software: boolean;
}

/** The backends and engines to compare, and the backends left out. */
export interface Selection {
  backends: string[];
  engines: EngineSpec[];
  /** Defaulted backends that run none of the engines. */
  leftOut: string[];
}

/**
 * Checks `--backends` against the engines: each engine named must run on a
 * backend listed, and a backend named must run an engine. A backend that was
 * only defaulted and runs none of the engines is left out.
 *
 * @param backendsFlag `--backends` as typed; `undefined`: every backend that runs in Deno
 *   (the browser backends are run when named).
 * @param enginesFlag The engines named, with their flag; `undefined`: `COMPARED_ENGINES`.
 * @throws {UsageError} One line naming the flags that do not fit together.
 */
export function selectBackends(
  backendsFlag: string | undefined,
  enginesFlag: { flag: string; list: EngineSpec[] } | undefined,
): Selection {
  const listed = backendsFlag === undefined
    ? [...DENO_BACKEND_NAMES]
    : parseBackendList(backendsFlag);
  const flag = enginesFlag?.flag ?? "--engines";
  const engines = enginesFlag?.list ?? COMPARED_ENGINES.map(getEngineSpec);
  for (const e of enginesFlag ? engines : []) {
    if (!listed.some((b) => engineRunsOn(e, b))) {
      throw new UsageError(
        `${flag} ${e.name} runs on ${e.backends.join(", ")}, not ${
          listed.join(", ")
        }; add one of those to --backends, or drop ${e.name}`,
      );
    }
  }
  const idle = listed.filter((b) => !engines.some((e) => engineRunsOn(e, b)));
  if (idle.length > 0 && backendsFlag !== undefined) {
    throw new UsageError(
      `--backends ${idle.join(",")}: none of ${flag} ${
        engines.map((e) => e.name).join(",")
      } runs there; add tfjs to ${flag}, or drop ${idle.join(", ")} from --backends`,
    );
  }
  return { backends: listed.filter((b) => !idle.includes(b)), engines, leftOut: idle };
}

/** Parses `--backends`: registered names, comma-separated, without repeats. */
function parseBackendList(value: string): string[] {
  const items = value.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (items.length === 0) {
    throw new UsageError(`--backends: expected a comma-separated list, got ""`);
  }
  const out: string[] = [];
  for (const item of items) {
    try {
      const name = getBackendSpec(item).name;
      if (!out.includes(name)) out.push(name);
    } catch (err) {
      throw new UsageError(`--backends: ${(err as Error).message}`);
    }
  }
  return out;
}

/** What {@link planRuns} needs. */
export interface PlanOptions {
  backends: readonly string[];
  engines: readonly EngineSpec[];
  models: readonly string[];
  /** Each backend's probe, run in a child process. */
  probes: ReadonlyMap<string, ProbeResult>;
  /** `--epochs`. */
  epochs: number;
  /** `--train-size`; when given, slow backends run it too. */
  trainSize: number | undefined;
  /** `--short-train-size`: images per epoch on slow backends otherwise. */
  shortTrainSize: number;
  /** The machine's name, for skipped rows. */
  machine: string;
}

/**
 * Plans the runs: backend by backend, every engine that runs there and
 * every model. A backend that is unavailable or fell back to the CPU gives
 * skipped rows with the probe's reason; a slow one (the pure-JS `cpu`, or
 * WebGPU on a software adapter) a short run, unless `--train-size` was given.
 *
 * @returns The runs, the skipped rows, and one line per backend saying what it will do.
 */
export function planRuns(
  options: PlanOptions,
): { plan: PlannedRun[]; skipped: SkippedRun[]; lines: string[] } {
  const { engines, models, epochs, trainSize, shortTrainSize, machine } = options;
  const plan: PlannedRun[] = [];
  const skipped: SkippedRun[] = [];
  const lines: string[] = [];
  for (const b of options.backends) {
    const on = engines.filter((e) => engineRunsOn(e, b));
    const probe = options.probes.get(b);
    if (!probe) throw new TypeError(`${b}: expected a probe result, got none`);
    const device = probe.device;
    if (!probe.available || device?.fellBackToCpu) {
      const status = device?.fellBackToCpu ? "fell-back" : "unavailable";
      lines.push(
        `${b}: ${
          status === "fell-back" ? "fell back to the CPU" : "not available"
        }: ${probe.reason}`,
      );
      for (const model of models) {
        for (const engine of on) {
          skipped.push({
            machine,
            model,
            backend: b,
            engine: engine.name,
            status,
            reason: probe.reason,
            device: device?.description ?? null,
            flopsPerImage: forwardFlopsPerImage(getModelSpec(model)),
          });
        }
      }
      continue;
    }
    const software = device?.isFallbackAdapter === true;
    const slow = getBackendSpec(b).slow || software;
    const short = slow && trainSize === undefined
      ? { trainSize: shortTrainSize, epochs: Math.min(epochs, SHORT_RUN.maxEpochs) }
      : null;
    lines.push(
      `${b}: ${device?.description ?? probe.reason}${
        short ? ` (slow here: short run of ${short.trainSize} images × ${short.epochs} epochs)` : ""
      }; engines ${on.map((e) => e.name).join(", ")}`,
    );
    for (const engine of on) {
      for (const model of models) {
        plan.push({ backend: b, engine: engine.name, model, short, software });
      }
    }
  }
  return { plan, skipped, lines };
}
