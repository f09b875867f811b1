/**
 * The data module's error type.
 *
 * @module
 */

/**
 * A dataset file is missing, damaged or unexpected. The message names the
 * file, what was expected, what was found, and what to do.
 */
export class DatasetError extends Error {
  /**
   * Creates the error.
   *
   * @param message The whole explanation, as one line where possible.
   */
  constructor(message: string) {
    super(message);
    this.name = "DatasetError";
  }
}
