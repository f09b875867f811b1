/**
 * Reading files out of a Debian package (`.deb`) without dpkg, which the
 * machine that builds the kit may lack: a `.deb` is an `ar` archive whose
 * `data.tar.xz` member holds the package's files, decompressed with `xz -d`
 * and read as a tar archive.
 *
 * @module
 */
import { SetupError } from "../backends/setup_tools.ts";
import { xzDecompress } from "./xz.ts";

const AR_MAGIC = "!<arch>\n";
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** The members of an `ar` archive: name → bytes. */
function arMembers(archive: Uint8Array, what: string): Map<string, Uint8Array> {
  if (text(archive.subarray(0, 8)) !== AR_MAGIC) {
    throw new SetupError(`${what}: expected a Debian package (an ar archive), got other bytes`);
  }
  const members = new Map<string, Uint8Array>();
  let at = 8;
  while (at + 60 <= archive.length) {
    const header = text(archive.subarray(at, at + 60));
    const name = header.slice(0, 16).trim().replace(/\/$/, "");
    const size = Number(header.slice(48, 58).trim());
    members.set(name, archive.subarray(at + 60, at + 60 + size));
    at += 60 + size + (size % 2);
  }
  return members;
}

/** The regular files of a tar archive: path (as stored, e.g. `./usr/lib/…`) → bytes. */
function tarFiles(tar: Uint8Array): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const field = (block: Uint8Array, from: number, to: number) =>
    text(block.subarray(from, to)).replace(/\0.*$/s, "");
  let longName: string | undefined;
  for (let at = 0; at + 512 <= tar.length;) {
    const block = tar.subarray(at, at + 512);
    if (block.every((b) => b === 0)) break;
    const size = parseInt(field(block, 124, 136).trim() || "0", 8);
    const type = field(block, 156, 157);
    const body = tar.subarray(at + 512, at + 512 + size);
    const prefix = field(block, 345, 500);
    const name = longName ?? (prefix ? `${prefix}/` : "") + field(block, 0, 100);
    longName = undefined;
    // GNU tar stores a long path as a member of type L before the file it names.
    if (type === "L") longName = text(body).replace(/\0.*$/s, "");
    else if (type === "0" || type === "") files.set(name, body);
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

/**
 * The files `names` of the Debian package `deb` (paths as the package stores
 * them, e.g. `./usr/lib/x86_64-linux-gnu/libvulkan.so.1.3.239`).
 *
 * @param what The package, for the error messages.
 * @throws {SetupError} When it is not a `.deb` with a `data.tar.xz`, lacks
 *   one of `names`, or `xz` is missing.
 */
export async function debFiles(
  deb: Uint8Array,
  names: readonly string[],
  what: string,
): Promise<Map<string, Uint8Array>> {
  const data = arMembers(deb, what).get("data.tar.xz");
  if (!data) throw new SetupError(`${what}: expected a data.tar.xz member, got none`);
  const files = tarFiles(await xzDecompress(data, what));
  const found = new Map<string, Uint8Array>();
  for (const name of names) {
    const file = files.get(name);
    if (!file) throw new SetupError(`${what}: expected a file ${name}, got none`);
    found.set(name, file);
  }
  return found;
}
