/**
 * Drives a headless Chromium (`puppeteer-core`, with the system's browser)
 * to a page, with the switches that give it WebGPU and WebGL on machines
 * without a GPU (SwiftShader, a software renderer, which the page then
 * reports as such).
 *
 * @module
 */
import puppeteer, { type Browser } from "puppeteer-core";

/** Chromium's switches for the browser backends. */
export const CHROMIUM_ARGS: readonly string[] = [
  // root in a container has no user namespace for the sandbox
  "--no-sandbox",
  "--enable-unsafe-webgpu",
  "--enable-features=Vulkan",
  "--use-angle=swiftshader",
  "--enable-unsafe-swiftshader",
  "--ignore-gpu-blocklist",
  "--no-first-run",
  "--no-default-browser-check",
];

/** An open page in a launched browser. */
export interface DrivenPage {
  /** The browser's product and version, e.g. `Chrome/156.0.8078.129`. */
  version: string;
  /** Rejects when the page throws, crashes or logs an error. */
  failed: Promise<never>;
  /** Closes the browser. */
  close(): Promise<void>;
}

/**
 * Launches Chromium headless with {@link CHROMIUM_ARGS}; the caller closes it.
 *
 * @throws {Error} When it does not start; the message names the binary.
 */
export async function launchChromium(chromium: string): Promise<Browser> {
  try {
    return await puppeteer.launch({
      executablePath: chromium,
      headless: true,
      args: [...CHROMIUM_ARGS],
    });
  } catch (err) {
    throw new Error(`${chromium} did not start: ${(err as Error).message.split("\n")[0]}`);
  }
}

/**
 * Launches Chromium and opens `url`.
 *
 * @param onConsole Each console message, as `type: text`.
 */
export async function openInChromium(
  chromium: string,
  url: string,
  onConsole: (line: string) => void = () => {},
): Promise<DrivenPage> {
  const browser = await launchChromium(chromium);
  const page = await browser.newPage();
  const failed = new Promise<never>((_, reject) => {
    page.on("pageerror", (e) => reject(new Error(`the page threw: ${(e as Error).message ?? e}`)));
    page.on("error", (e) => reject(new Error(`the page crashed: ${e.message}`)));
  });
  failed.catch(() => {});
  page.on("console", (m) => onConsole(`${m.type()}: ${m.text()}`));
  // A page in the background is throttled; a headless one is never in the background.
  await page.goto(url, { waitUntil: "load" });
  return { version: await browser.version(), failed, close: () => browser.close() };
}
