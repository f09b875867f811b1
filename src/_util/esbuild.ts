/**
 * esbuild as the suite's bundles use it (the browser page, the GPU kit's
 * program, the conformance harness): one build into memory, esbuild's
 * service stopped after it, and modules that must not be bundled replaced by
 * a stub.
 *
 * @module
 */
import * as esbuild from "esbuild";

/**
 * Bundles `options` into memory (`write: false`, with the metafile, no legal
 * comments, no log), then stops esbuild.
 *
 * @param what What is bundled, for the error message.
 * @throws {Error} `esbuild could not bundle <what>: <esbuild's message>`.
 */
export async function bundleInMemory(
  what: string,
  options: esbuild.BuildOptions,
): Promise<esbuild.BuildResult<{ write: false; metafile: true }>> {
  try {
    return await esbuild.build({
      ...options,
      bundle: true,
      write: false,
      metafile: true,
      legalComments: "none",
      logLevel: "silent",
    });
  } catch (err) {
    throw new Error(`esbuild could not bundle ${what}: ${(err as Error).message}`);
  } finally {
    await esbuild.stop();
  }
}

/** A plugin that resolves every import `filter` matches to one module of JavaScript, `contents`. */
export function stubModules(namespace: string, filter: RegExp, contents: string): esbuild.Plugin {
  return {
    name: namespace,
    setup(build) {
      build.onResolve({ filter }, (args) => ({ path: args.path, namespace }));
      build.onLoad({ filter: /.*/, namespace }, () => ({ contents, loader: "js" }));
    },
  };
}
