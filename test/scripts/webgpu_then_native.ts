/**
 * Loads the WebGPU backend, then asks for the native one. Run in its own
 * process by a test: opening a WebGPU adapter and then loading libtensorflow
 * crashes the process, so the loader must refuse before that happens.
 *
 * @module
 */
import { loadBackend } from "../../src/backends/registry.ts";

await loadBackend("webgpu", { allowFallback: true });
try {
  await loadBackend("tensorflow");
  console.log("loaded");
} catch (err) {
  console.log(`refused: ${(err as Error).message}`);
}
