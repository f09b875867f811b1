/**
 * The page's entry (bundled by `bundle.ts`): fetches its job and data from
 * the server that served it, runs the job, POSTs each event back, and shows
 * them on the page. With `?open`, a person's own browser ran it, and the
 * page links the results the server assembled.
 *
 * @module
 */
import { runBrowserJob } from "./job.ts";
import type { BrowserEvent } from "./job_wire.ts";

const doc = (globalThis as unknown as {
  document: {
    getElementById(id: string): { textContent: string | null; innerHTML: string } | null;
    body: { dataset: Record<string, string> };
  };
}).document;

function show(line: string): void {
  const log = doc.getElementById("log");
  if (log) log.textContent = `${log.textContent ?? ""}${line}\n`;
}

async function send(event: BrowserEvent): Promise<string> {
  show(describe(event));
  const response = await fetch("/event", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(event),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`the driver refused an event: ${text}`);
  return text;
}

function describe(e: BrowserEvent): string {
  switch (e.type) {
    case "device":
      return `device: ${e.device.description}`;
    case "model-start":
      return `${e.model}: ${e.epochs} epochs`;
    case "epoch":
      return `${e.model} epoch ${e.record.epoch}/${e.epochs}: ${
        e.record.trainSeconds.toFixed(2)
      } s, ` +
        `val acc ${((e.record.valAccuracy ?? 0) * 100).toFixed(2)}%`;
    case "phase":
      return `${e.model}: timing inference`;
    case "model-done":
      return `${e.run.model}: done${e.notTrained ? ` (${e.notTrained})` : ""}`;
    case "done":
      return "done";
    case "failed":
      return `failed: ${e.message}`;
  }
}

async function main(): Promise<void> {
  try {
    const job = await (await fetch("/job")).json();
    const bytes = new Uint8Array(await (await fetch("/data")).arrayBuffer());
    let results = "";
    await runBrowserJob(job, bytes, async (event) => {
      const reply = await send(event);
      if (event.type === "done") results = reply;
    });
    // The server stops once done: the results stay in the page, to download.
    const url = URL.createObjectURL(new Blob([results], { type: "application/json" }));
    const link = doc.getElementById("results");
    if (link) {
      link.innerHTML = `Done. Download <a href="${url}" download="results.json">results.json</a> ` +
        "and merge it with others: deno task merge results.json …";
    }
    doc.body.dataset.state = "done";
  } catch (err) {
    doc.body.dataset.state = "failed";
    await send({ type: "failed", message: (err as Error)?.message ?? String(err) }).catch(() => {});
  }
}

await main();
