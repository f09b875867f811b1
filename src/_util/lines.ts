/**
 * Reading a child process's output line by line, as it arrives.
 *
 * @module
 */

/**
 * Calls `onLine` with every line of `stream` (UTF-8, split at `\n`, without
 * the newline), the last one even without a newline; resolves at its end.
 */
export async function forEachLine(
  stream: ReadableStream<Uint8Array>,
  onLine: (line: string) => void,
): Promise<void> {
  let pending = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    lines.forEach(onLine);
  }
  if (pending !== "") onLine(pending);
}
