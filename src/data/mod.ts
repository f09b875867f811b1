/**
 * Fashion-MNIST: find, verify, cache, parse, split and convert to tensors.
 *
 * @module
 */
export { CLASS_NAMES, NUM_CLASSES } from "./classes.ts";
export { DatasetError } from "./errors.ts";
export { downloadFile, type DownloadOptions } from "./download.ts";
export {
  type Checksums,
  FILE_NAMES,
  FILE_ROLES,
  type FileRole,
  FIXTURE_CHECKSUMS,
  FIXTURE_DIR,
  FULL_CHECKSUMS,
  OFFICIAL_BASE_URLS,
  SYSTEM_DIR,
} from "./files.ts";
export {
  encodeIdx,
  type IdxImages,
  IMAGE_PIXELS,
  IMAGE_SIZE,
  parseIdxImages,
  parseIdxLabels,
} from "./idx.ts";
export {
  type FashionMnist,
  type FileSource,
  loadFashionMnist,
  type LoadOptions,
  sha256Hex,
  type SourceKind,
} from "./load.ts";
export {
  classCounts,
  type DataSplit,
  mulberry32,
  permutation,
  splitValidation,
  stratifiedSubset,
  type SubsetOptions,
  take,
  type ValidationOptions,
} from "./split.ts";
export { batches, normalize, oneHot, type SplitTensors, toTensors } from "./tensors.ts";
