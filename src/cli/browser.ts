/**
 * `deno task browser`: `train-all` on a browser backend, `browser-wasm` unless
 * `--backend` names another. Headless Chromium by default; with `--open`
 * (alone, `--open PORT` or `--open HOST:PORT`) it serves the page on a
 * loopback address for a person to open in any browser on the machine, and
 * writes the results here as that browser measured them (the page also
 * offers them as `results.json`).
 *
 * @module
 */
import { runCli } from "./_cli.ts";
import { trainAllMain } from "./train_all.ts";

/** The arguments train-all gets: a default backend, and `--open` without a value read as `auto`. */
export function browserArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    out.push(args[i]);
    const next = args[i + 1];
    if (args[i] === "--open" && (next === undefined || next.startsWith("-"))) out.push("auto");
  }
  const named = out.some((a) => a === "--backend" || a.startsWith("--backend="));
  return named ? out : ["--backend", "browser-wasm", ...out];
}

if (import.meta.main) {
  await runCli(() =>
    trainAllMain(browserArgs(Deno.args), {
      name: "browser",
      backendDefault: "browser-wasm; browser-webgl, browser-webgpu and browser-cpu when named",
    })
  );
}
