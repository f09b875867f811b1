import { bundlePage } from "./src/browser/bundle.ts";
const t = performance.now();
const b = await bundlePage();
console.log(b.code.length, Object.keys(b.wasm), performance.now() - t);
await Deno.writeTextFile("/tmp/pp/page.js", b.code);
