import assert from "node:assert/strict";
import { join } from "node:path";
import { downloadBytes } from "./download.ts";
import { FIXTURE_DIR } from "./sources.ts";
import { serveChunkedThenDrop, serveFixtures } from "./_testing.ts";

const NAME = "t10k-labels-idx1-ubyte.gz";
const fixture = () => Deno.readFile(join(FIXTURE_DIR, NAME));
const quick = { retries: 2, backoffMs: 1 };

Deno.test("downloadBytes returns the whole body and reports progress", async () => {
  const server = serveFixtures();
  try {
    const progress: [number, number | undefined][] = [];
    const body = await downloadBytes(`${server.url}${NAME}`, {
      onProgress: (received, total) => progress.push([received, total]),
    });
    const expected = await fixture();
    assert.deepEqual(body, expected);
    assert.deepEqual(progress.at(-1), [expected.length, expected.length]);
  } finally {
    await server.close();
  }
});

Deno.test("downloadBytes fails after its retries when the connection drops half way", async () => {
  const server = serveFixtures(() => "drop-half");
  try {
    await assert.rejects(downloadBytes(`${server.url}${NAME}`, quick), (err: Error) => {
      assert.equal(err.name, "DatasetError");
      assert.match(
        err.message,
        new RegExp(`^${server.url}${NAME}: download failed after 3 attempts: .+$`),
      );
      return true;
    });
    assert.deepEqual(server.hits, [NAME, NAME, NAME]);
  } finally {
    await server.close();
  }
});

Deno.test("downloadBytes notices a chunked body with no Content-Length that stops half way", async () => {
  const server = serveChunkedThenDrop(await fixture());
  try {
    await assert.rejects(downloadBytes(`${server.url}${NAME}`, { retries: 0 }), (err: Error) => {
      assert.equal(err.name, "DatasetError");
      assert.match(err.message, new RegExp(`^${server.url}${NAME}: download failed: .+$`));
      return true;
    });
  } finally {
    server.close();
  }
});

Deno.test("downloadBytes retries a 503 and then succeeds", async () => {
  const server = serveFixtures((_, hit) => hit === 1 ? "status-503" : "ok");
  try {
    assert.deepEqual(await downloadBytes(`${server.url}${NAME}`, quick), await fixture());
    assert.deepEqual(server.hits, [NAME, NAME]);
  } finally {
    await server.close();
  }
});

Deno.test("downloadBytes does not retry a 404", async () => {
  const server = serveFixtures(() => "status-404");
  try {
    await assert.rejects(downloadBytes(`${server.url}${NAME}`, quick), {
      name: "DatasetError",
      message: `${server.url}${NAME}: download failed: HTTP 404 Not Found`,
    });
    assert.equal(server.hits.length, 1);
  } finally {
    await server.close();
  }
});

Deno.test("downloadBytes times out a body that stalls", async () => {
  const server = serveFixtures(() => "stall");
  try {
    await assert.rejects(
      downloadBytes(`${server.url}${NAME}`, { timeoutMs: 100, retries: 1, backoffMs: 1 }),
      {
        name: "DatasetError",
        message:
          `${server.url}${NAME}: download failed after 2 attempts: timed out: no data within 100 ms`,
      },
    );
  } finally {
    await server.close();
  }
});
