/**
 * The Keras peer's environment as `deno task setup-keras` made it in the
 * suite's cache folder, probed once for the tests that run Keras.
 *
 * @module
 */
import { defaultCacheDir } from "../src/data/cache.ts";
import { type KerasProbe, kerasVenvDir, probeKeras } from "../src/peer/keras.ts";

/** Probes the Keras environment in the cache folder that `HOME` or `XDG_CACHE_HOME` names. */
export function probeTestKeras(): Promise<KerasProbe> {
  const cache = defaultCacheDir({
    xdgCacheHome: Deno.env.get("XDG_CACHE_HOME"),
    home: Deno.env.get("HOME"),
  });
  return probeKeras(kerasVenvDir(cache));
}
