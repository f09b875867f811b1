/**
 * Timing each op of a piece of work, two ways:
 *
 * - {@link kernelCalls}: TF.js's `tf.profile`, on any backend: each kernel
 *   the engine runs with its time (the backend's own timer: wall time on the
 *   CPU backends, timer or timestamp queries on the GPU ones), shapes and
 *   bytes. Each kernel's time is its own, without the kernels it ran:
 *   `tf.profile` times ops that call kernels (`fusedConv2d__op` around
 *   `FusedConv2D`, a kernel cloning the tensors its gradient keeps) with
 *   their kernels inside, so the times would otherwise count twice. The optimizer's update is told
 *   apart by watching `applyGradients`, since TF.js's Adam runs as plain
 *   elementwise kernels.
 * - {@link nativeOpCalls}: every TensorFlow op tfjs-node's backend runs by
 *   name, which is how the `native` engine calls TensorFlow, bypassing TF.js's
 *   kernels: each timed by wall time (CPU ops run when called).
 *
 * And {@link profileRepeats}: warm-ups, then repeats that each time the work
 * untimed by op (its wall time) and then once more with its ops timed, so
 * the op timers never slow the wall time they are compared with.
 *
 * @module
 */
import type { Tf } from "../backends/types.ts";
import type { OpCall, ProfiledRepeat } from "./op_profile.ts";

/** Op calls, or why this backend cannot time them. */
export type TimedCalls = { calls: OpCall[] } | { reason: string };

interface ProfileState {
  state?: { activeProfile?: { kernels?: unknown[] }; kernelDepth?: number };
  profiler?: { profileKernel: (...args: unknown[]) => unknown };
}

/**
 * Records the nesting depth of each kernel `tf.profile` lists, in its order:
 * the engine lists a kernel when it ends (after the kernels it ran), and
 * counts its depth while it runs. Undefined where the engine does not say.
 */
function watchDepths(engine: ProfileState): { depths: number[]; stop: () => void } | undefined {
  const profiler = engine.profiler;
  if (!profiler || typeof engine.state?.kernelDepth !== "number") return undefined;
  const depths: number[] = [];
  const saved = profiler.profileKernel;
  profiler.profileKernel = function (this: unknown, ...args: unknown[]) {
    const depth = (engine.state?.kernelDepth ?? 1) - 1;
    const out = saved.apply(this, args);
    depths.push(depth);
    return out;
  };
  return { depths, stop: () => void (profiler.profileKernel = saved) };
}

/**
 * Runs `work` once under `tf.profile` and returns its kernels. Kernels that
 * ran inside `optimizer.applyGradients` are marked `phase: "update"`.
 */
export async function kernelCalls(
  tf: Tf,
  work: () => Promise<unknown>,
  optimizer?: { applyGradients: (...args: never[]) => unknown },
): Promise<TimedCalls> {
  const engine = tf.engine() as unknown as ProfileState;
  const updates: [number, number][] = [];
  const saved = optimizer?.applyGradients;
  if (optimizer && saved) {
    const kernelsSoFar = () => engine.state?.activeProfile?.kernels?.length ?? 0;
    optimizer.applyGradients = ((...args: never[]) => {
      const start = kernelsSoFar();
      try {
        return saved.apply(optimizer, args);
      } finally {
        updates.push([start, kernelsSoFar()]);
      }
    }) as typeof saved;
  }
  const nesting = watchDepths(engine);
  let info;
  try {
    info = await tf.profile(async () => {
      await work();
    });
  } finally {
    if (optimizer && saved) optimizer.applyGradients = saved;
    nesting?.stop();
  }
  const depths = nesting?.depths.length === info.kernels.length ? nesting.depths : undefined;
  const times: number[] = [];
  for (const k of info.kernels) {
    const ms = await k.kernelTimeMs;
    if (typeof ms !== "number") {
      return { reason: `${tf.getBackend()} gives no per-kernel time: ${ms.error}` };
    }
    times.push(ms);
  }
  const own = depths ? ownTimes(times, depths) : times;
  const calls: OpCall[] = [];
  for (const [i, k] of info.kernels.entries()) {
    calls.push({
      name: k.name,
      ms: own[i],
      inputShapes: k.inputShapes.map((s) => s ?? []),
      outputShapes: k.outputShapes.map((s) => s ?? []),
      bytesAdded: k.bytesAdded,
      phase: updates.some(([a, b]) => i >= a && i < b) ? "update" : "step",
    });
  }
  return { calls };
}

/**
 * Each kernel's time less the times of the kernels it ran directly, from the
 * kernels in the order they ended and their depths (a kernel's children end
 * just before it, one level deeper).
 */
export function ownTimes(times: readonly number[], depths: readonly number[]): number[] {
  const ended: { depth: number; ms: number }[] = [];
  return times.map((ms, i) => {
    let children = 0;
    while (ended.length > 0 && ended[ended.length - 1].depth > depths[i]) {
      const child = ended.pop()!;
      if (child.depth === depths[i] + 1) children += child.ms;
    }
    ended.push({ depth: depths[i], ms });
    return Math.max(0, ms - children);
  });
}

const EXECUTE_METHODS = ["executeSingleOutput", "executeMultipleOutputs"] as const;

type Execute = (name: string, attrs: unknown, inputs: unknown[], ...rest: unknown[]) => unknown;

/** A tensor's shape, or none for what is not a tensor. */
function shapeOf(x: unknown): number[] {
  return (x as { shape?: number[] } | null)?.shape ?? [];
}

/**
 * Runs `work` once with every op tfjs-node's backend runs by name timed.
 * Another backend gives the reason instead.
 */
export async function nativeOpCalls(tf: Tf, work: () => Promise<unknown>): Promise<TimedCalls> {
  const backend = tf.backend() as unknown as Record<string, Execute>;
  if (EXECUTE_METHODS.some((m) => typeof backend[m] !== "function")) {
    return {
      reason: `${tf.getBackend()} runs no TensorFlow ops by name (not tfjs-node's backend)`,
    };
  }
  const calls: OpCall[] = [];
  const saved = EXECUTE_METHODS.map((m) =>
    [m, Object.getOwnPropertyDescriptor(backend, m)] as const
  );
  for (const method of EXECUTE_METHODS) {
    const original = backend[method].bind(backend);
    backend[method] = (name, attrs, inputs, ...rest) => {
      const t0 = performance.now();
      const out = original(name, attrs, inputs, ...rest);
      const ms = performance.now() - t0;
      const outs = Array.isArray(out) ? out : [out];
      calls.push({
        name,
        ms,
        inputShapes: inputs.map(shapeOf),
        outputShapes: outs.map(shapeOf),
        phase: name === "ResourceApplyAdam" ? "update" : "step",
      });
      return out;
    };
  }
  try {
    await work();
  } finally {
    for (const [method, descriptor] of saved) {
      if (descriptor) Object.defineProperty(backend, method, descriptor);
      else Reflect.deleteProperty(backend, method);
    }
  }
  return { calls };
}

/** How many times a profile runs the work. */
export interface RepeatOptions {
  /** Untimed runs first (default 2). */
  warmup?: number;
  /** Timed repeats, the median kept (default 5, at least 5 for a recorded profile). */
  repeats?: number;
}

/**
 * Warms `work` up, then repeats it: each repeat times one plain run (its
 * wall time, the result awaited) and collects one run's op calls.
 *
 * @returns The repeats, or the collector's reason when it cannot time ops here.
 */
export async function profileRepeats(
  work: () => Promise<unknown>,
  collect: (work: () => Promise<unknown>) => Promise<TimedCalls>,
  { warmup = 2, repeats = 5 }: RepeatOptions = {},
): Promise<ProfiledRepeat[] | { reason: string }> {
  for (let i = 0; i < warmup; i++) await work();
  const out: ProfiledRepeat[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await work();
    const wallMs = performance.now() - t0;
    const t1 = performance.now();
    const timed = await collect(work);
    const profiledWallMs = performance.now() - t1;
    if ("reason" in timed) return timed;
    out.push({ wallMs, profiledWallMs, calls: timed.calls });
  }
  return out;
}
