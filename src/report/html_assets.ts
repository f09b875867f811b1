/**
 * The scripts an HTML report inlines, read from the installed npm packages
 * (Vega, Vega-Lite and vega-embed, the browser builds their `package.json`
 * names as `unpkg`), so a page opened from disk draws its charts with no
 * network. The scripts are read, never fetched.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { packageRoot } from "../_util/package_root.ts";
import { fileURLToPath } from "node:url";

/** The packages whose browser builds a page inlines, in the order they must load. */
export const CHART_PACKAGES = ["vega", "vega-lite", "vega-embed"] as const;

/** One inlined script. */
export interface ChartScript {
  /** The npm package. */
  name: (typeof CHART_PACKAGES)[number];
  /** Its version, from its `package.json`. */
  version: string;
  /** The script's text. */
  code: string;
}

/**
 * Reads the browser build of each of {@link CHART_PACKAGES} from the nearest
 * `node_modules/<name>/` above `from`, as Node resolves a package (the
 * repository's own `node_modules`, or the copy the GPU kit carries beside
 * its bundle).
 *
 * @param from Where to look from, as a file URL or path; default: this module.
 * @throws {Error} When a package or its build is missing; the message names it and says to run `deno install`.
 */
export async function loadChartScripts(from: string = import.meta.url): Promise<ChartScript[]> {
  const scripts: ChartScript[] = [];
  for (const { name, version, root, unpkg } of await chartBuilds(from)) {
    scripts.push({ name, version, code: await Deno.readTextFile(join(root, unpkg)) });
  }
  return scripts;
}

/**
 * The files {@link loadChartScripts} reads, for a copy elsewhere (the GPU
 * kit carries them beside its bundle): each as its path under
 * `node_modules/` and where it is now.
 */
export async function chartScriptFiles(
  from: string = import.meta.url,
): Promise<{ path: string; source: string }[]> {
  return (await chartBuilds(from)).flatMap(({ name, root, unpkg }) =>
    ["package.json", unpkg].map((file) => ({ path: `${name}/${file}`, source: join(root, file) }))
  );
}

/** Each package's folder, version and browser build (its `unpkg` file), found from `from`. */
async function chartBuilds(from: string) {
  const start = dirname(from.startsWith("file:") ? fileURLToPath(from) : from);
  const builds = [];
  for (const name of CHART_PACKAGES) {
    const root = await packageRoot(start, name);
    const manifest = JSON.parse(await Deno.readTextFile(join(root, "package.json"))) as {
      version?: string;
      unpkg?: string;
    };
    if (!manifest.unpkg || !manifest.version) {
      throw new Error(
        `${
          join(root, "package.json")
        }: expected the version and "unpkg" browser build of ${name}, got none`,
      );
    }
    builds.push({ name, root, version: manifest.version, unpkg: manifest.unpkg });
  }
  return builds;
}
