/**
 * Helpers for the data module's tests: a temporary folder, a folder listing,
 * and a local HTTP server on 127.0.0.1 that serves the fixture files, well or
 * badly. Not part of the public API.
 *
 * @module
 */
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { decodedCacheDir } from "./cache.ts";
import { FILE_NAMES, FIXTURE_CHECKSUMS } from "./checksums.ts";
import { loadFashionMnist, type LoadOptions } from "./load.ts";
import { FIXTURE_DIR } from "./sources.ts";

/** The names in a folder, sorted; `[]` when it does not exist. */
export async function listDir(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return names.sort();
}

/** Copies the four fixture `.gz` files into `dir`. */
export async function copyFixtures(dir: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  for await (const entry of Deno.readDir(FIXTURE_DIR)) {
    if (entry.name.endsWith(".gz")) {
      await Deno.copyFile(join(FIXTURE_DIR, entry.name), join(dir, entry.name));
    }
  }
}

/**
 * How the server answers for one file: `drop-half` sends half the body under
 * the full Content-Length, then closes the connection; `stall` sends the
 * headers and then nothing; `status-503`/`status-404` answer with that
 * status; `garbage` serves well-formed gzip of the wrong bytes.
 */
export type Behaviour = "ok" | "drop-half" | "stall" | "status-404" | "status-503" | "garbage";

/** A running fixture server. */
export interface FixtureServer {
  /** Base URL, ending in `/`. */
  url: string;
  /** The file names requested, in order. */
  hits: string[];
  /** Stops it, ending any stalled response. */
  close(): Promise<void>;
}

/**
 * Serves `fixtures/fashion-mnist/*.gz` on 127.0.0.1 (a free port).
 *
 * @param behaviour How to answer for a file name; called per request, so it
 *   can change between attempts. Default: always `"ok"`.
 */
export function serveFixtures(
  behaviour: (name: string, hit: number) => Behaviour = () => "ok",
): FixtureServer {
  const hits: string[] = [];
  const stalled = new Set<ReadableStreamDefaultController<Uint8Array>>();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const name = new URL(request.url).pathname.slice(1);
      hits.push(name);
      const how = behaviour(name, hits.filter((h) => h === name).length);
      let body: Uint8Array<ArrayBuffer>;
      try {
        body = await Deno.readFile(join(FIXTURE_DIR, name));
      } catch {
        return new Response("not found", { status: 404 });
      }
      switch (how) {
        case "ok":
          return new Response(body);
        case "garbage":
          return new Response(new Uint8Array(gzipSync(new Uint8Array(1000))));
        case "stall":
          return new Response(
            new ReadableStream<Uint8Array>({ start: (c) => void stalled.add(c) }),
            { headers: { "content-length": String(body.length) } },
          );
        case "drop-half": {
          // Ending the stream short of the Content-Length makes the server drop the connection.
          const half = body.subarray(0, body.length >> 1);
          const stream = new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(half);
              setTimeout(() => controller.close(), 20);
            },
          });
          return new Response(stream, { headers: { "content-length": String(body.length) } });
        }
        default: // status-NNN
          return new Response(null, { status: Number(how.slice("status-".length)) });
      }
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}/`,
    hits,
    async close() {
      for (const c of stalled) {
        try {
          c.close();
        } catch {
          // already cancelled by the client
        }
      }
      await server.shutdown();
    },
  };
}

/**
 * A raw TCP server on 127.0.0.1 that answers every request with a chunked
 * body (no Content-Length) holding the first half of `body`, then closes the
 * connection without the final chunk. (Deno.serve cannot cut a chunked body
 * without logging an error, hence the raw socket.)
 */
export function serveChunkedThenDrop(body: Uint8Array): { url: string; close(): void } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const encoder = new TextEncoder();
  (async () => {
    for await (const conn of listener) {
      try {
        await conn.read(new Uint8Array(64 * 1024)); // the request; its content does not matter
        const half = body.subarray(0, body.length >> 1);
        const head = "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n" +
          `${half.length.toString(16)}\r\n`;
        await conn.write(encoder.encode(head));
        for (let at = 0; at < half.length;) at += await conn.write(half.subarray(at));
        await conn.write(encoder.encode("\r\n"));
      } catch {
        // the client went away: nothing to do
      } finally {
        conn.close();
      }
    }
  })().catch(() => {}); // ends when the listener closes
  return {
    url: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}/`,
    close: () => listener.close(),
  };
}

/**
 * What the loader's tests share: `load` (the fixtures, with no system copy
 * and no download unless a test adds them), the four file names, a decoded
 * cache's listing, the cache folder of a temporary folder, and the fixes the
 * loader names when it finds nothing.
 */
export function loadHelpers() {
  return {
    load: (options: LoadOptions) =>
      loadFashionMnist({
        checksums: FIXTURE_CHECKSUMS,
        systemDir: null,
        baseUrls: false,
        ...options,
      }),
    NAMES: Object.values(FILE_NAMES),
    CACHED: [...Object.values(FILE_NAMES), "manifest.json"].sort(),
    cacheOf: (tmp: string) => decodedCacheDir(tmp, FIXTURE_CHECKSUMS),
    FIX:
      "Fix: install Debian's package (apt-get install dataset-fashion-mnist), or name a folder " +
      "that holds the four files (--data-dir DIR, or `dir` in the API), or go online so they can " +
      "be downloaded.",
  };
}
