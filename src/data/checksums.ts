/**
 * What the four Fashion-MNIST files are: their names, the SHA-256 of their
 * decompressed bytes (so both the official `.gz` files and Debian's
 * recompressed ones verify), where they are published, and the shape of
 * their images, which the IDX files, the splits and the tensors all share.
 *
 * @module
 */

/** The four files' names, without `.gz`, by role. */
export const FILE_NAMES: {
  readonly trainImages: "train-images-idx3-ubyte";
  readonly trainLabels: "train-labels-idx1-ubyte";
  readonly testImages: "t10k-images-idx3-ubyte";
  readonly testLabels: "t10k-labels-idx1-ubyte";
} = Object.freeze({
  trainImages: "train-images-idx3-ubyte",
  trainLabels: "train-labels-idx1-ubyte",
  testImages: "t10k-images-idx3-ubyte",
  testLabels: "t10k-labels-idx1-ubyte",
});

/** A file's role. */
export type FileRole = keyof typeof FILE_NAMES;

/** The roles in load order: training images and labels, then test images and labels. */
export const FILE_ROLES: readonly FileRole[] = Object.freeze(Object.keys(FILE_NAMES) as FileRole[]);

/** Expected SHA-256 (lowercase hex, of the decompressed bytes) of each file. */
export type Checksums = Readonly<Record<FileRole, string>>;

/**
 * The full dataset: 60,000 training and 10,000 test images. Decompressed
 * sizes: 47,040,016, 60,008, 7,840,016 and 10,008 bytes.
 */
export const FULL_CHECKSUMS: Checksums = Object.freeze({
  trainImages: "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
  trainLabels: "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
  testImages: "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
  testLabels: "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
});

/**
 * The fixture subset in `fixtures/fashion-mnist/` (2,000 training and 500 test
 * images, 200 and 50 per class), as `deno task make-fixtures` writes it.
 * Pass it as `checksums` to load the fixtures.
 */
export const FIXTURE_CHECKSUMS: Checksums = Object.freeze({
  trainImages: "8fc38b1e7391e31f242aebcf586cc8ae765fb2f99b1341b20cf8198b9bc5f873",
  trainLabels: "40db770de5a73a1c12a345e3db21f5aef69e5cf6fea066a6951d2495968ced89",
  testImages: "5f7df20445c2bedcf2e5d3fc80a520c5db22c2b4d3ce5bc94754c2fab9df8c98",
  testLabels: "c087887ec71643a43d92f12e4d822966287fdb1a6d29ab07f8b694a5a12a9eac",
});

/**
 * Where Zalando Research publishes the files (from the dataset's README);
 * each file is `<base><name>.gz`.
 */
export const OFFICIAL_BASE_URLS: readonly string[] = Object.freeze([
  "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
]);

/** Image side length in pixels. */
export const IMAGE_SIZE = 28;
/** Pixels per image (28 × 28). */
export const IMAGE_PIXELS = IMAGE_SIZE * IMAGE_SIZE;
