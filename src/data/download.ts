/**
 * Downloading over HTTP(S): a timeout on every wait, retries with backoff,
 * progress reports, and nothing on disk until the whole body has arrived (then
 * an atomic write), so a dropped connection never leaves a partial file.
 *
 * @module
 */
import { DatasetError } from "./errors.ts";
import { writeFileAtomic } from "../_util/fs.ts";

/** Options for {@link downloadBytes} and {@link downloadFile}. */
export interface DownloadOptions {
  /**
   * Milliseconds to wait for the response headers, and then for each next
   * piece of the body, before the attempt fails: a stalled connection fails,
   * a slow but moving one does not. Default 30 000.
   */
  timeoutMs?: number;
  /** Attempts after the first one fails. Default 2. */
  retries?: number;
  /** Milliseconds before the first retry; doubled for each further one. Default 1 000. */
  backoffMs?: number;
  /** Called as bytes arrive; `total` is `undefined` when the server sent no Content-Length. */
  onProgress?: (received: number, total: number | undefined) => void;
}

/** An HTTP status that failed the attempt; `permanent` ones (4xx but 408, 429) are not retried. */
class HttpStatusError extends Error {
  readonly permanent: boolean;
  constructor(status: number, statusText: string) {
    super(`HTTP ${status}${statusText ? ` ${statusText}` : ""}`);
    this.permanent = status >= 400 && status < 500 && status !== 408 && status !== 429;
  }
}

function reason(err: unknown): string {
  if (err instanceof DOMException && err.name === "TimeoutError") return err.message;
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : "";
    return `${err.message}${cause}`;
  }
  return String(err);
}

async function attempt(
  url: string,
  timeoutMs: number,
  onProgress: DownloadOptions["onProgress"],
): Promise<Uint8Array> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (waitingFor: string) => {
    clearTimeout(timer);
    const message = `timed out: no ${waitingFor} within ${timeoutMs} ms`;
    timer = setTimeout(
      () => controller.abort(new DOMException(message, "TimeoutError")),
      timeoutMs,
    );
  };
  try {
    arm("response");
    const response = await fetch(url, { signal: controller.signal });
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new HttpStatusError(response.status, response.statusText);
    }
    // With a Content-Encoding, fetch decodes the body and Content-Length no longer counts it.
    const length = response.headers.get("content-encoding")
      ? null
      : response.headers.get("content-length");
    const total = length !== null && /^\d+$/.test(length) ? Number(length) : undefined;
    const chunks: Uint8Array<ArrayBuffer>[] = [];
    let received = 0;
    const reader = response.body.getReader();
    for (;;) {
      arm("data");
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.length;
      onProgress?.(received, total);
    }
    if (total !== undefined && received !== total) {
      throw new Error(`expected ${total} bytes, got ${received} (connection closed early)`);
    }
    return new Uint8Array(await new Blob(chunks).arrayBuffer());
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Downloads `url` into memory: each attempt fails on a timeout (see
 * {@link DownloadOptions.timeoutMs}), a network error, a body shorter than its
 * Content-Length, or an HTTP error; network errors, timeouts, 408, 429 and 5xx
 * are retried with backoff.
 *
 * @returns The whole body.
 * @throws {DatasetError} After the last failed attempt, naming the URL, the
 *   attempts and the reason, e.g.
 *   `http://h/f.gz: download failed after 3 attempts: timed out: no data within 30000 ms`.
 */
export async function downloadBytes(
  url: string,
  options: DownloadOptions = {},
): Promise<Uint8Array> {
  const { timeoutMs = 30_000, retries = 2, backoffMs = 1_000, onProgress } = options;
  let attempts = 0;
  for (;;) {
    attempts++;
    try {
      return await attempt(url, timeoutMs, onProgress);
    } catch (err) {
      const permanent = err instanceof HttpStatusError && err.permanent;
      if (permanent || attempts > retries) {
        const tries = attempts === 1 ? "" : ` after ${attempts} attempts`;
        throw new DatasetError(`${url}: download failed${tries}: ${reason(err)}`, { cause: err });
      }
      await new Promise((resolve) => setTimeout(resolve, backoffMs * 2 ** (attempts - 1)));
    }
  }
}

/**
 * Downloads `url` into `path`: in memory first (see {@link downloadBytes}),
 * then written atomically (a temporary file in the same folder, renamed), so
 * `path` is either absent or complete. The folder must exist.
 *
 * @throws {DatasetError} When the download fails (see {@link downloadBytes}).
 */
export async function downloadFile(
  url: string,
  path: string,
  options: DownloadOptions = {},
): Promise<void> {
  await writeFileAtomic(path, await downloadBytes(url, options));
}
