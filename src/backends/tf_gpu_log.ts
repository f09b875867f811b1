/**
 * What libtensorflow's own log says about GPUs: the devices it created (name,
 * compute capability, memory) or why it found none. A probe child loads the
 * GPU build with the log on (`TF_CPP_MIN_LOG_LEVEL=0`) and its parent reads
 * these lines from the child's standard error.
 *
 * @module
 */

/** A GPU as TensorFlow created it. */
export interface TfGpuDevice {
  /** TensorFlow's device name, e.g. `/device:GPU:0`. */
  device: string;
  /** The GPU's name, e.g. `NVIDIA H100 80GB HBM3`. */
  name: string;
  /** Its compute capability, e.g. `9.0`. */
  computeCapability: string;
  /** Memory TensorFlow gave the device, in MB. */
  memoryMb: number;
}

/** What a TensorFlow log says about GPUs. */
export interface TfGpuLog {
  /** The GPUs TensorFlow created, in order. */
  devices: TfGpuDevice[];
  /** TensorFlow's own lines on why a GPU was not used (CUDA libraries, driver), without their prefix. */
  problems: string[];
}

// I0000 00:00:1.2 123 gpu_device.cc:2019] Created device /job:localhost/replica:0/task:0/device:GPU:0
//   with 79078 MB memory:  -> device: 0, name: NVIDIA H100 80GB HBM3, pci bus id: 0000:00:05.0, compute capability: 9.0
const CREATED =
  /Created device \S*?(\/device:GPU:\d+) with (\d+) MB memory:.*?name: (.+?), pci bus id: .*?, compute capability: ([\d.]+)/;
const PREFIX = /^([IWEF])\d{4} [\d:.]+\s+\d+ ([\w.]+):\d+\] (.*)$/;
const GPU_PROBLEM_FILES = new Set(
  "cudart_stub.cc cuda_platform.cc cuda_executor.cc gpu_device.cc cuda_diagnostics.cc dso_loader.cc"
    .split(" "),
);

/** Reads TensorFlow's GPU lines out of its log. */
export function parseTfGpuLog(text: string): TfGpuLog {
  const devices: TfGpuDevice[] = [];
  const problems: string[] = [];
  for (const line of text.split("\n")) {
    const created = line.match(CREATED);
    if (created) {
      const [, device, memory, name, computeCapability] = created;
      devices.push({ device, name, computeCapability, memoryMb: Number(memory) });
      continue;
    }
    const m = line.match(PREFIX);
    // Warnings and errors of the GPU files, and the stub's note that libcudart did not load.
    if (m && GPU_PROBLEM_FILES.has(m[2]) && (m[1] !== "I" || m[2] === "cudart_stub.cc")) {
      problems.push(m[3].trim());
    }
  }
  return { devices, problems };
}
