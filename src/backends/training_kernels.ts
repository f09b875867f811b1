/**
 * Whether a TF.js backend can train the CNNs: the kernels their backward pass
 * needs beyond the forward pass. A backend that lacks one has only its
 * inference timed, and the results say why. tfjs-backend-wasm 4.22 lacks
 * `Conv2DBackpropFilter`; the suite registers its own where it loads the
 * backend (`wasm_conv_filter.ts`), so `wasm` and `browser-wasm` train.
 *
 * @module
 */

/** The kernels a CNN's training needs beyond its forward pass. */
export const TRAINING_KERNELS: readonly string[] = Object.freeze([
  "Conv2DBackpropFilter",
  "Conv2DBackpropInput",
  "MaxPoolGrad",
]);

/**
 * The kernels of {@link TRAINING_KERNELS} that `backend` lacks; empty when it has them all.
 *
 * @param getKernel TF.js's `tf.getKernel` (the namespace the backend is registered in).
 */
export function missingTrainingKernels(
  getKernel: (kernelName: string, backendName: string) => unknown,
  backend: string,
): string[] {
  return TRAINING_KERNELS.filter((k) => getKernel(k, backend) === undefined);
}

/** Why a backend that lacks `missing` does not train, as `runs[].notTrained` records it. */
export function notTrainedReason(backend: string, tfjsVersion: string, missing: string[]): string {
  return `tfjs-backend-${backend} ${tfjsVersion} has no ${
    missing.join(", ")
  } kernel: it cannot train a CNN; inference is timed on the untrained model`;
}
