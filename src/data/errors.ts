/**
 * The data module's error type.
 *
 * @module
 */

/**
 * A dataset file is missing, damaged or not what was expected. The message is
 * one line that names the file, what was expected, what was found and, where
 * there is one, what to do.
 */
export class DatasetError extends Error {
  /**
   * Creates the error.
   *
   * @param message The whole explanation, as one line.
   * @param options `cause`: the lower-level error, if any.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DatasetError";
  }
}
