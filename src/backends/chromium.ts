/**
 * Finding the Chromium that the browser backends run in: a path given by
 * the caller, else the usual names on a `PATH`. Loads nothing.
 *
 * @module
 */

/** The names looked for on `PATH`, in order. */
export const CHROMIUM_NAMES = [
  "chromium",
  "chromium-browser",
  "google-chrome",
  "google-chrome-stable",
];

/** The browser to use, or why there is none. */
export type ChromiumFinding = { path: string } | { missing: string };

/** Where to look: a path given outright (e.g. `FMNIST_CHROMIUM`), and the `PATH` to search. */
export interface FindChromiumOptions {
  /** A binary named outright; it must exist. */
  given?: string;
  /** The `PATH` value to search, `:`-separated. Default: none. */
  searchPath?: string;
}

/** Finds a Chromium binary, or says in one line why there is none and how to install one. */
export function findChromium(options: FindChromiumOptions = {}): ChromiumFinding {
  if (options.given) {
    return isFile(options.given)
      ? { path: options.given }
      : { missing: `${options.given}: no such browser binary (from FMNIST_CHROMIUM)` };
  }
  for (const dir of (options.searchPath ?? "").split(":").filter(Boolean)) {
    for (const name of CHROMIUM_NAMES) {
      if (isFile(`${dir}/${name}`)) return { path: `${dir}/${name}` };
    }
  }
  return {
    missing: `no Chromium on PATH (looked for ${
      CHROMIUM_NAMES.join(", ")
    }); install it with apt-get install -y chromium, or set FMNIST_CHROMIUM`,
  };
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}
