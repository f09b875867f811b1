/**
 * The error the steps of `deno task setup` throw for a reason the user can act
 * on: a missing tool, a wheel with the wrong checksum, a binding that does not
 * compile.
 *
 * @module
 */

/** A setup step failed for a reason the user can act on; the message says how. */
export class SetupError extends Error {
  /** @param message What failed, what was expected, and what to do. */
  constructor(message: string) {
    super(message);
    this.name = "SetupError";
  }
}
