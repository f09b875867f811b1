/**
 * Renders a results file as Markdown for people: accuracy per model, time per
 * epoch, inference latency, the confusion matrices, where the time goes (when
 * the models were profiled) and the environment.
 *
 * @module
 */
import { CLASS_NAMES } from "../data/classes.ts";
import { machineOf, rowsFromResults } from "../compare/comparison_rows.ts";
import { describeCpu, describeGpu, describeOneDnn } from "../measure/environment.ts";
import {
  columns,
  epochSecondsCell,
  fixed,
  intervalCell,
  markdownTable,
  paragraphs,
  reproduce,
  section,
  tailNote,
} from "./markdown.ts";
import type { InferenceRecord, ResultsFile, RunConfig, RunRecord } from "../results/schema.ts";
import { batch1Interval, epochTimes } from "../results/stats.ts";
import { renderMeasures } from "./measures_markdown.ts";
import { seriesOf } from "./html_charts.ts";
import { profilesOfSeries, renderProfiles } from "./profile_tables.ts";

function pct(x: number | null | undefined): string {
  return x === null || x === undefined ? "–" : `${(x * 100).toFixed(2)}%`;
}

/** The browser a run's page ran in, and what its backend saw there. */
function browserWords(b: NonNullable<ResultsFile["env"]["browser"]>): string {
  const parts = [
    `${b.version} (${b.mode})`,
    `cross-origin isolated: ${b.crossOriginIsolated ? "yes" : "no"}`,
  ];
  if (b.wasm) {
    parts.push(`WebAssembly SIMD ${b.wasm.simd ? "on" : "off"}, ${b.wasm.threads} thread(s)`);
  }
  if (b.webgl) parts.push(`WebGL renderer: ${b.webgl.renderer}`);
  if (b.webgpu) {
    parts.push(
      `WebGPU adapter: ${[b.webgpu.vendor, b.webgpu.architecture].filter(Boolean).join(", ")}`,
    );
  }
  if (b.softwareRenderer) parts.push("software renderer, not a GPU");
  return parts.join("; ");
}

/** Renders the whole report. */
export function renderReport(results: ResultsFile, command?: string): string {
  const { runs } = results;
  return [
    ...introSection(results, command),
    ...summarySection(results),
    renderMeasures(["model"], runs.map((r) => ({ labels: [r.model], measures: r.measures }))),
    ...runs.flatMap((r) => [...epochsSection(r), ...testSection(r), ...inferenceSection(r)]),
    ...(runs.some((r) => r.profile)
      ? renderProfiles(profilesOfSeries(seriesOf(rowsFromResults(results))))
      : []),
    ...environmentSection(results),
  ].join("\n");
}

/** The title, how the run was set up, and the command that reproduces it. */
function introSection(results: ResultsFile, command: string | undefined): string[] {
  const { config } = results;
  return section(
    `# fmnist-bench results`,
    `${
      results.status === "complete" ? "Complete" : "**Partial** (interrupted or still running)"
    } run of ` +
      `${config.models.join(", ")} on the \`${config.backend}\` backend with the ` +
      `\`${config.engine}\` engine${
        results.schemaVersion < 2 ? " (derived: the file predates the engine field)" : ""
      }, ${config.epochs} epoch${config.epochs === 1 ? "" : "s"}, ` +
      `batch ${config.batchSize}, ${config.trainSize.toLocaleString("en-US")} training / ` +
      `${config.validationSize.toLocaleString("en-US")} validation / ${
        config.testSize.toLocaleString("en-US")
      } test images, ` +
      `seed ${config.seed}. Started ${results.createdAt}.`,
    ...reproduce(command),
  );
}

/** One line per model: accuracy, epoch time, latency; then how to read them. */
function summarySection(results: ResultsFile): string[] {
  const { config, runs } = results;
  const calls = runs.flatMap((r) => r.inference ? [r.inference.batch1.runs] : []);
  return section(
    "## Summary",
    markdownTable(
      columns(
        "model | engine | params | MFLOP/img | epochs | test acc | test loss | " +
          "s/epoch, median [95% CI] (range) | img/s | batch-1 p50 [95% CI] | " +
          "batch-1 p90 / p95 / p99 | batched img/s",
      ),
      runs.map((r) => summaryCells(r, config)),
    ),
    ...runs.filter((r) => r.notTrained).map((r) =>
      `**${r.model} was not trained**: ${r.notTrained}.`
    ),
    "Seconds per epoch are training only (no evaluation); the median and range leave out the first " +
      "epoch when there are several, since it includes one-off warm-up. Intervals are 95% " +
      "percentile-bootstrap intervals of the median (2000 resamples, seeded), over the steady " +
      "epochs or over the timed calls; over few epochs they are wide. Latency is one call per " +
      `batch plus reading the result back, after warm-up, timed on the engine's inference path: ${
        config.inferencePath === "native"
          ? "the native predictor (TensorFlow's ops called directly; `predictOnBatch`'s figures " +
            "are under each model)"
          : "tfjs-layers' `predictOnBatch`"
      }.`,
    ...(calls.length > 0 ? [tailNote(calls)] : []),
  );
}

function summaryCells(r: RunRecord, config: RunConfig): string[] {
  const t = epochTimes(r);
  return [
    r.model,
    `\`${r.engine ?? config.engine}\``,
    r.params.toLocaleString("en-US"),
    fixed(r.flopsPerImage / 1e6, 1),
    String(r.epochs.length),
    pct(r.test?.accuracy),
    fixed(r.test?.loss, 4),
    epochSecondsCell(t),
    t ? fixed(config.trainSize / t.median, 0) : "–",
    r.inference ? `${intervalCell(r.inference.batch1.p50Ms, batch1Interval(r), 2)} ms` : "–",
    r.inference
      ? `${fixed(r.inference.batch1.p90Ms)} / ${fixed(r.inference.batch1.p95Ms)} / ${
        fixed(r.inference.batch1.p99Ms)
      } ms of ${r.inference.batch1.runs}`
      : "–",
    r.inference
      ? [r.inference.batched, ...(r.inference.moreBatches ?? [])].map((b, i) =>
        `${fixed(b.imagesPerSecond, 0)}${
          i > 0 || r.inference!.moreBatches?.length ? ` at ${b.batchSize}` : ""
        }`
      ).join("; ")
      : "–",
  ];
}

function epochsSection(r: RunRecord): string[] {
  return section(
    `## ${r.model}`,
    markdownTable(
      ["epoch", "train s", "img/s", "loss", "acc", "val loss", "val acc", "tensors"],
      r.epochs.map((e) => [
        String(e.epoch),
        fixed(e.trainSeconds, 1),
        fixed(e.imagesPerSecond, 0),
        fixed(e.loss, 4),
        pct(e.accuracy),
        fixed(e.valLoss, 4),
        pct(e.valAccuracy),
        String(e.numTensors),
      ]),
    ),
  );
}

/** A model's test accuracy and confusion matrix; none when it was not tested. */
function testSection(r: RunRecord): string[] {
  if (!r.test) return [];
  return section(
    `Test: accuracy ${pct(r.test.accuracy)}, loss ${
      fixed(r.test.loss, 4)
    } on ${r.test.count} images.`,
    "Confusion matrix (rows: true class, columns: predicted):",
    markdownTable(
      ["", ...CLASS_NAMES],
      r.test.confusion.map((row, i) => [`**${CLASS_NAMES[i]}**`, ...row.map(String)]),
    ),
  );
}

/** A model's inference figures in words: each path, each batch size, the kernels. */
function inferenceSection(r: RunRecord): string[] {
  if (!r.inference) return [];
  const line = (what: string, t: Pick<InferenceRecord, "batch1" | "batched">) =>
    `${what}: batch 1 p50 ${fixed(t.batch1.p50Ms)} ms, p90 ${fixed(t.batch1.p90Ms)} ms, p95 ${
      fixed(t.batch1.p95Ms)
    } ms, p99 ${fixed(t.batch1.p99Ms)} ms, min ${
      fixed(t.batch1.minMs)
    } ms over ${t.batch1.runs} runs; batch ${t.batched.batchSize}: ${
      fixed(t.batched.imagesPerSecond, 0)
    } images/s (median of ${t.batched.runs}).`;
  const { kernels, layers } = r.inference;
  return paragraphs(
    line(
      r.inference.path === "native" ? "Inference (native ops)" : "Inference (predictOnBatch)",
      r.inference,
    ),
    ...(r.inference.moreBatches ?? []).map((b) =>
      `Also batch ${b.batchSize}: ${fixed(b.imagesPerSecond, 0)} images/s (median of ${b.runs}).`
    ),
    ...(kernels
      ? [
        `Kernels of the convolution and dense layers, as autotuned: batch 1 ${
          kernels.batch1.join(", ")
        }; batch ${r.inference.batched.batchSize} ${kernels.batched.join(", ")}.`,
      ]
      : []),
    ...(layers ? [line("Inference (predictOnBatch)", layers)] : []),
  );
}

/** The machine, the software and how TensorFlow.js was set up. */
function environmentSection(results: ResultsFile): string[] {
  const { env } = results;
  return section(
    "## Environment",
    markdownTable(["", ""], [
      ["machine", machineOf(results)],
      ["backend", `${env.backend ?? "–"}: ${env.device ?? "–"}`],
      ["libtensorflow", env.tensorflow ?? "–"],
      ["TensorFlow.js", env.tfjs],
      ...(env.browser ? [["browser", browserWords(env.browser)]] : []),
      ["Deno", `${env.deno} (V8 ${env.v8}, TypeScript ${env.typescript})`],
      ["OS", env.os],
      ["CPU", describeCpu(env)],
      ["oneDNN", describeOneDnn(env)],
      ["TF threads", `intra-op ${env.threads.intraOp}, inter-op ${env.threads.interOp}`],
      ["GPU", describeGpu(env)],
      ["memory", `${(env.memoryBytes / 2 ** 30).toFixed(1)} GiB`],
      ["git commit", env.gitCommit ?? "–"],
      ...setupRows(results.config),
    ]),
  );
}

/** The environment table's rows on the run's data, engine, gradients, kernels and paths. */
function setupRows(config: RunConfig): string[][] {
  return [
    ["data", config.data],
    ["engine", config.engine],
    [
      "gradients",
      config.nativeGradients === undefined
        ? "–"
        : config.nativeGradients.length === 0
        ? "TF.js stock"
        : `native TensorFlow ops for ${config.nativeGradients.join(", ")}`,
    ],
    [
      "kernels",
      config.nativeKernels === undefined || config.nativeKernels.length === 0
        ? "tfjs's own"
        : `TensorFlow's fused ops for ${config.nativeKernels.join(", ")}`,
    ],
    ...(config.kernelLibrary
      ? [[
        "the suite's TensorFlow ops",
        `${
          config.kernelLibrary.library === "onednn" ? "oneDNN's kernels" : "generic kernels"
        } (${config.kernelLibrary.reason})`,
      ]]
      : []),
    [
      "training step",
      config.trainStep === "native"
        ? "native: TensorFlow's ops called directly (src/tf_ops/step.ts)"
        : "TF.js model.fit",
    ],
    [
      "inference",
      config.inferencePath === "native"
        ? "native: TensorFlow's ops called directly (src/tf_ops/predict.ts); " +
          "predictOnBatch timed as well"
        : "TF.js model.predictOnBatch",
    ],
  ];
}
