/**
 * Reads the benchmark settings from the environment (bench files are entry
 * points, like CLIs; the library below takes typed values).
 *
 * @module
 */
import { pickBackend } from "../src/backends/registry.ts";
import { type ModelBenchConfig, parseBenchConfig } from "../src/bench/model_bench.ts";
import { cacheDirFromEnv, oneDnnVariableFromEnv } from "../src/cli/_cli.ts";
import { oneDnnState, readCpuFeatures } from "../src/backends/onednn.ts";

/** The config from `FMNIST_BENCH_*` variables; the default backend is the best native one. */
export async function benchConfigFromEnv(): Promise<ModelBenchConfig> {
  const env = {
    backends: Deno.env.get("FMNIST_BENCH_BACKENDS"),
    trainSize: Deno.env.get("FMNIST_BENCH_TRAIN_SIZE"),
    epochRuns: Deno.env.get("FMNIST_BENCH_EPOCHS"),
    fixtures: Deno.env.get("FMNIST_BENCH_FIXTURES"),
    engine: Deno.env.get("FMNIST_BENCH_ENGINE"),
  };
  const config = parseBenchConfig(env, env.backends ? "tensorflow" : await pickBackend());
  const oneDnn = oneDnnState(await readCpuFeatures(), oneDnnVariableFromEnv());
  return { ...config, cacheDir: cacheDirFromEnv(), oneDnn };
}
