/**
 * A pip wheel pinned by version, file and SHA-256: what the libtensorflow
 * setup, the CUDA wheels and the GPU kit fetch.
 *
 * @module
 */

/** A pip wheel fetched by `deno task setup`, pinned by version, file and SHA-256. */
export interface PinnedWheel {
  /** What pip is asked for, e.g. `tensorflow-cpu==2.21.0`. */
  requirement: string;
  /** The exact file pip must produce. */
  file: string;
  /** Its SHA-256; anything else is deleted and refused. */
  sha256: string;
  /** pip's `--python-version`: the wheel's tag, not the Python that runs pip. */
  pythonVersion: string;
  /** pip's `--platform`: the wheel's own platform tag (pip does not widen it). */
  platform: string;
}
