/**
 * A per-op profile from repeated timings of one piece of work (a training
 * step, a batch-1 call, a batched call): per op name its calls, total and
 * median time, share of the wall time, and for convolutions and matrix
 * products their FLOPs and achieved GFLOP/s against the machine's ceiling;
 * the time per op kind; and the wall time against the sum of the ops, so
 * that dispatch and framework overhead is a figure of its own.
 *
 * @module
 */
import { median } from "../_util/stats.ts";
import { isMeasured, type NotMeasured } from "./measures.ts";
import { OP_KINDS, opFlops, type OpKind, opKind } from "./op_kinds.ts";

/** One call of an op as it was timed. */
export interface OpCall {
  /** The op's name as the backend, engine or framework calls it. */
  name: string;
  /** Its time in milliseconds. */
  ms: number;
  /** Its inputs' shapes, when known. */
  inputShapes: number[][];
  /** Its outputs' shapes, when known. */
  outputShapes: number[][];
  /** Bytes of memory it added, when the profiler says. */
  bytesAdded?: number;
  /** Where it ran: `update` for the optimizer's update of the weights. */
  phase?: "step" | "update";
}

/** One timed repeat of the work: its wall time and every op it ran. */
export interface ProfiledRepeat {
  /** Wall time of a plain run of the work, in milliseconds, its result awaited. */
  wallMs: number;
  /** Wall time of the run whose ops were timed (the timers' cost included). */
  profiledWallMs: number;
  /** Every op call of that run, in order. */
  calls: OpCall[];
}

/** What is profiled. */
export type ProfiledWork = "train-step" | "batch1" | "batched";

/** One op name's figures, per repeat (the median over repeats). */
export interface OpStat {
  /** The op's name. */
  name: string;
  /** Its kind. */
  kind: OpKind;
  /** Calls per repeat. */
  calls: number;
  /** Time per repeat, all its calls together (ms). */
  totalMs: number;
  /** Median time of one call (ms). */
  medianMs: number;
  /** `totalMs` over the repeat's wall time. */
  share: number;
  /** Floating-point operations per repeat, or null for ops that are not convolutions or products. */
  flops: number | null;
  /** Achieved GFLOP/s (`flops` over `totalMs`), or null. */
  gflops: number | null;
  /** `gflops` over the machine's measured fp32 ceiling, or null without either. */
  ofCeiling: number | null;
  /** Bytes added per repeat, when the profiler says; else null. */
  bytesAdded: number | null;
}

/** A profile of one piece of work. */
export interface OpProfile {
  /** What was profiled. */
  work: ProfiledWork;
  /** Its batch size. */
  batchSize: number;
  /** How the op times were taken (e.g. `tf.profile`, `TensorFlow ops timed by name`). */
  source: string;
  /** Timed repeats, after the warm-up. */
  repeats: number;
  /** Median wall time of a repeat (ms). */
  wallMs: number;
  /** Median wall time of the runs whose ops were timed: the op timers cost the difference (ms). */
  profiledWallMs: number;
  /** Median sum of the op times of a repeat (ms); never more than `profiledWallMs`. */
  opsMs: number;
  /** `wallMs − opsMs`: dispatch and framework time outside the ops (ms). */
  overheadMs: number;
  /** Median time per op kind (ms), every kind present. */
  kinds: Record<OpKind, number>;
  /** Each op name's figures, slowest first. */
  ops: OpStat[];
  /** The fp32 ceiling the GFLOP/s are measured against, or null when not measured. */
  ceilingGflops: number | null;
}

/** A model's three profiles, each measured or the reason it was not. */
export interface ModelProfiles {
  /** One training step at the run's batch size. */
  trainStep: OpProfile | NotMeasured;
  /** One batch-1 prediction. */
  batch1: OpProfile | NotMeasured;
  /** One prediction at the inference batch size. */
  batched: OpProfile | NotMeasured;
}

/**
 * Summarizes repeats of one piece of work into an {@link OpProfile}. Each
 * figure is the median over repeats, so one slow repeat moves nothing.
 *
 * @throws {RangeError} When there is no repeat.
 */
export function summarizeProfile(
  work: ProfiledWork,
  batchSize: number,
  source: string,
  repeats: readonly ProfiledRepeat[],
  ceilingGflops: number | null = null,
): OpProfile {
  if (repeats.length === 0) {
    throw new RangeError(`summarizeProfile: expected at least one repeat of ${work}, got none`);
  }
  const wallMs = median(repeats.map((r) => r.wallMs));
  const perRepeat = repeats.map(groupByName);
  const names = [...new Set(perRepeat.flatMap((m) => [...m.keys()]))];
  const ops = names.map((name): OpStat => {
    const groups = perRepeat.map((m) => m.get(name) ?? []);
    const first = groups.find((g) => g.length > 0)!;
    const totalMs = median(groups.map((g) => sum(g.map((c) => c.ms))));
    const flopsEach = groups.map((g) =>
      g.map((c) => opFlops(c.name, c.inputShapes, c.outputShapes))
    );
    const known = flopsEach.every((f) => f.every((x) => x !== null));
    const flops = known ? median(flopsEach.map((f) => sum(f as number[]))) : null;
    const gflops = flops !== null && totalMs > 0 ? flops / (totalMs * 1e6) : null;
    const bytes = groups.map((g) => g.map((c) => c.bytesAdded));
    const bytesKnown = bytes.every((b) => b.every((x) => x !== undefined));
    return {
      name,
      kind: opKind(name, first[0].phase),
      calls: median(groups.map((g) => g.length)),
      totalMs,
      medianMs: median(groups.flat().map((c) => c.ms)),
      share: wallMs > 0 ? totalMs / wallMs : 0,
      flops,
      gflops,
      ofCeiling: gflops !== null && ceilingGflops ? gflops / ceilingGflops : null,
      bytesAdded: bytesKnown ? median(bytes.map((b) => sum(b as number[]))) : null,
    };
  }).sort((a, b) => b.totalMs - a.totalMs || a.name.localeCompare(b.name));
  const opsMs = median(repeats.map((r) => sum(r.calls.map((c) => c.ms))));
  const kinds = Object.fromEntries(OP_KINDS.map((k) => [k, 0])) as Record<OpKind, number>;
  for (const kind of OP_KINDS) {
    kinds[kind] = median(
      repeats.map((r) =>
        sum(r.calls.filter((c) => opKind(c.name, c.phase) === kind).map((c) => c.ms))
      ),
    );
  }
  return {
    work,
    batchSize,
    source,
    repeats: repeats.length,
    wallMs,
    profiledWallMs: median(repeats.map((r) => r.profiledWallMs)),
    opsMs,
    overheadMs: Math.max(0, wallMs - opsMs),
    kinds,
    ops,
    ceilingGflops,
  };
}

/**
 * `profiles` with their GFLOP/s set against `ceilingGflops` instead of the
 * ceiling they were taken with: where processes of one run each measured
 * their own (`--profile` in a peer or compare run), one ceiling for every
 * side compares them like for like.
 */
export function againstCeiling(
  profiles: ModelProfiles,
  ceilingGflops: number | null,
): ModelProfiles {
  const rebase = (p: OpProfile | NotMeasured): OpProfile | NotMeasured =>
    !isMeasured(p) ? p : {
      ...p,
      ceilingGflops,
      ops: p.ops.map((op) => ({
        ...op,
        ofCeiling: op.gflops !== null && ceilingGflops ? op.gflops / ceilingGflops : null,
      })),
    };
  return {
    trainStep: rebase(profiles.trainStep),
    batch1: rebase(profiles.batch1),
    batched: rebase(profiles.batched),
  };
}

/** Groups one repeat's calls by op name, with the update phase apart (its ops are the optimizer's). */
function groupByName(repeat: ProfiledRepeat): Map<string, OpCall[]> {
  const byName = new Map<string, OpCall[]>();
  for (const call of repeat.calls) {
    const key = call.phase === "update" && opKind(call.name) !== "optimizer"
      ? `${call.name} (update)`
      : call.name;
    byName.set(key, [...byName.get(key) ?? [], call]);
  }
  return byName;
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
