/**
 * What the bench files share as entry points: the permission check that
 * turns a bare `deno bench` into one line saying how to run them, and the
 * benchmark settings read from the environment (the library below takes
 * typed values).
 *
 * @module
 */
import { pickBackend } from "../src/backends/registry.ts";
import { type ModelBenchConfig, parseBenchConfig } from "../src/bench/model_bench.ts";
import { ONEDNN_VARIABLE, oneDnnState, readCpuFeatures } from "../src/backends/onednn.ts";
import { defaultCacheDir } from "../src/data/cache.ts";

/** The config from `FMNIST_BENCH_*` variables; the default backend is the best native one. */
export async function benchConfigFromEnv(): Promise<ModelBenchConfig> {
  const env = {
    backends: Deno.env.get("FMNIST_BENCH_BACKENDS"),
    trainSize: Deno.env.get("FMNIST_BENCH_TRAIN_SIZE"),
    epochRuns: Deno.env.get("FMNIST_BENCH_EPOCHS"),
    fixtures: Deno.env.get("FMNIST_BENCH_FIXTURES"),
    engine: Deno.env.get("FMNIST_BENCH_ENGINE"),
    profile: Deno.env.get("FMNIST_BENCH_PROFILE"),
  };
  const config = parseBenchConfig(env, env.backends ? "tensorflow" : await pickBackend());
  const oneDnn = oneDnnState(await readCpuFeatures(), Deno.env.get(ONEDNN_VARIABLE));
  return {
    ...config,
    cacheDir: defaultCacheDir({
      xdgCacheHome: Deno.env.get("XDG_CACHE_HOME"),
      home: Deno.env.get("HOME"),
    }),
    oneDnn,
  };
}

/** What the benches use: the environment, files, the native addon, child processes, CPU facts. */
const NEEDED: readonly Deno.PermissionName[] = ["env", "read", "write", "ffi", "run", "sys"];

/**
 * Exits with one line, and code 2, when the benches run without the
 * permissions they need, as a bare `deno bench --filter model1` does: Deno
 * grants a bench nothing unless asked, and in Deno 2.9 `deno.json` cannot
 * ask for it. Call it first in every bench file.
 */
export function requireBenchPermissions(): void {
  const missing = NEEDED.filter((name) => Deno.permissions.querySync({ name }).state !== "granted");
  if (missing.length === 0) return;
  console.error(
    `error: the benches need ${missing.map((m) => `--allow-${m}`).join(" ")}, which a bare ` +
      "`deno bench` does not give; run `deno task bench --filter model1` " +
      "(or `deno bench -A --v8-flags=--expose-gc --filter model1`)",
  );
  Deno.exit(2);
}
