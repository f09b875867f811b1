import assert from "node:assert/strict";
import { parseTfGpuLog } from "./tf_gpu_log.ts";

// Lines as libtensorflow 2.21's GPU build writes them (TF_CPP_MIN_LOG_LEVEL=0).
const NO_CUDA_LIBRARIES =
  `WARNING: All log messages before absl::InitializeLog() is called are written to STDERR
I0000 00:00:1796049437.739703    2152 cudart_stub.cc:31] Could not find cuda drivers on your machine, GPU will not be used.
I0000 00:00:1796049437.798270    2152 cpu_feature_guard.cc:227] This TensorFlow binary is optimized to use available CPU instructions in performance-critical operations.
E0000 00:00:1796049437.798973    2152 cuda_platform.cc:52] failed call to cuInit: INTERNAL: CUDA error: Failed call to cuInit: UNKNOWN ERROR (303)
`;
const ON_A_GPU = `I0000 00:00:1796049500.100000    4242 gpu_device.cc:2019] Created device ` +
  `/job:localhost/replica:0/task:0/device:GPU:0 with 79078 MB memory:  -> device: 0, ` +
  `name: NVIDIA H100 80GB HBM3, pci bus id: 0000:00:05.0, compute capability: 9.0
I0000 00:00:1796049500.200000    4242 gpu_device.cc:2019] Adding visible gpu devices: 0
`;

Deno.test("parseTfGpuLog reads why the GPU build found no GPU", () => {
  assert.deepEqual(parseTfGpuLog(NO_CUDA_LIBRARIES), {
    devices: [],
    problems: [
      "Could not find cuda drivers on your machine, GPU will not be used.",
      "failed call to cuInit: INTERNAL: CUDA error: Failed call to cuInit: UNKNOWN ERROR (303)",
    ],
  });
});

Deno.test("parseTfGpuLog reads the GPUs TensorFlow created", () => {
  assert.deepEqual(parseTfGpuLog(ON_A_GPU), {
    devices: [{
      device: "/device:GPU:0",
      name: "NVIDIA H100 80GB HBM3",
      computeCapability: "9.0",
      memoryMb: 79078,
    }],
    problems: [],
  });
});
