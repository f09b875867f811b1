/**
 * Opens a page in headless Chromium (Debian's `chromium`, driven by
 * `puppeteer-core`) and reports what a person opening it would meet: console
 * errors, uncaught exceptions, every request beyond the page itself, the
 * charts' state and the marks each chart drew.
 *
 * Tests that need it skip when no Chromium is found, with the reason, unless
 * `FMNIST_REQUIRE_BROWSER=1` (set by `.ci/run`), which makes a missing
 * browser a failure.
 *
 * @module
 */
import type { Browser } from "puppeteer-core";
import { launchChromium } from "../src/browser/driver.ts";
import { type ChromiumFinding, findChromium } from "../src/backends/chromium.ts";
import { pathToFileURL } from "node:url";

/** Finds Chromium as the suite does: `FMNIST_CHROMIUM`, else `PATH`. */
export function findTestChromium(): ChromiumFinding {
  return findChromium({ given: Deno.env.get("FMNIST_CHROMIUM"), searchPath: Deno.env.get("PATH") });
}

/** Whether browser tests must run: a missing Chromium then fails instead of skipping. */
export const BROWSER_REQUIRED = Deno.env.get("FMNIST_REQUIRE_BROWSER") === "1";

/** `Deno.test`'s `ignore` for a browser test, printing why once per file. */
export function browserIgnore(): boolean {
  const found = findTestChromium();
  if ("path" in found || BROWSER_REQUIRED) return false;
  console.warn(`browser tests skipped: ${found.missing}`);
  return true;
}

/** What a page did after it loaded. */
export interface PageVisit {
  /** Console messages of type error or warning, uncaught exceptions, and dialogs (`alert`). */
  errors: string[];
  /** Requested URLs other than the page itself. */
  requests: string[];
  /** The body's `data-charts` once it left `pending` (or `timeout`). */
  chartsState: string;
  /** Per chart figure id: its `data-state` and the number of drawn mark elements. */
  charts: Record<string, { state: string; marks: number }>;
  /** The page's visible text. */
  text: string;
  /** Element counts for the selectors asked for. */
  counts: Record<string, number>;
}

/** What counts as a drawn mark: a shape inside one of Vega's data marks (axes and legends are not). */
const MARKS = "svg g.role-mark > path, svg g.role-mark > line, svg g.role-mark > text";

/** Launches Chromium as the browser backends do; the caller closes it. */
export function launchBrowser(): Promise<Browser> {
  const found = findTestChromium();
  if (!("path" in found)) throw new Error(found.missing);
  return launchChromium(found.path);
}

/**
 * Opens `path` from disk, waits for its charts to leave `pending` (at most
 * `timeoutMs`), and reports the visit.
 */
export async function visitPage(
  browser: Browser,
  path: string,
  options: { timeoutMs?: number; count?: readonly string[] } = {},
): Promise<PageVisit> {
  const { timeoutMs = 30_000, count = [] } = options;
  const url = pathToFileURL(path).href;
  const page = await browser.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warn") errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`exception: ${(e as Error).message ?? e}`));
  page.on("dialog", async (d) => {
    errors.push(`dialog: ${d.type()} ${d.message()}`);
    await d.dismiss();
  });
  page.on("request", (r) => {
    if (r.url() !== url) requests.push(r.url());
  });
  try {
    await page.goto(url, { waitUntil: "load" });
    let chartsState = "timeout";
    try {
      await page.waitForFunction('document.body.dataset.charts !== "pending"', {
        timeout: timeoutMs,
      });
      chartsState = await page.evaluate('document.body.dataset.charts ?? ""') as string;
    } catch {
      // stays "timeout"
    }
    // Page code runs in the browser, so it is given as text (this file has no DOM types).
    const charts = await page.evaluate(`(() => {
      const out = {};
      for (const f of document.querySelectorAll("figure.chart")) {
        out[f.id] = {
          state: f.dataset.state ?? "",
          marks: f.querySelectorAll(${JSON.stringify(MARKS)}).length,
        };
      }
      return out;
    })()`) as PageVisit["charts"];
    const text = await page.evaluate("document.body.innerText") as string;
    const counts: Record<string, number> = {};
    for (const selector of count) {
      counts[selector] = await page.evaluate(
        `document.querySelectorAll(${JSON.stringify(selector)}).length`,
      ) as number;
    }
    return { errors, requests, chartsState, charts, text, counts };
  } finally {
    await page.close();
  }
}
