/**
 * Model 3: one training epoch, batch-1 latency and batched throughput on
 * each configured backend, the native CPU backend as baseline.
 *
 *   deno task bench --filter model3
 *   FMNIST_BENCH_BACKENDS=tensorflow,webgpu FMNIST_BENCH_TRAIN_SIZE=4096 deno task bench --filter model3
 *
 * docs/benchmarks.md lists the environment variables.
 *
 * @module
 */
import { benchConfigFromEnv, requireBenchPermissions } from "./_config.ts";
import { registerModelBenches } from "../src/bench/model_bench.ts";

requireBenchPermissions();
await registerModelBenches("model3", await benchConfigFromEnv());
