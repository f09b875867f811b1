import assert from "node:assert/strict";
import { join } from "node:path";
import {
  counterDelta,
  findEnergyMeter,
  gpuActivity,
  integratePower,
  nvidiaSmiMeter,
  raplMeter,
} from "./energy.ts";
import { isMeasured } from "./measures.ts";

/** A powercap folder with one package domain whose counter is `energy` µJ. */
async function fakeRapl(dir: string, energy: number, max = 262_143_328_850) {
  const pkg = join(dir, "intel-rapl:0");
  await Deno.mkdir(join(pkg, "intel-rapl:0:0"), { recursive: true });
  await Deno.writeTextFile(join(pkg, "name"), "package-0\n");
  await Deno.writeTextFile(join(pkg, "max_energy_range_uj"), `${max}\n`);
  await Deno.writeTextFile(join(pkg, "energy_uj"), `${energy}\n`);
  return (uj: number) => Deno.writeTextFile(join(pkg, "energy_uj"), `${uj}\n`);
}

Deno.test("counterDelta: counts across one wrap-around", () => {
  assert.equal(counterDelta(100, 250, 1000), 150);
  assert.equal(counterDelta(900, 50, 1000), 150);
});

Deno.test("raplMeter: reads a fake package counter that wraps around", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const set = await fakeRapl(dir, 999_000_000, 1_000_000_000);
    const meter = raplMeter({ powercapDir: dir });
    assert.ok(isMeasured(meter));
    assert.equal(meter.info.name, `RAPL package-0 (${join(dir, "intel-rapl:0")})`);
    assert.equal(meter.info.counts, "cpu-package");
    const mark = meter.mark();
    await set(2_500_000); // wrapped: 1,000,000 µJ to the top, then 2,500,000
    assert.equal(await meter.joulesSince(mark), 3.5);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("raplMeter: says why without a counter", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assert.deepEqual(raplMeter({ powercapDir: join(dir, "powercap") }), {
      notMeasured: `no energy counter: ${join(dir, "powercap")} is absent`,
    });
    assert.deepEqual(raplMeter({ powercapDir: dir }), {
      notMeasured: `no energy counter: ${dir} has no RAPL package domain (intel-rapl:N)`,
    });
    assert.deepEqual(await findEnergyMeter({ device: "cpu", rapl: { powercapDir: dir } }), {
      notMeasured: `no energy counter: ${dir} has no RAPL package domain (intel-rapl:N)`,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("integratePower: trapezoids clipped to the region", () => {
  const samples = [{ atMs: 0, watts: 100 }, { atMs: 1000, watts: 200 }, { atMs: 2000, watts: 200 }];
  assert.equal(integratePower(samples, 0, 2000), 150 + 200);
  assert.equal(integratePower(samples, 500, 1500), (150 + 200) / 2 * 0.5 + 200 * 0.5);
  assert.throws(
    () => integratePower(samples, 0, 2500),
    new RangeError("integratePower: expected samples covering 0–2500 ms, got 0–2000 ms"),
  );
});

Deno.test("nvidiaSmiMeter: integrates a fake nvidia-smi's power and reads its memory", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const fake = join(dir, "nvidia-smi");
    // Prints 250 W, 1,000 MiB in use, 87% utilisation and 1,980 MHz every 20 ms, as `-lms 20` would.
    await Deno.writeTextFile(
      fake,
      "#!/bin/sh\nwhile true; do echo '250.00, 1000, 87, 1980'; sleep 0.02; done\n",
    );
    await Deno.chmod(fake, 0o755);
    const meter = await nvidiaSmiMeter({ command: fake, intervalMs: 20 });
    assert.ok(isMeasured(meter));
    try {
      const mark = meter.mark();
      await new Promise((wake) => setTimeout(wake, 300));
      const joules = await meter.joulesSince(mark);
      const seconds = (performance.now() - mark.atMs) / 1000;
      assert.ok(Math.abs(joules - 250 * seconds) < 250 * 0.05, `${joules} J in ${seconds} s`);
      assert.equal(await meter.peakMemorySince!(mark), 1000 * 1024 * 1024);
      const activity = await meter.activitySince!(mark);
      assert.equal(activity?.utilisationPercent, 87);
      assert.equal(activity?.smClockMHz, 1980);
      assert.ok(activity!.samples >= 5, `${activity?.samples} samples`);
    } finally {
      await meter.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("gpuActivity: means over the region's samples; null without any", () => {
  const samples = [
    { atMs: 0, watts: 1, utilisationPercent: 10, smClockMHz: 1000 },
    { atMs: 100, watts: 1, utilisationPercent: 90, smClockMHz: 2000 },
    { atMs: 200, watts: 1, utilisationPercent: 50 },
    { atMs: 300, watts: 1 },
  ];
  assert.deepEqual(gpuActivity(samples, 50, 250), {
    utilisationPercent: 70,
    smClockMHz: 2000,
    samples: 2,
  });
  assert.equal(gpuActivity(samples, 250, 350), null);
});

Deno.test("nvidiaSmiMeter: says why when the command is missing", async () => {
  const meter = await nvidiaSmiMeter({ command: "/nonexistent/nvidia-smi" });
  assert.ok(!isMeasured(meter));
  assert.match(
    meter.notMeasured,
    /^no GPU power meter: \/nonexistent\/nvidia-smi cannot run \(NotFound: /,
  );
});
