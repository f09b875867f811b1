/**
 * The measures beyond seconds (`src/measure/measures.ts`) as Markdown
 * tables: memory, cold start, time to accuracy and energy, one row per run
 * under the labels the caller gives (a model; a model and a side; a machine,
 * model, backend and engine). A figure that was not measured shows its
 * reason; a file from before the measures says so.
 *
 * @module
 */
import {
  isMeasured,
  type Measured,
  type MeasuresRecord,
  type NotMeasured,
  type TargetRecord,
} from "../measure/measures.ts";
import { describeTarget } from "../measure/time_to_accuracy.ts";
import { columns, fixed, markdownTable, paragraphs, section } from "./markdown.ts";

/** One run to show: its labels and its measures (absent in files older than schema 3). */
export interface MeasuresRow {
  /** The cells that name the run, one per label column. */
  labels: string[];
  /** Its measures. */
  measures?: MeasuresRecord;
}

/** Bytes in MiB, e.g. `1,012 MiB`. */
export function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toLocaleString("en-US", { maximumFractionDigits: 0 })} MiB`;
}

/** A measured value written by `format`, or "not measured: REASON". */
function cell<T>(value: Measured<T>, format: (v: T) => string): string {
  return isMeasured(value)
    ? format(value as T)
    : `not measured: ${(value as NotMeasured).notMeasured}`;
}

/** Signed seconds, e.g. `+1.25 s`, or "–" for null. */
export function signedSeconds(s: number | null): string {
  return s === null ? "–" : `${s >= 0 ? "+" : ""}${fixed(s, 2)} s`;
}

/** Milliseconds to one decimal, e.g. `3.2 ms`, or "–" for null. */
export function milliseconds(ms: number | null): string {
  return ms === null ? "–" : `${fixed(ms, 1)} ms`;
}

/** A target in percent, e.g. `85%` or `90.5%`. */
export function targetLabel(target: number): string {
  return `${Math.round(target * 1000) / 10}%`;
}

/** The four tables, under one heading of level `depth`. */
export function renderMeasures(
  labelHeader: readonly string[],
  rows: readonly MeasuresRow[],
  options: { depth?: number } = {},
): string {
  const heading = `${
    "#".repeat(options.depth ?? 2)
  } Memory, cold start, time to accuracy and energy`;
  const measured = rows.filter((r) => r.measures !== undefined);
  if (measured.length === 0) {
    return section(heading, "Not recorded: these results predate the measures (results schema 3).")
      .join("\n");
  }
  const missing = rows.length - measured.length;
  // Each table: the label columns, then its own, one row per measured run.
  const table: Table = (header, cells) =>
    markdownTable(
      [...labelHeader, ...header],
      measured.map((r) => [...r.labels, ...cells(r.measures!)]),
    );
  const records = measured.map((r) => r.measures!);
  return [
    ...section(
      heading,
      ...(missing > 0
        ? [`${missing} run${missing === 1 ? "" : "s"} predate the measures and are left out.`]
        : []),
    ),
    ...memoryTable(table),
    ...coldStartTable(table),
    ...timeToAccuracyTable(table, records),
    ...energyTable(table),
  ].join("\n");
}

/** A table of the measured runs: `header` after the label columns, and each run's `cells`. */
type Table = (header: readonly string[], cells: (m: MeasuresRecord) => string[]) => string;

/** Resident memory, TF.js tensors and device memory, with how to read them. */
function memoryTable(table: Table): string[] {
  return paragraphs(
    table(
      columns(
        "RSS before build | training peak RSS | inference peak RSS | TF.js tensors, peak | " +
          "device memory, peak",
      ),
      ({ memory: { host, tfjs, device } }) => [
        cell(
          host,
          (h) => `${mib(h.baselineBytes)}${h.method === "ru_maxrss" ? " (ru_maxrss)" : ""}`,
        ),
        cell(
          host,
          (h) =>
            h.trainingPeakBytes === null
              ? "– (not trained)"
              : `${mib(h.trainingPeakBytes)} (+${mib(h.trainingPeakBytes - h.baselineBytes)})`,
        ),
        cell(host, (h) => h.inferencePeakBytes === null ? "–" : mib(h.inferencePeakBytes)),
        cell(tfjs, (t) =>
          `${mib(t.peakBytes)}, ${t.peakTensors} tensors` +
          (t.peakBytesInGpu !== null ? `; ${mib(t.peakBytesInGpu)} on the GPU` : "")),
        cell(device, (d) => `${mib(d.peakBytes)} (${d.method})`),
      ],
    ),
    "RSS is the process's resident memory (the kernel's `VmHWM` peak, reset between phases): " +
      "before build is after the backend and the data are loaded; the training peak's share over it " +
      "is in brackets. TF.js tensors are `tf.memory()` read after every batch: the weights, optimizer " +
      "state and the epoch's shuffled copy, not the activations inside a step.",
  );
}

/** What happens once per process: backend ready, model build, first prediction, first epoch. */
function coldStartTable(table: Table): string[] {
  return paragraphs(
    table(
      columns("backend ready | model build | first batch-1 prediction | first epoch's extra"),
      ({ coldStart: c }) => [
        cell(c.backendLoadSeconds, (s) => `${fixed(s, 2)} s`),
        `${fixed(c.modelBuildSeconds, 3)} s`,
        milliseconds(c.firstPredictionMs),
        cell(c.firstEpochExtraSeconds, signedSeconds),
      ],
    ),
    "Backend ready is from the process's start to a backend that has computed once (the runtime, " +
      "imports, the library and its first op); the first prediction is the trained model's first " +
      "call at batch 1, before the warm-up; the first epoch's extra is its training time over the " +
      "median of the later epochs. None of these is in the steady-state medians.",
  );
}

/** Time to each validation-accuracy target any run recorded; none without targets. */
function timeToAccuracyTable(table: Table, records: readonly MeasuresRecord[]): string[] {
  const targets = [
    ...new Set(records.flatMap((m) => m.timeToAccuracy.targets.map((t) => t.target))),
  ].sort((a, b) => a - b);
  if (targets.length === 0) return [];
  return paragraphs(
    table(
      targets.map((t) => `to ${targetLabel(t)} validation accuracy`),
      ({ timeToAccuracy: tta }) => {
        const of = (target: number): TargetRecord | undefined =>
          tta.targets.find((t) => t.target === target);
        return targets.map((t) => of(t) ? describeTarget(of(t)!, tta.epochs) : "–");
      },
    ),
    "Time to accuracy: the first epoch whose validation accuracy reached the target, the training " +
      "seconds of the epochs up to it, and in brackets their wall seconds (shuffling and " +
      "validation included).",
  );
}

/** The energy meter, joules per epoch, images per joule and the GPU's activity. */
function energyTable(table: Table): string[] {
  return paragraphs(
    table(
      columns("energy meter | joules per epoch | images per joule | GPU utilisation, SM clock"),
      ({ energy: e }) => [
        cell(
          e,
          (r) =>
            `${r.meter.name}${
              r.meter.intervalMs !== null ? `, every ${r.meter.intervalMs} ms` : ""
            }` +
            (r.meter.counts === "cpu-package" ? " (the whole package)" : ""),
        ),
        isMeasured(e) ? fixed(e.joulesPerEpoch, 1) : "–",
        isMeasured(e) ? fixed(e.imagesPerJoule, 1) : "–",
        isMeasured(e) && e.gpu
          ? `${fixed(e.gpu.utilisationPercent, 0)}%${
            e.gpu.smClockMHz === null ? "" : `, ${fixed(e.gpu.smClockMHz, 0)} MHz`
          }`
          : "–",
      ],
    ),
  );
}
