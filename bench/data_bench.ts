/**
 * How fast the data module serves the full dataset: from the decoded cache
 * (both integrity checks), from the `.gz` files (gunzip + SHA-256), and to
 * normalised training tensors. Needs Debian's `dataset-fashion-mnist`; each
 * bench is listed as ignored, with the reason, otherwise.
 *
 *   deno bench -A --v8-flags=--expose-gc bench/data_bench.ts
 *
 * With `--expose-gc`, garbage from earlier iterations (each makes 55–190 MB
 * of fresh arrays) is collected outside the timed region, so each timing is
 * one load or conversion, not a share of collecting the last ones. Without
 * it the benches still run, noisier.
 *
 * @module
 */
import { loadBackend } from "../src/backends/registry.ts";
import { FILE_NAMES } from "../src/data/checksums.ts";
import { type FashionMnist, loadFashionMnist } from "../src/data/load.ts";
import { SYSTEM_DIR } from "../src/data/sources.ts";
import { normalize, toTensors } from "../src/data/tensors.ts";
import { requireBenchPermissions } from "./_config.ts";

requireBenchPermissions();

// Tensors are made on the libtensorflow backend when it is set up, else on pure JS.
const { tf, name: backend } = await loadBackend("tensorflow").catch(() => loadBackend("cpu"));

const installed = await Deno.stat(`${SYSTEM_DIR}/${FILE_NAMES.trainImages}.gz`).then(
  () => true,
  () => false,
);
const ignore = !installed;
const why = installed ? "" : ` [skipped: ${SYSTEM_DIR} not installed]`;

// Set-up, outside every timed region: a decoded cache in a temporary folder, and the data in memory.
const cacheDir = await Deno.makeTempDir({ prefix: "fmnist-bench-data-" });
globalThis.addEventListener("unload", () => Deno.removeSync(cacheDir, { recursive: true }));
let data: FashionMnist | undefined;
if (installed) data = await loadFashionMnist({ cacheDir, systemDir: SYSTEM_DIR, baseUrls: false });
const fromCache = { cacheDir, systemDir: null, baseUrls: false } as const;
const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});

Deno.bench({
  name: `data: 70,000 images from the decoded cache (SHA-256 check)${why}`,
  group: "load",
  baseline: true,
  ignore,
  async fn(b) {
    collect();
    b.start();
    await loadFashionMnist(fromCache);
    b.end();
  },
});

Deno.bench({
  name: `data: 70,000 images from the decoded cache (size+mtime check)${why}`,
  group: "load",
  ignore,
  async fn(b) {
    collect();
    b.start();
    await loadFashionMnist({ ...fromCache, cacheCheck: "size-mtime" });
    b.end();
  },
});

Deno.bench({
  name: `data: 70,000 images from the .gz files (gunzip + SHA-256)${why}`,
  group: "load",
  ignore,
  async fn(b) {
    collect();
    b.start();
    await loadFashionMnist({ systemDir: SYSTEM_DIR, baseUrls: false });
    b.end();
  },
});

Deno.bench({
  name: `data: 60,000 training images to normalised float32 (host only)${why}`,
  group: "tensors",
  baseline: true,
  ignore,
  fn(b) {
    const images = data!.train.images;
    collect();
    b.start();
    normalize(images);
    b.end();
  },
});

Deno.bench({
  name:
    `data: 60,000 training images to normalised tensors + one-hot labels, ready on ${backend}${why}`,
  group: "tensors",
  ignore,
  fn(b) {
    collect();
    b.start();
    const { xs, ys } = toTensors(data!.train);
    // A backend that copies lazily (tfjs-node does, on first use) copies here: part of "ready".
    tf.tidy(() => [tf.slice(xs, 0, 1).dataSync(), tf.slice(ys, 0, 1).dataSync()]);
    b.end();
    tf.dispose([xs, ys]);
  },
});
