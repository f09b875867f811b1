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

/**
 * Parses a flag value as a positive integer.
 *
 * @param flag The flag's name as the user typed it, e.g. `--epochs`.
 * @param value The raw string from the command line.
 * @returns The integer.
 * @throws {UsageError} When the value is not a whole number above zero.
 */
export function parsePositiveInt(flag: string, value: string): number {
  const trimmed = value.trim();
  const n = Number(trimmed);
  if (trimmed === "" || !Number.isInteger(n) || n <= 0) {
    throw new UsageError(`${flag}: expected a positive integer, got ${JSON.stringify(value)}`);
  }
  return n;
}
