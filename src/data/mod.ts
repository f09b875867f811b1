/**
 * Fashion-MNIST: find, verify, cache and parse the real dataset; split it;
 * turn it into tensors.
 *
 * ```ts
 * import { loadFashionMnist, FIXTURE_CHECKSUMS, FIXTURE_DIR } from "./mod.ts";
 * const data = await loadFashionMnist({ dir: FIXTURE_DIR, checksums: FIXTURE_CHECKSUMS });
 * console.log(data.train.count, data.files[0].kind); // 2000 "dir"
 * ```
 *
 * Everything but `tensors.ts` is plain TypeScript on typed arrays; only the
 * tensor functions import `@tensorflow/tfjs`.
 *
 * @module
 */
export {
  CACHE_MANIFEST,
  CACHE_SUBDIR,
  type CacheCheck,
  type CacheDirInputs,
  type CacheLookup,
  DecodedCache,
  decodedCacheDir,
  defaultCacheDir,
  readFileFully,
} from "./cache.ts";
export {
  type Checksums,
  FILE_NAMES,
  FILE_ROLES,
  type FileRole,
  FIXTURE_CHECKSUMS,
  FULL_CHECKSUMS,
  IMAGE_PIXELS,
  IMAGE_SIZE,
  OFFICIAL_BASE_URLS,
} from "./checksums.ts";
export { CLASS_NAMES, NUM_CLASSES } from "./classes.ts";
export { downloadBytes, downloadFile, type DownloadOptions } from "./download.ts";
export { DatasetError } from "./errors.ts";
export {
  encodeIdx,
  type IdxFile,
  type IdxImages,
  type IdxKind,
  idxProblem,
  IMAGES_HEADER_BYTES,
  IMAGES_MAGIC,
  LABELS_HEADER_BYTES,
  LABELS_MAGIC,
  parseIdxImages,
  parseIdxLabels,
  parseIdxSplit,
} from "./idx.ts";
export { type FashionMnist, loadFashionMnist, loadFixtureData, type LoadOptions } from "./load.ts";
export {
  type FileSource,
  FIXTURE_DIR,
  type SourceKind,
  type SourcePlaces,
  SYSTEM_DIR,
} from "./sources.ts";
export {
  classCounts,
  type DataSplit,
  epochOrder,
  mulberry32,
  permutation,
  splitValidation,
  stratifiedSubset,
  type SubsetOptions,
  take,
  type ValidationOptions,
  type ValidationSplit,
} from "./split.ts";
export {
  batches,
  type BatchOptions,
  type LabelEncoding,
  normalize,
  oneHot,
  type SplitTensors,
  type TensorOptions,
  toTensors,
} from "./tensors.ts";
export {
  describeSubset,
  makeSubset,
  readSubsetManifest,
  type Subset,
  SUBSET_MANIFEST,
  type SubsetManifest,
  type SubsetSpec,
} from "./subset.ts";
