import assert from "node:assert/strict";
import {
  chooseKernelLibrary,
  oneDnnState,
  oneDnnVariableFor,
  parseCpuFeatures,
  readCpuFeatures,
} from "./onednn.ts";
import { probeLibtensorflow, TFJS_NODE } from "./libtensorflow.ts";

const AVX2_ONLY = "processor\t: 0\nflags\t\t: fpu sse2 avx avx2 fma bmi2\n";
const SAPPHIRE =
  "flags\t: avx2 fma avx512f avx512bw avx512_vnni avx512_bf16 amx_bf16 amx_tile amx_int8\n";

Deno.test("parseCpuFeatures keeps the recorded extensions in a fixed order", () => {
  assert.deepEqual(parseCpuFeatures(AVX2_ONLY), ["avx2", "fma"]);
  assert.deepEqual(parseCpuFeatures(SAPPHIRE), [
    "avx2",
    "fma",
    "avx512f",
    "avx512bw",
    "avx512_vnni",
    "avx512_bf16",
    "amx_tile",
    "amx_int8",
    "amx_bf16",
  ]);
  assert.deepEqual(parseCpuFeatures("no flags here"), []);
});

Deno.test("oneDnnState follows TensorFlow's rule: the variable first, else the CPU", () => {
  const avx2 = parseCpuFeatures(AVX2_ONLY);
  const amx = parseCpuFeatures(SAPPHIRE);
  assert.deepEqual(oneDnnState(avx2), {
    enabled: false,
    source: "cpu-default",
    reason: "off: this CPU's default (no AVX-512 VNNI/BF16, AVX-VNNI or AMX)",
  });
  assert.deepEqual(oneDnnState(amx).enabled, true);
  assert.deepEqual(
    oneDnnState(amx).reason,
    "on: this CPU's default (it has avx512_vnni, avx512_bf16, amx_tile, amx_int8, amx_bf16)",
  );
  assert.deepEqual(oneDnnState(avx2, "1"), {
    enabled: true,
    source: "variable",
    reason: "on: TF_ENABLE_ONEDNN_OPTS=1",
  });
  assert.deepEqual(oneDnnState(amx, "FALSE").enabled, false);
  assert.deepEqual(oneDnnState(amx, "0").source, "variable");
  // TensorFlow ignores a value it cannot read as a boolean, and so does the rule.
  assert.deepEqual(oneDnnState(avx2, "yes"), {
    enabled: false,
    source: "cpu-default",
    reason: "off: this CPU's default (no AVX-512 VNNI/BF16, AVX-VNNI or AMX) " +
      '(TF_ENABLE_ONEDNN_OPTS="yes" is not 0, 1, true or false, so TensorFlow ignores it)',
  });
  assert.deepEqual(oneDnnState(null).enabled, false);
});

Deno.test("oneDnnVariableFor maps each choice to the variable's value", () => {
  assert.deepEqual(["on", "off", "default"].map((c) => oneDnnVariableFor(c as "on")), [
    "1",
    "0",
    undefined,
  ]);
});

const native = await probeLibtensorflow("tensorflow", TFJS_NODE);

// TensorFlow logs "oneDNN custom operations are on" exactly when it turns oneDNN on.
Deno.test({
  name: "oneDnnState agrees with libtensorflow on this CPU, with the variable at 0, 1 and unset" +
    (native.available ? "" : ` (ignored: ${native.reason})`),
  ignore: !native.available,
  async fn() {
    const features = await readCpuFeatures();
    const child = new URL("./probe_child.ts", import.meta.url).pathname;
    for (const variable of ["0", "1", undefined]) {
      const env = { ...Deno.env.toObject(), TF_CPP_MIN_LOG_LEVEL: "0" };
      delete (env as Record<string, string>).TF_ENABLE_ONEDNN_OPTS;
      if (variable !== undefined) Object.assign(env, { TF_ENABLE_ONEDNN_OPTS: variable });
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--quiet", child, "tensorflow"],
        env,
        clearEnv: true,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const dec = new TextDecoder();
      assert.deepEqual(JSON.parse(dec.decode(out.stdout).trim().split("\n").at(-1)!).ok, true);
      const logged = dec.decode(out.stderr).includes("oneDNN custom operations are on");
      assert.deepEqual(
        { variable, on: logged },
        { variable, on: oneDnnState(features, variable).enabled },
      );
    }
  },
});

Deno.test("chooseKernelLibrary uses oneDNN's ops only on the CPU, with oneDNN on and its ops present", () => {
  const on = oneDnnState([], "1");
  const off = oneDnnState([], "0");
  assert.deepEqual(chooseKernelLibrary({ onednn: on, gpu: false, opsRun: true }), {
    library: "onednn",
    reason: "oneDNN is on: TF_ENABLE_ONEDNN_OPTS=1",
  });
  assert.deepEqual(chooseKernelLibrary({ onednn: off, gpu: false, opsRun: true }), {
    library: "generic",
    reason: "oneDNN is off: TF_ENABLE_ONEDNN_OPTS=0",
  });
  assert.deepEqual(chooseKernelLibrary({ onednn: on, gpu: false, opsRun: false }), {
    library: "generic",
    reason: "oneDNN's ops do not run in this libtensorflow",
  });
  assert.equal(chooseKernelLibrary({ onednn: on, gpu: true, opsRun: true }).library, "generic");
});
