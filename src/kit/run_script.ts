/**
 * The GPU kit's `run.sh`: checks the compressed Deno binary's SHA-256,
 * decompresses it once (with `xz -d`, or Python's `lzma` where xz is
 * missing), checks the binary's SHA-256, and runs the kit's program with
 * Deno offline (`--no-config --no-lock`, a `DENO_DIR` inside the kit),
 * passing its options on.
 *
 * @module
 */
import { KIT_BUNDLE_PATH } from "./bundle.ts";

/** What {@link runScript} needs: the compressed file and both checksums. */
export interface RunScriptOptions {
  /** The compressed binary's name in the kit, e.g. `deno.xz`. */
  denoFile: string;
  /** SHA-256 of the compressed file. */
  xzSha256: string;
  /** SHA-256 of the binary. */
  sha256: string;
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

if [[ ! -x "$DENO" ]] || [[ "$(sha256 "$DENO")" != "$DENO_SHA256" ]]; then
  got="$(sha256 "$DENO_XZ")"
  if [[ "$got" != "$DENO_XZ_SHA256" ]]; then
    echo "error: $DENO_XZ: expected SHA-256 $DENO_XZ_SHA256, got $got; copy the kit again" >&2
    exit 1
  fi
  mkdir -p "$KIT/work"
  if command -v xz >/dev/null 2>&1; then
    xz -d -c "$DENO_XZ" > "$DENO.tmp"
  else
    python3 -c 'import lzma, shutil, sys
with lzma.open(sys.argv[1]) as src, open(sys.argv[2], "wb") as dst:
    shutil.copyfileobj(src, dst, 1 << 20)' "$DENO_XZ" "$DENO.tmp"
  fi
  chmod +x "$DENO.tmp"
  got="$(sha256 "$DENO.tmp")"
  if [[ "$got" != "$DENO_SHA256" ]]; then
    rm -f "$DENO.tmp"
    echo "error: $DENO_XZ decompressed to a binary with SHA-256 $got, expected $DENO_SHA256; copy the kit again" >&2
    exit 1
  fi
  mv "$DENO.tmp" "$DENO"
fi

export DENO_DIR="$KIT/work/deno-dir"
export DENO_NO_UPDATE_CHECK=1
exec "$DENO" run -A --no-config --no-lock --quiet "$KIT/${KIT_BUNDLE_PATH}" "$@"
`;
}
