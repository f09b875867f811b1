/**
 * Child process for deep probes: loads one backend (fallback allowed) and
 * prints its {@link DeviceReport} as one JSON line. Run by `deepProbe`, so
 * that probing a libtensorflow backend never ties the calling process to it.
 *
 * @module
 */
import { getBackendSpec } from "./registry.ts";

if (import.meta.main) {
  const [name] = Deno.args;
  try {
    const spec = getBackendSpec(name ?? "");
    // For the GPU build, the parent reads TensorFlow's log (see loadInChild).
    const loaded = await spec.load({ tfLog: spec.name === "tensorflow-gpu" });
    const x = loaded.tf.tensor2d([[1, 2], [3, 4]]);
    const y = loaded.tf.matMul(x, x);
    const values = Array.from(await y.data());
    loaded.tf.dispose([x, y]);
    const ok = values.join(",") === "7,10,15,22";
    console.log(JSON.stringify({ ok, device: loaded.device, check: values }));
  } catch (err) {
    console.log(
      JSON.stringify({ ok: false, error: err instanceof Error ? err.message : String(err) }),
    );
  }
}
