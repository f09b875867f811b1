/**
 * What the developer probes in `tools/probes/` share: their positional
 * arguments, random data of the suite's shapes, medians of timed calls
 * (alone, or variants taking turns call by call), and timing every op
 * tfjs-node's backend runs. Importing it does nothing.
 *
 * @module
 */
import type { Tensor, Tensor2D, Tensor4D } from "@tensorflow/tfjs";
import type { Tf } from "../../src/backends/types.ts";
import type { TfjsNodeBackend } from "../../src/tf_ops/binding.ts";
import { percentile } from "../../src/_util/stats.ts";

/** A positional argument's value: the default's type, a number parsed as a positive integer. */
type ArgValue<D> = D extends number ? number : string;

/**
 * A probe's positional arguments: each the one given, else its default;
 * those whose default is a number parsed as a positive integer. On more
 * arguments than defaults or a count that is not a positive integer, prints
 * the problem and `usage` and exits with code 2.
 *
 * @param usage The probe's usage line, e.g. `deno run -A tools/probes/ops_probe.ts [batch]`.
 * @param defaults One per argument, in order.
 * @param args The command line's arguments (default `Deno.args`).
 */
export function probeArgs<const D extends readonly (string | number)[]>(
  usage: string,
  defaults: D,
  args: readonly string[] = Deno.args,
): { -readonly [K in keyof D]: ArgValue<D[K]> } {
  const fail = (problem: string): never => {
    console.error(`${problem}\nusage: ${usage}`);
    Deno.exit(2);
  };
  if (args.length > defaults.length) {
    fail(`expected at most ${defaults.length} arguments, got ${args.length}`);
  }
  return defaults.map((fallback, i) => {
    const value = args[i];
    if (value === undefined || typeof fallback === "string") return value ?? fallback;
    const n = Number(value);
    return Number.isInteger(n) && n > 0
      ? n
      : fail(`argument ${i + 1}: expected a positive integer, got ${JSON.stringify(value)}`);
  }) as { -readonly [K in keyof D]: ArgValue<D[K]> };
}

/** `n` random images `[n, 28, 28, 1]` from a standard normal distribution. */
export function randomImages(tf: Tf, n: number): Tensor4D {
  return tf.randomNormal([n, 28, 28, 1]);
}

/** `n` random images `[n, 28, 28, 1]` and random one-hot float labels `[n, 10]`. */
export function randomTrainingData(tf: Tf, n: number): { xs: Tensor4D; ys: Tensor2D } {
  return tf.tidy(() => ({
    xs: randomImages(tf, n),
    ys: tf.oneHot(tf.randomUniform([n], 0, 10, "int32"), 10).toFloat() as Tensor2D,
  }));
}

/**
 * The median time in milliseconds of `calls` timed calls of `f` after one
 * untimed call, each inside `tf.tidy`. Nothing is read back: on the CPU,
 * tfjs-node's ops have run when they return.
 */
export function medianMs(tf: Tf, f: () => unknown, calls = 20): number {
  tf.tidy(() => void f());
  const times: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    tf.tidy(() => void f());
    times.push(performance.now() - t0);
  }
  return percentile(times, 50);
}

/**
 * The median time in milliseconds of `calls` calls of each variant, the
 * result read back before the clock stops. The variants take turns call by
 * call, so that the host's noise, which comes in bursts, hits them alike.
 */
export async function mediansTakingTurns(
  variants: Record<string, () => Tensor>,
  calls: number,
): Promise<Record<string, number>> {
  const times = Object.keys(variants).map(() => [] as number[]);
  for (let i = 0; i < calls; i++) {
    for (const [k, f] of Object.values(variants).entries()) {
      const t0 = performance.now();
      const y = f();
      await y.data();
      times[k].push(performance.now() - t0);
      y.dispose();
    }
  }
  return Object.fromEntries(
    Object.keys(variants).map((name, k) => [name, percentile(times[k], 50)]),
  );
}

/** The time spent in one op (or one op at one input shape) and how often it ran. */
export interface OpTime {
  /** Wall time in milliseconds, dispatch included, summed over the calls. */
  ms: number;
  calls: number;
}

/** What {@link timeOps} returns. */
export interface OpTimer {
  /** Per key, in the order first seen: the op's name, or its name and first input's shape. */
  times: Map<string, OpTime>;
  /** Stops timing: the backend runs ops untimed again. */
  stop(): void;
}

const EXECUTE_METHODS = ["executeSingleOutput", "executeMultipleOutputs"] as const;

/**
 * Times every op tfjs-node's backend runs from now until `stop()`: wraps
 * the backend's two methods that run an op by name, which TF.js's own
 * kernels and the native engine (`src/tf_ops/`) both call. CPU ops run when
 * called, so each is timed by wall time, dispatch included.
 *
 * @param options.byShape Key by op name and first input's shape (`Conv2D 1024×28×28×1`),
 *   not by op name alone.
 * @throws {Error} When the active backend is not tfjs-node's.
 */
export function timeOps(tf: Tf, options: { byShape?: boolean } = {}): OpTimer {
  const backend = tf.backend() as unknown as TfjsNodeBackend;
  if (EXECUTE_METHODS.some((m) => typeof backend[m] !== "function")) {
    throw new Error(`timeOps: expected tfjs-node's backend, got ${tf.getBackend()}`);
  }
  const times = new Map<string, OpTime>();
  const keyOf = (name: string, inputs: unknown[]) =>
    options.byShape ? `${name} ${(inputs[0] as Tensor | undefined)?.shape.join("×") ?? ""}` : name;
  const methods = backend as unknown as Record<string, (...args: unknown[]) => unknown>;
  const saved = EXECUTE_METHODS.map((m) =>
    [m, Object.getOwnPropertyDescriptor(backend, m)] as const
  );
  for (const method of EXECUTE_METHODS) {
    const original = methods[method].bind(backend);
    methods[method] = (name, attrs, inputs, ...rest) => {
      const t0 = performance.now();
      try {
        return original(name, attrs, inputs, ...rest);
      } finally {
        const key = keyOf(name as string, inputs as unknown[]);
        const entry = times.get(key) ?? { ms: 0, calls: 0 };
        entry.ms += performance.now() - t0;
        entry.calls++;
        times.set(key, entry);
      }
    };
  }
  return {
    times,
    stop() {
      for (const [method, descriptor] of saved) {
        if (descriptor) Object.defineProperty(backend, method, descriptor);
        else Reflect.deleteProperty(backend, method);
      }
    },
  };
}
