/**
 * `xz` compression for the GPU kit's large files (the Deno binary, the data),
 * through the `xz` command of xz-utils: Deno has no xz encoder.
 *
 * @module
 */
import { dirname } from "node:path";
import { temporaryPath } from "../_util/fs.ts";
import { SetupError } from "../backends/setup_tools.ts";

/** Options of {@link xzCompress}. */
export interface XzOptions {
  /** The preset, 0–9, `e` for extreme. Default `"6"`. */
  preset?: string;
  /** What the file is, for the error message when xz is missing. */
  what: string;
}

/**
 * Compresses `input` into `output` with `xz -<preset> -T2`, through a
 * temporary file beside it renamed into place (its folder created), so that
 * `output` is either absent or whole.
 *
 * @throws {SetupError} When `xz` is missing or fails.
 */
export async function xzCompress(input: string, output: string, options: XzOptions): Promise<void> {
  await Deno.mkdir(dirname(output), { recursive: true });
  const tmp = temporaryPath(output);
  try {
    await xzInto(input, tmp, options);
    await Deno.rename(tmp, output);
  } finally {
    await Deno.remove(tmp).catch(() => {});
  }
}

async function xzInto(input: string, output: string, options: XzOptions): Promise<void> {
  const preset = options.preset ?? "6";
  using file = await Deno.open(output, { write: true, createNew: true });
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command("xz", {
      args: [`-${preset}`, "-T2", "-c", input],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new SetupError(
        `xz: not found; the GPU kit compresses ${options.what} with it: install xz-utils`,
      );
    }
    throw err;
  }
  const stderr = new Response(child.stderr).text();
  await child.stdout.pipeTo(file.writable);
  const { code } = await child.status;
  if (code !== 0) {
    throw new SetupError(`xz -${preset} ${input} failed (exit ${code}): ${(await stderr).trim()}`);
  }
}

/**
 * Decompresses `data` with `xz -d` (Deno has no xz decoder).
 *
 * @param what What the data is, for the error messages.
 * @throws {SetupError} When `xz` is missing or fails.
 */
export async function xzDecompress(data: Uint8Array, what: string): Promise<Uint8Array> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command("xz", {
      args: ["-d", "-c"],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new SetupError(`xz: not found; the GPU kit unpacks ${what} with it: install xz-utils`);
    }
    throw err;
  }
  const writing = (async () => {
    const writer = child.stdin.getWriter();
    // A failing xz closes its input early: its exit code says why, below.
    await writer.write(data).catch(() => {});
    await writer.close().catch(() => {});
  })();
  const out = await child.output();
  await writing;
  if (out.code !== 0) {
    const stderr = new TextDecoder().decode(out.stderr).trim();
    throw new SetupError(`xz -d of ${what} failed (exit ${out.code}): ${stderr}`);
  }
  return out.stdout;
}
