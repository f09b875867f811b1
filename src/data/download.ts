/**
 * Downloading a dataset file over HTTP(S): a timeout per attempt, retries
 * with backoff, progress reports, and an atomic write, so that a dropped
 * connection never leaves a partial file behind.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { DatasetError } from "./errors.ts";

/** Options for {@link downloadFile}. */
export interface DownloadOptions {
  /** Milliseconds one attempt may take, headers and body together. Default 60 000. */
  timeoutMs?: number;
  /** Attempts after the first one fails. Default 2. */
  retries?: number;
  /** Milliseconds before the first retry; doubled each time. Default 500. */
  backoffMs?: number;
  /** Called as bytes arrive; `total` is `undefined` without a Content-Length. */
  onProgress?: (received: number, total: number | undefined) => void;
}

/**
 * Downloads `url` into `path` atomically (a temporary file in the same folder,
 * renamed once complete).
 *
 * @throws {DatasetError} After the last failed attempt, naming the URL and the reason.
 */
export async function downloadFile(
  url: string,
  path: string,
  options: DownloadOptions = {},
): Promise<void> {
  const { timeoutMs = 60_000, retries = 2, backoffMs = 500, onProgress } = options;
  let lastError = "";
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, backoffMs * 2 ** (attempt - 1)));
    try {
      await attemptDownload(url, path, timeoutMs, onProgress);
      return;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
  }
  throw new DatasetError(`${url}: download failed after ${retries + 1} attempts: ${lastError}`);
}

async function attemptDownload(
  url: string,
  path: string,
  timeoutMs: number,
  onProgress?: (received: number, total: number | undefined) => void,
): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${crypto.randomUUID()}.part`);
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new Error(`HTTP ${response.status} ${response.statusText}`);
    }
    const header = response.headers.get("content-length");
    const total = header === null ? undefined : Number(header);
    let received = 0;
    const file = await Deno.open(tmp, { write: true, createNew: true });
    try {
      for await (const chunk of response.body) {
        let written = 0;
        while (written < chunk.length) written += await file.write(chunk.subarray(written));
        received += chunk.length;
        onProgress?.(received, total);
      }
      await file.sync();
    } finally {
      file.close();
    }
    if (total !== undefined && received !== total) {
      throw new Error(`expected ${total} bytes, got ${received} (connection closed early)`);
    }
    await Deno.rename(tmp, path);
  } finally {
    await Deno.remove(tmp).catch(() => {});
  }
}
