/**
 * Timing each op of a piece of work, two ways:
 *
 * - {@link kernelCalls}: TF.js's `tf.profile`, on any backend: each kernel
 *   the engine runs with its time (the backend's own timer: wall time on the
 *   CPU backends, timer or timestamp queries on the GPU ones), shapes and
 *   bytes. The optimizer's update is told apart by watching
 *   `applyGradients`, since TF.js's Adam runs as plain elementwise kernels.
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
  const noTimestamps = webgpuWithoutTimestamps(tf);
  if (noTimestamps) return { reason: noTimestamps };
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
  // tf.profile lists a kernel run inside another (an op with its own gradient
  // around its kernel, a fused op around its parts) as well as the one around
  // it, whose time includes theirs: each keeps only its own time, or the
  // nested ones would be counted twice. A kernel is pushed after those it ran,
  // at its caller's depth, which is recorded as it is pushed.
  const depths: number[] = [];
  let info;
  try {
    info = await tf.profile(async () => {
      const kernels = engine.state?.activeProfile?.kernels;
      if (kernels) {
        const push = kernels.push;
        kernels.push = (...items: unknown[]) => {
          for (const _ of items) depths.push(engine.state?.kernelDepth ?? 0);
          return push.apply(kernels, items);
        };
      }
      await work();
    });
  } finally {
    if (optimizer && saved) optimizer.applyGradients = saved;
  }
  const times: number[] = [];
  for (const k of info.kernels) {
    const ms = await k.kernelTimeMs;
    if (typeof ms !== "number") {
      return { reason: `${tf.getBackend()} gives no per-kernel time: ${ms.error}` };
    }
    times.push(ms);
  }
  const own = ownTimes(times, depths);
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
 * Why WebGPU cannot time kernels here, or `undefined`: tfjs-backend-webgpu
 * (4.22) times them with timestamp queries, and on an adapter without the
 * `timestamp-query` feature it reports 0 ms for every kernel, not an error.
 */
function webgpuWithoutTimestamps(tf: Tf): string | undefined {
  if (tf.getBackend() !== "webgpu") return undefined;
  const backend = tf.backend() as unknown as { supportTimestampQuery?: boolean };
  if (backend.supportTimestampQuery !== false) return undefined;
  return "webgpu gives no per-kernel time: the adapter lacks 'timestamp-query', without which " +
    `tfjs-backend-webgpu ${tf.version_core} reports 0 ms for every kernel`;
}

/**
 * Each kernel's time less the time of the kernels it ran, from the times and
 * depths in the order tf.profile pushed them (those a kernel ran come just
 * before it, one level deeper); never below zero.
 */
export function ownTimes(times: readonly number[], depths: readonly number[]): number[] {
  const pending: number[] = []; // per depth: time not yet claimed by a kernel around it
  return times.map((ms, i) => {
    const depth = depths[i] ?? 0;
    const nested = pending.slice(depth + 1).reduce((a, b) => a + (b ?? 0), 0);
    pending.length = depth + 1;
    pending[depth] = (pending[depth] ?? 0) + ms;
    return Math.max(0, ms - nested);
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
