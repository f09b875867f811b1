/**
 * The chart "where a step's time goes": per model, one stacked bar per
 * label (a backend and engine, a TF.js engine, Keras), its segments the
 * milliseconds of a training step per op kind in `OP_KINDS` order, then the
 * time outside the ops. Built from the profiles `profile_tables.ts` shows as
 * tables, with the pieces of `chart_parts.ts`.
 *
 * @module
 */
import type { TopLevelSpec } from "vega-lite";
import { isMeasured } from "../measure/measures.ts";
import {
  DESCRIPTION,
  type HtmlChart,
  perModel,
  runAxis,
  SCHEMA,
  tip,
  WIDTH,
} from "./chart_parts.ts";
import {
  type LabelledProfiles,
  ms,
  OUTSIDE_OPS,
  segmentMs,
  TIME_SEGMENTS,
} from "./profile_tables.ts";

/** One segment of one bar. */
export interface ProfileSegment {
  /** The model. */
  model: string;
  /** The bar's label. */
  series: string;
  /** The op kind, or {@link OUTSIDE_OPS}. */
  kind: string;
  /** Its place in the stack (`TIME_SEGMENTS`' order). */
  order: number;
  /** Milliseconds per training step. */
  ms: number;
  /** The milliseconds as the tables write them, with the share of the step. */
  msLabel: string;
  /** What a screen reader says of it. */
  description: string;
}

/** The segments of every profiled training step, each label's in stacking order; empty ones left out. */
export function profileSegments(items: readonly LabelledProfiles[]): ProfileSegment[] {
  return items.flatMap(({ label, model, profiles: { trainStep: p } }) => {
    if (!isMeasured(p)) return [];
    return TIME_SEGMENTS.flatMap((kind, order) => {
      const x = segmentMs(p, kind);
      if (x <= 0) return [];
      const msLabel = `${ms(x)}${p.wallMs > 0 ? ` (${((x / p.wallMs) * 100).toFixed(0)}%)` : ""}`;
      return [{
        model,
        series: label,
        kind,
        order,
        ms: x,
        msLabel,
        description: `${model}, ${label}, ${kind}: ${msLabel} of a training step`,
      }];
    });
  });
}

/**
 * The stacked bar chart of the profiled training steps, or null when no
 * item has a measured one (the page then has no such chart, and says nothing).
 */
export function profileChart(items: readonly LabelledProfiles[]): HtmlChart | null {
  const values = profileSegments(items);
  if (values.length === 0) return null;
  const order = [...new Set(values.map((v) => v.series))];
  return {
    id: "where-the-time-goes",
    title: "Where a training step's time goes",
    caption:
      `Milliseconds of one training step per op kind, then ${OUTSIDE_OPS}: the wall time the ops ` +
      "do not account for. From per-op profiles taken after the timed work: timing every op slows " +
      "it, so these figures are not in the medians of the other charts and tables.",
    spec: {
      $schema: SCHEMA,
      ...perModel(values, () => ({
        width: WIDTH,
        mark: { type: "bar" },
        encoding: {
          tooltip: [
            tip("series", "run"),
            tip("kind", "kind"),
            tip("msLabel", "ms per step (share)"),
          ],
          description: DESCRIPTION,
          x: {
            field: "ms",
            type: "quantitative",
            stack: "zero",
            title: "milliseconds per training step",
          },
          y: runAxis(order),
          color: {
            field: "kind",
            type: "nominal",
            title: "where the time goes",
            scale: { domain: [...TIME_SEGMENTS] },
            sort: [...TIME_SEGMENTS],
          },
          order: { field: "order", type: "quantitative" },
        },
      })),
    } as TopLevelSpec,
  };
}
