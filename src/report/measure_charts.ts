/**
 * The charts of an HTML page beyond the training curves: batch-1 latency
 * (every timed call, as a box plot), peak memory, and the training time to
 * each target accuracy.
 *
 * @module
 */
import type { TopLevelSpec } from "vega-lite";
import { isMeasured } from "../measure/measures.ts";
import {
  type ChartSeries,
  color,
  DESCRIPTION,
  type HtmlChart,
  modelsOf,
  perModel,
  rowFacet,
  SCHEMA,
  tip,
  WIDTH,
} from "./chart_parts.ts";
import { fixed } from "./markdown.ts";
import { mib } from "./measures_markdown.ts";

/** Batch-1 latency: every timed call, as a box plot per run. */
export function latencyChart(
  rows: readonly ChartSeries[],
  order: readonly string[],
): HtmlChart | string {
  const values = rows.flatMap(({ series, row }) =>
    (row.samples?.batch1Ms ?? []).map((ms) => ({ model: row.model, series, ms }))
  );
  if (values.length === 0) {
    return "batch-1 latency: no row kept its calls' times (results before this field, or no inference)";
  }
  const calls = new Set(rows.map((s) => s.row.samples?.batch1Ms?.length ?? 0).filter((n) => n > 0));
  return {
    id: "batch1-latency",
    title: "Batch-1 inference latency",
    caption: `Every timed batch-1 call (${
      [...calls].join(", ")
    } calls a run): the box spans the middle half, the whiskers 1.5 times that past it, and dots the calls beyond. Log scale.`,
    spec: {
      $schema: SCHEMA,
      // the box's quartiles and the outliers in its tooltip, in milliseconds as the tables write them
      config: { numberFormat: ".2f" },
      ...perModel(values, () => ({
        width: WIDTH,
        mark: { type: "boxplot", extent: 1.5, tooltip: true },
        encoding: {
          x: {
            field: "ms",
            type: "quantitative",
            title: "milliseconds per call",
            scale: { type: "log" },
          },
          y: { field: "series", type: "nominal", title: null, sort: order },
          color: { ...color(order), legend: null },
        },
      })),
    } as TopLevelSpec,
  };
}

/** Peak resident memory in training and in inference. */
export function memoryChart(
  rows: readonly ChartSeries[],
  order: readonly string[],
): HtmlChart | string {
  const values = rows.flatMap(({ series, row }) => {
    const host = row.measures?.memory.host;
    if (!host || !isMeasured(host)) return [];
    const peaks = [
      ["training", host.trainingPeakBytes],
      ["inference", host.inferencePeakBytes],
    ] as const;
    return peaks.flatMap(([phase, bytes]) =>
      bytes === null ? [] : [{
        model: row.model,
        series,
        phase,
        mib: Math.round(bytes / 2 ** 20),
        method: host.method,
        description: `${series}, ${phase}: ${mib(bytes)} (${host.method})`,
      }]
    );
  });
  if (values.length === 0) return "memory: no row measured its resident memory";
  return {
    id: "memory",
    title: "Peak resident memory",
    caption:
      "The process's peak resident set (host RAM) while the model trained and while it was evaluated and timed; the method (VmHWM or ru_maxrss) is in the tooltip.",
    spec: {
      $schema: SCHEMA,
      data: { values },
      facet: { row: rowFacet(modelsOf(rows)) },
      resolve: { scale: { y: "independent" } },
      spec: {
        width: WIDTH,
        mark: { type: "bar", tooltip: true },
        encoding: {
          x: { field: "mib", type: "quantitative", title: "MiB" },
          y: { field: "series", type: "nominal", title: null, sort: order },
          yOffset: { field: "phase", sort: ["training", "inference"] },
          color: { field: "phase", type: "nominal", sort: ["training", "inference"] },
          description: DESCRIPTION,
        },
      },
    } as TopLevelSpec,
  };
}

/** Training seconds to each target accuracy, naming the targets not reached. */
export function timeToAccuracyChart(
  rows: readonly ChartSeries[],
  order: readonly string[],
): HtmlChart | string {
  const missed: string[] = [];
  const values = rows.flatMap(({ series, row }) =>
    (row.measures?.timeToAccuracy.targets ?? []).flatMap((t) => {
      const target = `${(t.target * 100).toFixed(0)}%`;
      if (t.trainSeconds === null) {
        missed.push(`${series} ${row.model} ${target}`);
        return [];
      }
      return [{
        model: row.model,
        series,
        target,
        seconds: t.trainSeconds,
        secondsLabel: fixed(t.trainSeconds, 1),
        epoch: t.epoch,
        description: `${series}: ${target} after ${fixed(t.trainSeconds, 1)} s of training`,
      }];
    })
  );
  if (values.length === 0) {
    return `time to accuracy: no row reached a target${
      missed.length ? ` (not reached: ${missed.join(", ")})` : ""
    }`;
  }
  return {
    id: "time-to-accuracy",
    title: "Training time to a target accuracy",
    caption:
      `Training seconds (the timed regions) until validation accuracy first reached each target.${
        missed.length ? ` Not reached in the epochs trained: ${missed.join(", ")}.` : ""
      }`,
    spec: {
      $schema: SCHEMA,
      data: { values },
      facet: { row: rowFacet(modelsOf(rows)) },
      resolve: { scale: { y: "independent" } },
      spec: {
        width: WIDTH,
        mark: { type: "point", filled: true, size: 70 },
        encoding: {
          tooltip: [
            tip("series", "run"),
            tip("target", "validation accuracy"),
            tip("secondsLabel", "training seconds"),
            tip("epoch", "epoch"),
          ],
          description: DESCRIPTION,
          x: { field: "seconds", type: "quantitative", title: "training seconds" },
          y: { field: "target", type: "ordinal", title: "validation accuracy" },
          color: color(order),
          shape: { field: "series", type: "nominal", legend: null },
        },
      },
    } as TopLevelSpec,
  };
}
