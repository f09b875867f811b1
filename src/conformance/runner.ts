/**
 * Runs the conformance bundle in a child Deno process (`child.ts`) and reads
 * its event log back. A native crash or a hang ends only the child; the
 * log says how far it got and which spec was running.
 *
 * @module
 */
import { join } from "node:path";
import { type ChildConfig, type ChildExit, collectRun, type ConformanceRun } from "./events.ts";
import { denoRunArgs } from "../_util/deno_run.ts";

/**
 * Options for {@link runConformanceChild}: what the child is told (the bundle, see
 * `buildConformanceBundle`; the filter; whether the `IGNORE_LIST`'s specs run too, reported but
 * never judged), and after how many seconds it is killed.
 */
export type RunChildOptions = Omit<ChildConfig, "events"> & { timeoutSeconds: number };

/** What {@link runConformanceChild} saw. */
export interface ChildRun {
  /** The results read back from the event log. */
  record: ConformanceRun;
  /** How the child ended. */
  exit: ChildExit;
  /** The last part of the child's stdout and stderr (tfjs and TensorFlow logs, crash output). */
  outputTail: string;
  /** Seconds from spawning the child to its exit. */
  seconds: number;
}

/** How much of the child's output is kept for diagnosis. */
const OUTPUT_TAIL_BYTES = 16_384;

/**
 * Runs the bundle in a child `deno run -A` with this project's config, from
 * an empty temporary folder (the harness's jasmine config globs
 * `src/**\/*_test.ts` relative to the working folder, which must match
 * nothing). Sets `TF_CPP_MIN_LOG_LEVEL=2` for the child unless it is set.
 *
 * @throws {Error} When the child cannot be started or its log cannot be read.
 */
export async function runConformanceChild(options: RunChildOptions): Promise<ChildRun> {
  const workDir = await Deno.makeTempDir({ prefix: "fmnist-bench-conformance-" });
  try {
    const config: ChildConfig = {
      bundle: options.bundle,
      events: join(workDir, "events.jsonl"),
      filter: options.filter,
      includeIgnored: options.includeIgnored,
    };
    await Deno.writeTextFile(config.events, "");
    const t0 = performance.now();
    const child = new Deno.Command(Deno.execPath(), {
      args: denoRunArgs(new URL("./child.ts", import.meta.url), JSON.stringify(config)),
      cwd: workDir,
      env: { TF_CPP_MIN_LOG_LEVEL: "2" }, // library code reads no environment; this only quiets TF
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutSeconds * 1000);
    const tail = new OutputTail(OUTPUT_TAIL_BYTES);
    const [status] = await Promise.all([
      child.status,
      tail.drain(child.stdout),
      tail.drain(child.stderr),
    ]).finally(() => clearTimeout(timer));
    const seconds = (performance.now() - t0) / 1000;
    const exit: ChildExit = {
      code: status.signal === null ? status.code : null,
      signal: status.signal,
      timedOut,
      timeoutSeconds: options.timeoutSeconds,
    };
    const record = collectRun(await Deno.readTextFile(config.events), exit);
    return { record, exit, outputTail: await tail.text(), seconds };
  } finally {
    await Deno.remove(workDir, { recursive: true }).catch(() => {});
  }
}

/** Keeps the last `limit` bytes of what is written to it. */
class OutputTail {
  #chunks: Uint8Array<ArrayBuffer>[] = [];
  #bytes = 0;

  constructor(readonly limit: number) {}

  /** Reads a stream to its end, keeping its tail. */
  async drain(stream: ReadableStream<Uint8Array<ArrayBuffer>>): Promise<void> {
    for await (const chunk of stream) {
      this.#chunks.push(chunk);
      this.#bytes += chunk.length;
      while (this.#chunks.length > 1 && this.#bytes - this.#chunks[0].length >= this.limit) {
        this.#bytes -= this.#chunks.shift()!.length;
      }
    }
  }

  /** The kept bytes as text, cut to the limit. */
  text(): Promise<string> {
    return new Blob(this.#chunks).slice(-this.limit).text();
  }
}
