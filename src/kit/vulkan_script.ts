/**
 * The part of the GPU kit's `run.sh` that gives WebGPU a Vulkan loader and
 * driver: the kit's carried `libvulkan.so.1` (`vulkan_loader.ts`, checked
 * against its SHA-256) is put on `LD_LIBRARY_PATH` only where the dynamic
 * linker finds no `libvulkan.so.1` of the machine's (in `LD_LIBRARY_PATH`, or
 * in `ldconfig -p`), and `VK_DRIVER_FILES` (and `VK_ICD_FILENAMES`, for older
 * loaders) names NVIDIA's driver manifest only where the loader would find no
 * driver by itself and that file exists. What was used is one line, exported
 * as `FMNIST_BENCH_KIT_VULKAN` for the kit's program, which prints it and
 * records it in `plan.json`:
 *
 * ```text
 * vulkan: loader /usr/lib/x86_64-linux-gnu/libvulkan.so.1 (system); driver: found by the loader (/usr/share/vulkan/icd.d/nvidia_icd.json)
 * vulkan: loader /kit/vulkan/libvulkan.so.1 (carried: no system loader); driver: /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json (VK_DRIVER_FILES: no driver in the loader's folders)
 * ```
 *
 * @module
 */

/** The variable `run.sh` hands the line to the kit's program in. */
export const KIT_VULKAN_ENV = "FMNIST_BENCH_KIT_VULKAN";

/** NVIDIA's Vulkan driver manifest where its container toolkit puts the driver. */
export const NVIDIA_ICD = "/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json";

/**
 * The folders the Vulkan loader reads driver manifests from on Linux, besides
 * those under `$XDG_CONFIG_HOME`, `$XDG_CONFIG_DIRS`, `$XDG_DATA_HOME` and
 * `$XDG_DATA_DIRS`, which the script adds as set on the machine.
 */
export const VULKAN_ICD_DIRS: readonly string[] = Object.freeze([
  "/usr/share/vulkan/icd.d",
  "/etc/vulkan/icd.d",
  "/usr/local/share/vulkan/icd.d",
]);

/** What {@link vulkanScript} needs. */
export interface VulkanScriptOptions {
  /** The carried library, relative to the kit (`vulkan/libvulkan.so.1`). */
  file: string;
  /** Its SHA-256. */
  sha256: string;
  /** The loader's fixed folders of driver manifests. Default {@link VULKAN_ICD_DIRS}. */
  icdDirs?: readonly string[];
  /** NVIDIA's driver manifest. Default {@link NVIDIA_ICD}. */
  nvidiaIcd?: string;
}

/**
 * The script's lines, run after `$KIT` and the `sha256` function are set,
 * before the kit's program starts.
 */
export function vulkanScript(o: VulkanScriptOptions): string {
  const dirs = (o.icdDirs ?? VULKAN_ICD_DIRS).map((d) => `"${d}"`).join(" ");
  const dir = o.file.split("/").slice(0, -1).join("/");
  return `# The Vulkan loader and driver WebGPU needs: the machine's own where it has them.
VULKAN_LIB="$KIT/${o.file}"
VULKAN_LIB_SHA256="${o.sha256}"
NVIDIA_ICD="${o.nvidiaIcd ?? NVIDIA_ICD}"

# Sets VULKAN_LOADER to the libvulkan.so.1 the dynamic linker finds, with where from; empty if none.
find_vulkan_loader() {
  local dir ldconfig=""
  VULKAN_LOADER=""
  local IFS=:
  for dir in \${LD_LIBRARY_PATH:-}; do
    if [[ -n "$dir" && -e "$dir/libvulkan.so.1" ]]; then
      VULKAN_LOADER="$dir/libvulkan.so.1 (LD_LIBRARY_PATH)"
      return 0
    fi
  done
  for ldconfig in "$(command -v ldconfig || true)" /sbin/ldconfig /usr/sbin/ldconfig; do
    [[ -n "$ldconfig" && -x "$ldconfig" ]] && break
    ldconfig=""
  done
  [[ -n "$ldconfig" ]] || return 0
  dir="$("$ldconfig" -p 2>/dev/null |
    awk '$1 == "libvulkan.so.1" && /x86-64/ && !found { found = 1; print $NF }' || true)"
  if [[ -n "$dir" ]]; then VULKAN_LOADER="$dir (system)"; fi
}

# Sets VULKAN_DRIVER to the driver manifests the loader reads, exporting NVIDIA's where it would
# find none by itself.
find_vulkan_driver() {
  local var dir file list parts found=() dirs=(${dirs})
  for var in VK_DRIVER_FILES VK_ICD_FILENAMES VK_ADD_DRIVER_FILES; do
    if [[ -n "\${!var:-}" ]]; then
      VULKAN_DRIVER="$var=\${!var} (set before run.sh)"
      return 0
    fi
  done
  IFS=: read -r -a parts <<< "\${XDG_CONFIG_HOME:-\${HOME:-}/.config}:\${XDG_CONFIG_DIRS:-/etc/xdg}:\${XDG_DATA_HOME:-\${HOME:-}/.local/share}:\${XDG_DATA_DIRS:-/usr/local/share:/usr/share}"
  for dir in "\${parts[@]}"; do
    if [[ -n "$dir" ]]; then dirs+=("$dir/vulkan/icd.d"); fi
  done
  for dir in "\${dirs[@]}"; do
    for file in "$dir"/*.json; do
      if [[ -f "$file" ]]; then found+=("$file"); fi
    done
  done
  if (( \${#found[@]} > 0 )); then
    printf -v list '%s, ' "\${found[@]}"
    VULKAN_DRIVER="found by the loader (\${list%, })"
  elif [[ -f "$NVIDIA_ICD" ]]; then
    export VK_DRIVER_FILES="$NVIDIA_ICD" VK_ICD_FILENAMES="$NVIDIA_ICD"
    VULKAN_DRIVER="$NVIDIA_ICD (VK_DRIVER_FILES: no driver in the loader's folders)"
  else
    VULKAN_DRIVER="none found (no driver in the loader's folders, no $NVIDIA_ICD)"
  fi
}

find_vulkan_loader
if [[ -z "$VULKAN_LOADER" ]]; then
  got="$(if [[ -f "$VULKAN_LIB" ]]; then sha256 "$VULKAN_LIB"; else echo "no such file"; fi)"
  if [[ "$got" != "$VULKAN_LIB_SHA256" ]]; then
    echo "error: $VULKAN_LIB: expected SHA-256 $VULKAN_LIB_SHA256, got $got; copy the kit again" >&2
    exit 1
  fi
  export LD_LIBRARY_PATH="$KIT/${dir}\${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  VULKAN_LOADER="$VULKAN_LIB (carried: no system loader)"
fi
find_vulkan_driver
export ${KIT_VULKAN_ENV}="vulkan: loader $VULKAN_LOADER; driver: $VULKAN_DRIVER"
`;
}
