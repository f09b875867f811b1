/**
 * Finding an installed npm package's folder the way Node resolves one: the
 * nearest `node_modules/<name>` at or above a folder. The suite's bundle in
 * the GPU kit finds the files it carries (`app/node_modules/`) the same way
 * as the repository finds its own.
 *
 * @module
 */
import { dirname, join } from "node:path";

/**
 * The nearest `node_modules/<name>` folder holding a `package.json`, from `start` up.
 *
 * @throws {Error} When there is none; the message names the package and says to run `deno install`.
 */
export async function packageRoot(start: string, name: string): Promise<string> {
  for (let dir = start;; dir = dirname(dir)) {
    const root = join(dir, "node_modules", name);
    try {
      if ((await Deno.stat(join(root, "package.json"))).isFile) return root;
    } catch {
      // not here
    }
    if (dir === dirname(dir)) break;
  }
  throw new Error(
    `the ${name} package is not installed (no node_modules/${name} at or above ${start}); run deno install`,
  );
}
