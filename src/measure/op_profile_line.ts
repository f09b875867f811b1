/**
 * A model's per-op profile in one line for a terminal: the training step's
 * three slowest ops with their share of its wall time, and the share that
 * is dispatch and framework overhead (wall time outside the ops); the
 * prediction profiles' overhead after it, or why a profile was not measured.
 *
 * @module
 */
import { isMeasured, type NotMeasured } from "./measures.ts";
import type { ModelProfiles, OpProfile } from "./op_profile.ts";

const percent = (x: number) => `${(x * 100).toFixed(0)}%`;

/** The overhead share of one profile's wall time. */
function overheadShare(p: OpProfile): number {
  return p.wallMs > 0 ? p.overheadMs / p.wallMs : 0;
}

/**
 * `step 12.3 ms: Conv2DBackpropFilter 31%, Conv2D 20%, MatMul 9%, overhead 14%;
 * batch-1 overhead 40%, batched overhead 3%`.
 */
export function profileLine(profiles: ModelProfiles): string {
  const part = (label: string, p: OpProfile | NotMeasured, top: boolean) => {
    if (!isMeasured(p)) return `${label} not profiled (${p.notMeasured})`;
    const ops = top
      ? p.ops.slice(0, 3).map((o) => `${o.name} ${percent(o.share)}`).join(", ") + ", "
      : "";
    return `${label} ${p.wallMs.toFixed(p.wallMs < 10 ? 2 : 1)} ms: ${ops}overhead ${
      percent(overheadShare(p))
    }`;
  };
  return [
    part("step", profiles.trainStep, true),
    part("batch-1", profiles.batch1, false),
    part("batched", profiles.batched, false),
  ].join("; ");
}
