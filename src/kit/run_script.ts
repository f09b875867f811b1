/**
 * The GPU kit's `run.sh`: checks the compressed Deno binary's SHA-256,
 * decompresses it once (with `xz -d`, or Python's `lzma` where xz is
 * missing), checks the binary's SHA-256, unpacks the data the same way into
 * `work/data/` (each file checked before and after), picks the Vulkan loader
 * and driver WebGPU uses (`vulkan_script.ts`), and runs the kit's
 * program with Deno offline (`--no-config --no-lock`, a `DENO_DIR` inside the
 * kit), passing its options on.
 *
 * @module
 */
import { KIT_BUNDLE_PATH } from "./bundle.ts";
import { KIT_DATA_DIR, KIT_DATA_UNPACKED } from "./kit_data.ts";
import { vulkanScript, type VulkanScriptOptions } from "./vulkan_script.ts";

/** What {@link runScript} needs: the compressed file and both checksums. */
export interface RunScriptOptions {
  /** The compressed binary's name in the kit, e.g. `deno.xz`. */
  denoFile: string;
  /** SHA-256 of the compressed file. */
  xzSha256: string;
  /** SHA-256 of the binary. */
  sha256: string;
  /** The data's compressed files: path in the kit, SHA-256 of it, the name and SHA-256 unpacked. */
  data: readonly { file: string; xzSha256: string; name: string; sha256: string }[];
  /** The carried Vulkan loader, used where the machine has none. */
  vulkan: VulkanScriptOptions;
}

/** The text of `run.sh`. */
export function runScript(o: RunScriptOptions): string {
  return `#!/usr/bin/env bash
# fmnist-bench GPU kit: measures model1-3 with TF.js on WebGPU and with Keras 3
# on JAX or PyTorch on this machine's GPU, without network. ./run.sh --help
set -euo pipefail

KIT="$(cd "$(dirname "\${BASH_SOURCE[0]}")" && pwd)"
DENO_XZ="$KIT/${o.denoFile}"
DENO_XZ_SHA256="${o.xzSha256}"
DENO_SHA256="${o.sha256}"
DENO="$KIT/work/deno"

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  else
    python3 -c 'import hashlib, sys
h = hashlib.sha256()
with open(sys.argv[1], "rb") as f:
    for chunk in iter(lambda: f.read(1 << 20), b""):
        h.update(chunk)
print(h.hexdigest())' "$1"
  fi
}

# unpack FILE.xz SHA256 OUT SHA256: decompress once, each side checked.
unpack() {
  local xzfile="$1" xzsha="$2" out="$3" sha="$4" got
  if [[ -f "$out" ]] && [[ "$(sha256 "$out")" == "$sha" ]]; then return 0; fi
  got="$(sha256 "$xzfile")"
  if [[ "$got" != "$xzsha" ]]; then
    echo "error: $xzfile: expected SHA-256 $xzsha, got $got; copy the kit again" >&2
    exit 1
  fi
  mkdir -p "$(dirname "$out")"
  if command -v xz >/dev/null 2>&1; then
    xz -d -c "$xzfile" > "$out.tmp"
  else
    python3 -c 'import lzma, shutil, sys
with lzma.open(sys.argv[1]) as src, open(sys.argv[2], "wb") as dst:
    shutil.copyfileobj(src, dst, 1 << 20)' "$xzfile" "$out.tmp"
  fi
  got="$(sha256 "$out.tmp")"
  if [[ "$got" != "$sha" ]]; then
    rm -f "$out.tmp"
    echo "error: $xzfile decompressed to a file with SHA-256 $got, expected $sha; copy the kit again" >&2
    exit 1
  fi
  mv "$out.tmp" "$out"
}

unpack "$DENO_XZ" "$DENO_XZ_SHA256" "$DENO" "$DENO_SHA256"
chmod +x "$DENO"
${
    o.data.map((d) =>
      `unpack "$KIT/${d.file}" ${d.xzSha256} "$KIT/${KIT_DATA_UNPACKED}/${d.name}" ${d.sha256}`
    ).join("\n")
  }
cp "$KIT/${KIT_DATA_DIR}/subset.json" "$KIT/${KIT_DATA_UNPACKED}/subset.json"

${vulkanScript(o.vulkan)}
export DENO_DIR="$KIT/work/deno-dir"
export DENO_NO_UPDATE_CHECK=1
exec "$DENO" run -A --no-config --no-lock --quiet "$KIT/${KIT_BUNDLE_PATH}" "$@"
`;
}
