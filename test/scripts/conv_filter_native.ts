/**
 * Computes `Conv2DBackpropFilter` on libtensorflow (tfjs-node) for the cases
 * of `test/wasm_conv_filter_test.ts` and writes, case by case, the result and
 * the sums of magnitudes beside it (`filterGradient`'s `abs`), float32 arrays
 * one after another, to the file its second argument names. The test runs it in
 * its own process, once with `TF_ENABLE_ONEDNN_OPTS=1` and once with `0`:
 * libtensorflow reads the variable once, when it loads.
 *
 * Arguments: the cases as JSON, the output file.
 *
 * @module
 */
import { loadBackend } from "../../src/backends/registry.ts";
import { type ConvCase, filterGradient } from "./conv_filter_cases.ts";

const [casesJson, outFile] = Deno.args;
const { tf } = await loadBackend("tensorflow");
const parts = (JSON.parse(casesJson) as ConvCase[]).flatMap((c) => [
  filterGradient(tf, c),
  filterGradient(tf, c, true),
]);
const bytes = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
let offset = 0;
for (const p of parts) {
  bytes.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), offset);
  offset += p.byteLength;
}
await Deno.writeFile(outFile, bytes);
