/**
 * Energy meters, only where a real one exists: RAPL's package counters
 * (`/sys/class/powercap/intel-rapl:N/energy_uj`) for the CPU, read at the
 * ends of each measured region, and `nvidia-smi`'s power draw for an NVIDIA
 * GPU, sampled on an interval in its own process and integrated over the
 * region. Where neither exists, {@link findEnergyMeter} says why.
 *
 * @module
 */
import { join } from "node:path";
import type { EnergyMeterInfo, Measured } from "./measures.ts";
import { notMeasured } from "./measures.ts";
import { forEachLine } from "../_util/lines.ts";

/** A meter: mark the start of a region, then ask for the joules since. */
export interface EnergyMeter {
  /** What it is. */
  info: EnergyMeterInfo;
  /** Marks the start of a region (cheap: a few file reads, or a timestamp). */
  mark(): EnergyMark;
  /** Joules used since `mark`. */
  joulesSince(mark: EnergyMark): Promise<number>;
  /** Peak device memory in bytes since `mark`, where the meter also reads memory; null otherwise. */
  peakMemorySince?(mark: EnergyMark): Promise<number | null>;
  /** The GPU's mean utilisation and SM clock since `mark`, where the meter reads them; null otherwise. */
  activitySince?(mark: EnergyMark): Promise<GpuActivity | null>;
  /** Stops a sampler; idempotent. */
  close(): Promise<void>;
}

/** What a GPU did over a region, from `nvidia-smi`'s samples in it. */
export interface GpuActivity {
  /** Mean `utilization.gpu` (% of the time a kernel ran). */
  utilisationPercent: number;
  /** Mean `clocks.sm` in MHz; null where the driver does not report it. */
  smClockMHz: number | null;
  /** Samples averaged. */
  samples: number;
}

/** Where a region started: counter readings or a time. */
export interface EnergyMark {
  /** `performance.now()` at the mark. */
  atMs: number;
  /** RAPL: each package's counter in µJ. */
  counters?: number[];
}

/** One RAPL package domain. */
interface RaplDomain {
  dir: string;
  name: string;
  maxMicrojoules: number;
}

/**
 * The µJ a counter advanced from `before` to `after`, across one wrap-around
 * at `max` (RAPL's `max_energy_range_uj`).
 */
export function counterDelta(before: number, after: number, max: number): number {
  return after >= before ? after - before : max - before + after;
}

/** Options for {@link raplMeter}. */
export interface RaplOptions {
  /** The powercap folder. Default `/sys/class/powercap`. */
  powercapDir?: string;
}

/**
 * A meter summing every RAPL package domain (`intel-rapl:N`, not its
 * sub-domains), or why there is none. It counts the whole package: every
 * process on it, not only this one.
 */
export function raplMeter(options: RaplOptions = {}): Measured<EnergyMeter> {
  const root = options.powercapDir ?? "/sys/class/powercap";
  let entries: string[];
  try {
    entries = [...Deno.readDirSync(root)].map((e) => e.name);
  } catch {
    return notMeasured(`no energy counter: ${root} is absent`);
  }
  const packages = entries.filter((n) => /^intel-rapl:\d+$/.test(n)).sort();
  if (packages.length === 0) {
    return notMeasured(`no energy counter: ${root} has no RAPL package domain (intel-rapl:N)`);
  }
  const read = (path: string) => Number(Deno.readTextFileSync(path).trim());
  let domains: RaplDomain[];
  try {
    domains = packages.map((p) => {
      const dir = join(root, p);
      const maxMicrojoules = read(join(dir, "max_energy_range_uj"));
      read(join(dir, "energy_uj"));
      const name = Deno.readTextFileSync(join(dir, "name")).trim();
      return { dir, name, maxMicrojoules };
    });
  } catch (error) {
    return notMeasured(`no readable energy counter in ${root}: ${(error as Error).message}`);
  }
  const counters = () => domains.map((d) => read(join(d.dir, "energy_uj")));
  return {
    info: {
      name: `RAPL ${domains.map((d) => d.name).join(" + ")} (${
        domains.map((d) => d.dir).join(", ")
      })`,
      counts: "cpu-package",
      intervalMs: null,
    },
    mark: () => ({ atMs: performance.now(), counters: counters() }),
    joulesSince: (mark) => {
      const now = counters();
      const microjoules = domains.reduce(
        (sum, d, i) => sum + counterDelta(mark.counters![i], now[i], d.maxMicrojoules),
        0,
      );
      return Promise.resolve(microjoules / 1e6);
    },
    close: () => Promise.resolve(),
  };
}

/** One reading of a sampled power meter. */
export interface PowerSample {
  /** `performance.now()` when it was read. */
  atMs: number;
  /** Power in watts. */
  watts: number;
  /** Device memory in use, bytes, when the meter reads it. */
  memoryBytes?: number;
  /** GPU utilisation, %, when the meter reads it. */
  utilisationPercent?: number;
  /** SM clock, MHz, when the meter reads it. */
  smClockMHz?: number;
}

/** The mean utilisation and SM clock of the samples in [`fromMs`, `toMs`]; null without any. */
export function gpuActivity(
  samples: readonly PowerSample[],
  fromMs: number,
  toMs: number,
): GpuActivity | null {
  const inside = samples.filter((s) =>
    s.atMs >= fromMs && s.atMs <= toMs && s.utilisationPercent !== undefined
  );
  if (inside.length === 0) return null;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const clocks = inside.flatMap((s) => s.smClockMHz === undefined ? [] : [s.smClockMHz]);
  return {
    utilisationPercent: mean(inside.map((s) => s.utilisationPercent!)),
    smClockMHz: clocks.length > 0 ? mean(clocks) : null,
    samples: inside.length,
  };
}

/**
 * Joules between `fromMs` and `toMs` from power samples in time order: the
 * trapezoids between consecutive samples, clipped to the region (the power at
 * a cut interpolated linearly). Samples must cover the region.
 *
 * @throws {RangeError} When the samples do not cover [fromMs, toMs].
 */
export function integratePower(
  samples: readonly PowerSample[],
  fromMs: number,
  toMs: number,
): number {
  if (samples.length < 2 || samples[0].atMs > fromMs || samples.at(-1)!.atMs < toMs) {
    throw new RangeError(
      `integratePower: expected samples covering ${fromMs.toFixed(0)}–${toMs.toFixed(0)} ms, got ${
        samples.length > 0
          ? `${samples[0].atMs.toFixed(0)}–${samples.at(-1)!.atMs.toFixed(0)} ms`
          : "none"
      }`,
    );
  }
  let joules = 0;
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1];
    const b = samples[i];
    const lo = Math.max(a.atMs, fromMs);
    const hi = Math.min(b.atMs, toMs);
    if (hi <= lo) continue;
    const at = (t: number) => a.watts + (b.watts - a.watts) * (t - a.atMs) / (b.atMs - a.atMs);
    joules += (at(lo) + at(hi)) / 2 * (hi - lo) / 1000;
  }
  return joules;
}

/** Options for {@link nvidiaSmiMeter}. */
export interface NvidiaSmiOptions {
  /** The command. Default `nvidia-smi` (on PATH). */
  command?: string;
  /** The GPU's index. Default 0. */
  gpu?: number;
  /** Sampling interval in ms. Default 100. */
  intervalMs?: number;
}

/**
 * A meter that runs `nvidia-smi --query-gpu=power.draw,memory.used,utilization.gpu,clocks.sm -lms N`
 * in its own process for as long as it is open and integrates the power
 * draw over each region; it reads device memory, utilisation and the SM clock too. Why there is none when
 * the command cannot start or prints no reading within two seconds.
 */
export async function nvidiaSmiMeter(
  options: NvidiaSmiOptions = {},
): Promise<Measured<EnergyMeter>> {
  const { command = "nvidia-smi", gpu = 0, intervalMs = 100 } = options;
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(command, {
      args: [
        `--id=${gpu}`,
        "--query-gpu=power.draw,memory.used,utilization.gpu,clocks.sm",
        "--format=csv,noheader,nounits",
        `-lms`,
        String(intervalMs),
      ],
      stdout: "piped",
      stderr: "null",
      stdin: "null",
    }).spawn();
  } catch (error) {
    const { name, message } = error as Error;
    return notMeasured(`no GPU power meter: ${command} cannot run (${name}: ${message})`);
  }
  const { samples, sampleAfter, close } = powerSampler(child);
  if (!await sampleAfter(performance.now(), 2000)) {
    await close();
    return notMeasured(`no GPU power meter: ${command} printed no power reading within 2 s`);
  }
  return {
    info: { name: `nvidia-smi power.draw, GPU ${gpu}`, counts: "gpu", intervalMs },
    mark: () => ({ atMs: performance.now() }),
    joulesSince: async (mark) => {
      const to = performance.now();
      if (!await sampleAfter(to, 10 * intervalMs + 1000)) {
        throw new Error(`${command} stopped sampling before ${to.toFixed(0)} ms`);
      }
      return integratePower(samples, mark.atMs, to);
    },
    peakMemorySince: (mark) => {
      const bytes = samples.filter((s) => s.atMs >= mark.atMs && s.memoryBytes !== undefined)
        .map((s) => s.memoryBytes!);
      return Promise.resolve(bytes.length > 0 ? Math.max(...bytes) : null);
    },
    activitySince: (mark) => Promise.resolve(gpuActivity(samples, mark.atMs, performance.now())),
    close,
  };
}

/** The samples of a running `nvidia-smi`, as they arrive. */
interface PowerSampler {
  /** Every sample so far, oldest first. */
  samples: PowerSample[];
  /** Whether a sample taken after `t` arrives within `ms`; false once closed. */
  sampleAfter(t: number, ms: number): Promise<boolean>;
  /** Stops the process and waits for its last line; idempotent. */
  close(): Promise<void>;
}

/** Reads `child`'s CSV lines (watts, MiB, utilisation %, SM clock) into samples. */
function powerSampler(child: Deno.ChildProcess): PowerSampler {
  const samples: PowerSample[] = [];
  const waiters: (() => void)[] = [];
  const reading = forEachLine(child.stdout, (line) => {
    const [watts, mib, util, clock] = line.split(",").map((f) => Number(f.trim()));
    if (!Number.isFinite(watts)) return;
    samples.push({
      atMs: performance.now(),
      watts,
      ...(Number.isFinite(mib) ? { memoryBytes: mib * 1024 * 1024 } : {}),
      ...(Number.isFinite(util) ? { utilisationPercent: util } : {}),
      ...(Number.isFinite(clock) ? { smClockMHz: clock } : {}),
    });
    waiters.splice(0).forEach((wake) => wake());
  }).catch(() => {});
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    await child.status;
    await reading;
    waiters.splice(0).forEach((wake) => wake());
  };
  const sampleAfter = async (t: number, ms: number) => {
    const deadline = performance.now() + ms;
    while ((samples.at(-1)?.atMs ?? -Infinity) < t && performance.now() < deadline && !closed) {
      await new Promise<void>((wake) => {
        waiters.push(wake);
        setTimeout(wake, Math.max(1, deadline - performance.now()));
      });
    }
    return (samples.at(-1)?.atMs ?? -Infinity) >= t;
  };
  return { samples, sampleAfter, close };
}

/** Options for {@link findEnergyMeter}. */
export interface FindEnergyMeterOptions {
  /** What the run computes on: a GPU run is metered by `nvidia-smi`, a CPU run by RAPL. */
  device: "cpu" | "gpu";
  /** For RAPL. */
  rapl?: RaplOptions;
  /** For `nvidia-smi`. */
  nvidiaSmi?: NvidiaSmiOptions;
}

/** The meter for a run on `device`, or why there is none. */
export async function findEnergyMeter(o: FindEnergyMeterOptions): Promise<Measured<EnergyMeter>> {
  return o.device === "gpu" ? await nvidiaSmiMeter(o.nvidiaSmi) : raplMeter(o.rapl);
}
