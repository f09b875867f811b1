/**
 * The loopback server a browser page is run from: the page, its bundled
 * script and tfjs-backend-wasm's `.wasm` files, the job and its data as
 * bytes, and an endpoint for the page's events, whose reply to the last
 * one is the results, for the page to offer as `results.json`. Every response carries the headers
 * that make the page cross-origin isolated (COOP `same-origin`, COEP
 * `require-corp`), which WebAssembly's threads need; nothing is fetched from
 * anywhere else.
 *
 * @module
 */
import type { PageBundle } from "./bundle.ts";
import type { BrowserEvent, BrowserJob } from "./job_wire.ts";

/** Options of {@link servePage}. */
export interface ServePageOptions {
  /** The page's script and `.wasm` files. */
  bundle: PageBundle;
  /** The job the page fetches. */
  job: BrowserJob;
  /** Its data (`encodeJobData`). */
  data: Uint8Array;
  /**
   * Called with each event the page POSTs, in order; the page waits for it.
   * What it returns, when not undefined, is the reply, as JSON (the results,
   * for `done`: the page offers them for download).
   */
  onEvent: (event: BrowserEvent) => Promise<unknown> | unknown;
  /** The port; default 0 (any free one). */
  port?: number;
  /** The address to listen on. Default `127.0.0.1`: the machine's own browsers only. */
  hostname?: string;
}

/** A running page server. */
export interface PageServer {
  /** The page's address, e.g. `http://127.0.0.1:41234/`. */
  url: string;
  /** Stops the server. */
  close(): Promise<void>;
}

const ISOLATION = {
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-embedder-policy": "require-corp",
  "cross-origin-resource-policy": "same-origin",
  "cache-control": "no-store",
};

/** The page: a log of its events, and a link to the results once done. */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>fmnist-bench in this browser</title>
<style>body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem; } pre { white-space: pre-wrap; }</style>
</head>
<body data-state="running">
<h1>fmnist-bench in this browser</h1>
<p>Keep this tab in front while it runs: a background tab is throttled, and its times would be too.</p>
<pre id="log"></pre>
<p id="results"></p>
<script type="module" src="/page.js"></script>
</body>
</html>
`;

/** Starts the server; the page is at the returned `url`. */
export function servePage(options: ServePageOptions): PageServer {
  const { bundle, job, data, onEvent } = options;
  const body = JSON.stringify(job);
  // Events are handled one at a time, in the order they came.
  let queue: Promise<unknown> = Promise.resolve();
  const handler = async (request: Request): Promise<Response> => {
    const path = new URL(request.url).pathname;
    const reply = (content: BodyInit | null, type: string, status = 200) =>
      new Response(content, { status, headers: { ...ISOLATION, "content-type": type } });
    if (request.method === "POST" && path === "/event") {
      let event: BrowserEvent;
      try {
        event = await request.json();
      } catch {
        return reply("expected a JSON event", "text/plain", 400);
      }
      const handled = queue.then(() => onEvent(event));
      queue = handled.catch(() => {});
      try {
        const answer = await handled;
        return answer === undefined
          ? reply("ok", "text/plain")
          : reply(`${JSON.stringify(answer, null, 2)}\n`, "application/json");
      } catch (err) {
        return reply((err as Error).message, "text/plain", 500);
      }
    }
    if (request.method !== "GET") return reply("not found", "text/plain", 404);
    if (path === "/" || path === "/index.html") return reply(PAGE_HTML, "text/html; charset=utf-8");
    if (path === "/page.js") return reply(bundle.code, "text/javascript; charset=utf-8");
    if (path === "/job") return reply(body, "application/json");
    if (path === "/data") return reply(data.slice(), "application/octet-stream");
    if (path === "/favicon.ico") return reply(null, "image/x-icon", 204);
    const wasm = path.startsWith("/wasm/") ? bundle.wasm[path.slice("/wasm/".length)] : undefined;
    if (wasm) return reply(wasm.slice(), "application/wasm");
    return reply("not found", "text/plain", 404);
  };
  const server = Deno.serve({
    hostname: options.hostname ?? "127.0.0.1",
    port: options.port ?? 0,
    onListen: () => {},
  }, handler);
  const addr = server.addr as Deno.NetAddr;
  const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  return { url: `http://${host}:${addr.port}/`, close: () => server.shutdown() };
}
