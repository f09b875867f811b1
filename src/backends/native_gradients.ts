/**
 * Gradients that the native backends compute with one TensorFlow op where
 * TF.js composes several.
 *
 * TF.js differentiates `Relu` as `dy * step(x)`, and tfjs-node builds `Step`
 * from six full-size ops (IsNan, Greater, Ones, Fill, and two Selects). In a
 * model1 training step these made up about a quarter of the kernel time.
 * TensorFlow has the fused op `ReluGrad(dy, x)`, which Keras uses. Same
 * result: `dy` where `x > 0`, else 0.
 *
 * The gradient registry of TF.js is global to the process, so every override
 * checks that the active backend is a native one and otherwise runs the stock
 * gradient.
 *
 * @module
 */
import type { Tf } from "./types.ts";

/** The parts of tfjs-node's backend the overrides use. */
interface NativeBackend {
  binding: { TF_ATTR_TYPE: number; TF_FLOAT: number };
  executeSingleOutput(name: string, attrs: unknown[], inputs: unknown[]): unknown;
}

/** Names of the gradients {@link installNativeGradients} replaces. */
export const NATIVE_GRADIENTS: readonly string[] = Object.freeze(["Relu"]);

/**
 * Replaces the gradients in {@link NATIVE_GRADIENTS} with native
 * TensorFlow ops. Idempotent.
 *
 * @returns A function that puts the stock gradients back.
 */
export function installNativeGradients(tf: Tf): () => void {
  const stock = tf.getGradient("Relu");
  if (!stock) throw new Error("installNativeGradients: TF.js has no gradient for Relu");
  if ((stock as { native?: boolean }).native) return () => {};
  const native = {
    kernelName: "Relu",
    inputsToSave: ["x"],
    native: true,
    gradFunc: (dy: unknown, saved: unknown[], attrs: unknown) => {
      if (tf.getBackend() !== "tensorflow" || (dy as { dtype: string }).dtype !== "float32") {
        return stock.gradFunc(dy as never, saved as never, attrs as never);
      }
      const backend = tf.backend() as unknown as NativeBackend;
      const type = [{
        name: "T",
        type: backend.binding.TF_ATTR_TYPE,
        value: backend.binding.TF_FLOAT,
      }];
      return { x: () => backend.executeSingleOutput("ReluGrad", type, [dy, saved[0]]) };
    },
  };
  silently(tf, () => tf.registerGradient(native as never));
  return () => silently(tf, () => tf.registerGradient(stock));
}

/** Whether the native gradients are installed in this process. */
export function nativeGradientsInstalled(tf: Tf): boolean {
  return (tf.getGradient("Relu") as { native?: boolean } | undefined)?.native === true;
}

/** TF.js warns when a gradient is overridden; the override here is deliberate. */
function silently(tf: Tf, register: () => void): void {
  const wasTest = tf.env().getBool("IS_TEST");
  tf.env().set("IS_TEST", true); // tfjs-core's warn() is silent in test mode
  try {
    register();
  } finally {
    tf.env().set("IS_TEST", wasTest);
  }
}
