/**
 * Route (d) of `deno task setup`: tfjs-node's stock download of libtensorflow
 * from Google's storage, for users who can reach it (Node.js runs the
 * package's own install script).
 *
 * @module
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { TfjsNodePackage } from "./libtensorflow.ts";

/** Host of tfjs-node's stock libtensorflow download. */
const STOCK_HOST = "https://storage.googleapis.com/";

/**
 * Runs tfjs-node's own install script, after checking that its host can be
 * reached; returns why it failed, or `undefined` when it installed.
 */
export async function stockInstall(
  pkg: TfjsNodePackage,
  packageDir: string,
  log: (line: string) => void,
): Promise<string | undefined> {
  log(`checking whether ${STOCK_HOST} can be reached for tfjs-node's stock download`);
  try {
    await fetch(STOCK_HOST, { method: "HEAD", signal: AbortSignal.timeout(5000) });
  } catch (err) {
    const reason = `stock download: ${STOCK_HOST} cannot be reached (${
      err instanceof Error ? err.message : err
    })`;
    log(reason);
    return reason;
  }
  const require = createRequire(join(packageDir, "package.json"));
  const preGypBin = join(dirname(require.resolve("@mapbox/node-pre-gyp/package.json")), "bin");
  log(`running node scripts/install.js${pkg.gpu ? " gpu download" : ""} in ${packageDir}`);
  try {
    const out = await new Deno.Command("node", {
      args: ["scripts/install.js", ...(pkg.gpu ? ["gpu", "download"] : [])],
      cwd: packageDir,
      env: { PATH: `${preGypBin}:${Deno.env.get("PATH") ?? ""}` },
    }).output();
    return out.code === 0
      ? undefined
      : `stock download: scripts/install.js exited with ${out.code}`;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      return "stock download: needs Node.js (`node`), which is missing";
    }
    throw err;
  }
}
