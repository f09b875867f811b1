/**
 * What the interactive charts of an HTML page share: a chart and a named
 * row, and the pieces of their Vega-Lite specifications (colours, facets,
 * tooltips, descriptions).
 *
 * @module
 */
import type { TopLevelSpec } from "vega-lite";
import type { ComparisonRow } from "../compare/row.ts";

/** One chart of a page. */
export interface HtmlChart {
  /** A short id, unique in the page (`accuracy`, `epoch-seconds`, …). */
  id: string;
  /** The chart's heading. */
  title: string;
  /** What it shows and where its intervals come from. */
  caption: string;
  /** The Vega-Lite specification, its data inline. */
  spec: TopLevelSpec;
}

/** A row and the name it goes by in the charts' legends. */
export interface ChartSeries {
  /** The legend's name, e.g. `tensorflow · native` or `keras, run 2`. */
  series: string;
  /** The row. */
  row: ComparisonRow;
}

/** The Vega-Lite schema every chart names. */
export const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
/** The width of a chart's plot, in pixels. */
export const WIDTH = 420;

/**
 * What a screen reader and a mark's `aria-label` say of it: the datum's
 * `description`, its figure rounded as the tooltip's, not Vega-Lite's default
 * of every encoded field unrounded.
 */
export const DESCRIPTION = { field: "description", type: "nominal" } as const;

/** A tooltip line: a field of the datum, shown as it is (the labels are rounded already). */
export function tip(field: string, title: string) {
  return { field, title, type: "nominal" } as const;
}

/** The colour channel: one colour per run, in the rows' order. */
export function color(order: readonly string[]) {
  return { field: "series", type: "nominal", title: "run", scale: { domain: order } } as const;
}

/** The facet channel: one chart per model of the rows, in their order. */
export function modelFacet(rows: readonly ChartSeries[]) {
  const models = [...new Set(rows.map((s) => s.row.model))];
  return { field: "model", type: "nominal", title: null, sort: models, header: { labelAngle: 0 } };
}

/** One chart per model of the rows, stacked, each with its own runs on the y axis. */
export function facetRows(values: unknown[], rows: readonly ChartSeries[], spec: unknown) {
  return {
    data: { values },
    facet: { row: modelFacet(rows) },
    resolve: { scale: { y: "independent" } },
    spec,
  };
}

/** The y channel of one row per run, in the runs' order. */
export function runAxis(order: readonly string[]) {
  return { field: "series", type: "nominal", title: null, sort: order } as const;
}

/**
 * One chart per model, stacked, each with its own scales (a model's epoch is
 * seconds, another's a minute) and one colour legend. Concatenated rather
 * than faceted: Vega-Lite cannot give facets of layered or composite marks
 * their own scales.
 */
export function perModel<V extends { model: string }>(
  values: readonly V[],
  spec: (values: readonly V[]) => Record<string, unknown>,
) {
  const models = [...new Set(values.map((v) => v.model))];
  return {
    vconcat: models.map((model) => {
      const own = values.filter((v) => v.model === model);
      return {
        title: { text: model, anchor: "start", fontSize: 12 },
        data: { values: own },
        ...spec(own),
      };
    }),
    resolve: { scale: { x: "independent", y: "independent", color: "shared" } },
  };
}
