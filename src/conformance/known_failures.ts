/**
 * The conformance suite's known failures: specs of tfjs-core's backend test
 * suite that fail on this project's stack (tfjs-node 4.22.0 under Deno,
 * against libtensorflow 2.21.0), each with the reason and whether it can
 * touch this suite's models.
 *
 * `deno task conformance` passes only when the failures are exactly these:
 * a failure not listed here fails it, and so does an entry here that passes
 * again (remove it then), so that the list stays true.
 *
 * Specs that tfjs-node's own harness (`dist/run_tests.js`) excludes with its
 * `IGNORE_LIST` are not run, so they are not listed here.
 *
 * @module
 */

/** A spec that is expected to fail, and why. */
export interface KnownFailure {
  /** The spec's full jasmine name, exactly as reported (e.g. `round test-tensorflow {} int32`). */
  spec: string;
  /** Why it fails, with the upstream issue where there is one. */
  reason: string;
  /** Whether the failure can change what this suite's models compute. */
  affectsSuite: boolean;
  /**
   * Why it does or does not touch the suite's models; where it does, the
   * project's workaround and where it lives.
   */
  suiteImpact: string;
  /**
   * Where the failure is expected, when not everywhere: `{ onednn: false }`
   * means only where libtensorflow runs without oneDNN (see
   * `src/backends/onednn.ts`). Elsewhere the spec must pass.
   */
  when?: { onednn: boolean };
}

/** Every known failure, in spec-name order. */
export const KNOWN_FAILURES: readonly KnownFailure[] = Object.freeze([
  {
    spec: "depthwiseConv2d gradients test-tensorflow {} throws error on dilations > 1",
    reason: "The spec expects TF.js's gradient to refuse dilations above 1, so it first runs " +
      "the forward depthwise convolution with dilations [1 2 2 1]. Without oneDNN, " +
      "libtensorflow runs its generic CPU kernel for DepthwiseConv2dNative, which has no " +
      "dilation support and fails first: 'Current kernel implementation does not support " +
      "dilations, received [1 2 2 1]' (Python's tf.nn.depthwise_conv2d hides this by " +
      "rewriting dilations as space_to_batch around the op). With oneDNN on, TensorFlow " +
      "runs oneDNN's depthwise kernel, which supports dilations, the forward pass succeeds " +
      "and TF.js's gradient throws the expected message. TensorFlow 2.21 turns oneDNN on by " +
      "default only on CPUs with AVX-512 VNNI/BF16, AVX-VNNI or AMX, so an AVX2-only CPU " +
      "fails this spec unless TF_ENABLE_ONEDNN_OPTS=1.",
    affectsSuite: false,
    suiteImpact: "The models use Conv2D, never a depthwise convolution, and no dilations; " +
      "only a dilated depthwise convolution fails, and it fails loudly, never with a wrong result.",
    when: { onednn: false },
  },
  {
    spec: "round test-tensorflow {} int32",
    reason: "libtensorflow's own CPU kernel for Round returns zeros for int32 and int64 " +
      "inputs since TF 2.17 (TF 2.16 returned the input unchanged); TF 2.21.0 still has it. " +
      "tfjs-node passes tf.round(int32) straight to TF's Round op, so it gets the zeros. " +
      "Python hides it because tf.math.round returns integer tensors without running the op; " +
      "tf.raw_ops.Round(x=tf.constant([1, 2, 3])) in the TF 2.21.0 wheel gives [0 0 0]. " +
      "Cause (as the proposed upstream fixes, tensorflow PRs #112271 and #123319, explain): " +
      "the integer (identity) specialisation of scalar_round_half_to_even_op in " +
      "tensorflow/core/kernels/cwise_ops.h no longer matches integer types once the HasRint " +
      "template parameter was added, so they take the floating-point path. Upstream issue: " +
      "https://github.com/tensorflow/tensorflow/issues/74789 (also #112212). tfjs-node's own " +
      "libtensorflow (2.9.1) predates it, which is why tfjs's CI never saw it. " +
      "Not Deno, not tfjs-node: float32 round is correct.",
    affectsSuite: false,
    suiteImpact: "The models never round an integer tensor. Tracing every kernel that a " +
      "training epoch, evaluation and predict run on the tensorflow backend (conv2d, maxPool, " +
      "dense, relu, dropout, softmax, categorical cross-entropy, accuracy, Adam; data x/255 " +
      "and oneHot labels) shows no Round kernel at all: dropout uses Floor on float32, the " +
      "accuracy metric uses ArgMax and Equal, and tfjs-layers calls only Math.round on JS " +
      "numbers. Only an explicit tf.round on an int32 tensor would be wrong (and rounding " +
      "an integer is a no-op anyway).",
  },
]);
