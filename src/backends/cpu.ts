/**
 * The pure-JavaScript `cpu` backend that ships with `@tensorflow/tfjs`.
 * Always available; about two orders of magnitude slower than libtensorflow,
 * which makes it the reference for correctness, not for speed.
 *
 * @module
 */
import type { LoadedBackend, ProbeResult, Tf } from "./types.ts";

/** The pure-JS backend is always there. */
export function probeCpu(): Promise<ProbeResult> {
  return Promise.resolve({
    name: "cpu",
    available: true,
    reason: "pure JavaScript kernels from @tensorflow/tfjs-backend-cpu",
  });
}

/** Makes the pure-JS backend the active one. */
export async function loadCpu(): Promise<LoadedBackend> {
  const tf: Tf = await import("@tensorflow/tfjs");
  // tfjs prints a hint to install tfjs-node when it sees Node; the choice here is deliberate.
  tf.env().set("IS_TEST", true);
  if (!(await tf.setBackend("cpu"))) throw new Error('backend cpu: tf.setBackend("cpu") failed');
  return {
    name: "cpu",
    tf,
    device: { kind: "cpu", description: `TensorFlow.js ${tf.version_core} pure-JS CPU kernels` },
  };
}
