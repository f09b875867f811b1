/**
 * How fast the data module serves the full dataset: from the decoded cache,
 * from the `.gz` files (gunzip + SHA-256), and to normalised tensors.
 * Needs Debian's `dataset-fashion-mnist`; skipped with the reason otherwise.
 *
 *   deno bench -A bench/data_bench.ts
 *
 * @module
 */
import { loadBackend } from "../src/backends/registry.ts";
import { loadFashionMnist, SYSTEM_DIR, toTensors } from "../src/data/mod.ts";

// Tensors are made on the native backend when it is set up, else on pure JS.
const { tf, name: backend } = await loadBackend("tensorflow").catch(() => loadBackend("cpu"));

const installed = await Deno.stat(`${SYSTEM_DIR}/train-images-idx3-ubyte.gz`).then(
  () => true,
  () => false,
);
const ignore = !installed;
const why = installed ? "" : ` (skipped: ${SYSTEM_DIR} not installed)`;
const cacheDir = await Deno.makeTempDir({ prefix: "fmnist-bench-data-" });
if (installed) await loadFashionMnist({ cacheDir, systemDir: SYSTEM_DIR, baseUrls: false }); // fill the cache
globalThis.addEventListener("unload", () => Deno.removeSync(cacheDir, { recursive: true }));

Deno.bench({
  name: `data: full dataset from the decoded cache${why}`,
  group: "data",
  baseline: true,
  ignore,
  async fn() {
    await loadFashionMnist({ cacheDir, systemDir: null, baseUrls: false });
  },
});

Deno.bench({
  name: `data: full dataset from the .gz files (gunzip + SHA-256)${why}`,
  group: "data",
  ignore,
  async fn() {
    await loadFashionMnist({ systemDir: SYSTEM_DIR, baseUrls: false });
  },
});

Deno.bench({
  name: `data: 60,000 training images to normalised tensors on ${backend}${why}`,
  ignore,
  async fn(b) {
    const { train } = await loadFashionMnist({ cacheDir, systemDir: null, baseUrls: false });
    b.start();
    const { xs, ys } = toTensors(train);
    b.end();
    tf.dispose([xs, ys]);
  },
});
