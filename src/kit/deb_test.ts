import assert from "node:assert/strict";
import { join } from "node:path";
import { withTempDir } from "../_util/testing.ts";
import { SetupError } from "../backends/setup_tools.ts";
import { debFiles } from "./deb.ts";

/** An `ar` archive of `members`, as dpkg-deb writes a `.deb`. */
function ar(members: [string, Uint8Array][]): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [enc.encode("!<arch>\n")];
  for (const [name, data] of members) {
    const header = `${name}/`.padEnd(16) + "0".padEnd(12) + "0".padEnd(6) + "0".padEnd(6) +
      "100644".padEnd(8) + String(data.length).padEnd(10) + "`\n";
    parts.push(enc.encode(header), data, ...(data.length % 2 ? [enc.encode("\n")] : []));
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, (at += p.length) - p.length);
  return out;
}

const LONG = `./usr/share/${"a-long-folder-name/".repeat(6)}file.txt`;

/** A `.deb` whose data holds a library, a file with a path over 100 characters, and a link. */
async function fakeDeb(dir: string): Promise<Uint8Array> {
  const root = join(dir, "root");
  await Deno.mkdir(join(root, "usr/lib/x86_64-linux-gnu"), { recursive: true });
  await Deno.writeTextFile(join(root, "usr/lib/x86_64-linux-gnu/libvulkan.so.1.3.239"), "lib");
  await Deno.symlink("libvulkan.so.1.3.239", join(root, "usr/lib/x86_64-linux-gnu/libvulkan.so.1"));
  await Deno.mkdir(join(root, LONG, ".."), { recursive: true });
  await Deno.writeTextFile(join(root, LONG), "long");
  const tar = new Deno.Command("tar", {
    args: ["--format=gnu", "-C", root, "-cJf", join(dir, "data.tar.xz"), "./usr"],
  });
  assert.equal((await tar.output()).code, 0);
  const enc = new TextEncoder();
  return ar([
    ["debian-binary", enc.encode("2.0\n")],
    ["control.tar.xz", enc.encode("x")],
    ["data.tar.xz", await Deno.readFile(join(dir, "data.tar.xz"))],
  ]);
}

Deno.test("debFiles reads files out of a .deb without dpkg", async () => {
  await withTempDir(async (dir) => {
    const deb = await fakeDeb(dir);
    const files = await debFiles(
      deb,
      ["./usr/lib/x86_64-linux-gnu/libvulkan.so.1.3.239", LONG],
      "test",
    );
    const dec = new TextDecoder();
    assert.deepEqual([...files.values()].map((f) => dec.decode(f)), ["lib", "long"]);
    const err = await debFiles(deb, ["./usr/lib/x86_64-linux-gnu/libvulkan.so.1"], "test")
      .catch((e) => e);
    assert.ok(err instanceof SetupError);
    assert.equal(
      err.message,
      "test: expected a file ./usr/lib/x86_64-linux-gnu/libvulkan.so.1, got none",
    );
  });
});

Deno.test("debFiles refuses what is not a .deb in one line", async () => {
  const err = await debFiles(new TextEncoder().encode("<html>"), ["./x"], "test").catch((e) => e);
  assert.ok(err instanceof SetupError);
  assert.equal(err.message, "test: expected a Debian package (an ar archive), got other bytes");
});
