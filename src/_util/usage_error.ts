/**
 * The error of a user's mistake: a bad flag, a bad value, sizes the data
 * cannot give. Library code throws it where the input came from a user; the
 * CLI prints its message as one line and exits with code 2.
 *
 * @module
 */

/**
 * A mistake in how a command was called (a bad flag, a bad value). The CLI
 * prints its message as one line and exits with code 2.
 */
export class UsageError extends Error {
  /** @param message Says which input was wrong, what was expected and what was found. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
