/**
 * What the GPU kit checks before anything trains: WebGPU's adapter (or, in a
 * dry run, the pure-JS backend) and a Keras that sees a GPU. A machine
 * without a GPU is refused at once, outside a dry run.
 *
 * @module
 */
import { join } from "node:path";
import { adapterName, requestAdapterFacts } from "../backends/webgpu.ts";
import { findKeras, type KerasPython } from "./keras_python.ts";
import type { KitOptions, KitPlace } from "./place.ts";

/** Whether WebGPU (or, in a dry run, the pure-JS backend) can run, and on what. */
export interface WebGpuCheck {
  problem?: string;
  device?: string;
  fallback?: boolean;
}

/** The frameworks that can run here. */
export interface KitParts {
  /** Unset with `--only keras`. */
  webgpu?: WebGpuCheck;
  /** Unset when Keras cannot run, or with `--only tfjs`. */
  keras?: KerasPython;
}

/** @param vulkan `run.sh`'s line on the Vulkan loader and driver, added to a problem's reason. */
async function checkWebGpu(options: KitOptions, vulkan?: string): Promise<WebGpuCheck> {
  if (options.backend === "cpu") return { device: "pure JavaScript (a dry run)" };
  const found = await requestAdapterFacts();
  const why = vulkan ? ` (${vulkan})` : "";
  if (!found.facts) return { problem: `WebGPU: ${found.reason}${why}` };
  const description = adapterName(found.facts);
  const { isFallbackAdapter } = found.facts;
  if (isFallbackAdapter && !options.dryRun) {
    return { problem: `WebGPU: only a software adapter (${description}), not a GPU${why}` };
  }
  return {
    device: `WebGPU: ${description}${isFallbackAdapter ? " (software adapter, a dry run)" : ""}`,
    fallback: isFallbackAdapter,
  };
}

/**
 * Checks both frameworks before anything trains.
 *
 * @param log Prints what cannot run in a dry run.
 * @param vulkan `run.sh`'s line on the Vulkan loader and driver (none outside
 *   the kit), named in WebGPU's problem when it has one.
 * @throws {Error} Outside a dry run, when either framework has no GPU here.
 */
export async function checkParts(
  options: KitOptions,
  place: KitPlace,
  log: (line: string) => void,
  vulkan?: string,
): Promise<KitParts> {
  const problems: string[] = [];
  const webgpu = options.only === "keras" ? undefined : await checkWebGpu(options, vulkan);
  if (webgpu?.problem) problems.push(webgpu.problem);
  let keras: KerasPython | undefined;
  if (options.only !== "tfjs") {
    const found = await findKeras({
      python: options.python,
      backend: options.kerasBackend,
      needGpu: !options.dryRun,
      wheelsDir: place.manifest ? join(place.root, "wheels") : undefined,
      pylib: join(place.root, "work", "pylib"),
    });
    if ("reason" in found) problems.push(`Keras: ${found.reason}`);
    else keras = found;
  }
  if (problems.length > 0 && !options.dryRun) {
    throw new Error(
      `no GPU to measure here: ${problems.join("; ")}; ./run.sh --dry-run runs the same ` +
        `steps with tiny sizes on what is here`,
    );
  }
  for (const p of problems) {
    log(p.startsWith("Keras:") ? p.replace(/^Keras: /, "Keras: not available: ") : p);
  }
  return { webgpu, keras };
}
