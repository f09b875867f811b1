/**
 * A test page's program (bundled by `browser_wasm_threads_test.ts` with the
 * suite's page rules): starts the WebAssembly backend as the suite's page
 * does and leaves what it found in `globalThis.WASM_POOL`, or the error in
 * `globalThis.WASM_POOL_ERROR`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { getThreadsCount } from "@tensorflow/tfjs-backend-wasm";
import { setUpPageBackend } from "../src/backends/browser_page.ts";

const page = globalThis as unknown as Record<string, unknown>;
try {
  const device = await setUpPageBackend("wasm", "/wasm/");
  // A product large enough for XNNPACK to split it across the pool: every entry is 256.
  const product = tf.tidy(() => tf.matMul(tf.ones([256, 256]), tf.ones([256, 256])));
  const values = await product.data();
  product.dispose();
  page.WASM_POOL = {
    device,
    poolThreads: getThreadsCount(),
    hardwareConcurrency: navigator.hardwareConcurrency,
    productRight: values.every((v) => v === 256),
  };
} catch (err) {
  page.WASM_POOL_ERROR = (err as Error).message ?? String(err);
}
