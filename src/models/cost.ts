/**
 * Parameter count and forward FLOPs of a {@link ModelSpec}, computed from the
 * spec alone, so they can be stated without building the model and checked
 * against TensorFlow.js's own `countParams()`.
 *
 * @module
 */
import { NUM_CLASSES } from "../data/classes.ts";
import { INPUT_SHAPE, type ModelSpec } from "./spec.ts";

/** Shapes and costs of one layer. */
export interface LayerCost {
  /** Layer kind and width, e.g. `conv 64` or `dense 128`. */
  layer: string;
  /** Trainable parameters. */
  params: number;
  /** Forward floating-point operations per image: 2 per multiply-add. */
  flops: number;
}

/**
 * Per-layer parameters and forward FLOPs per image. FLOPs count the
 * multiply-adds of conv and dense layers as 2 each; bias, ReLU, pooling and
 * softmax are left out (they are well under 1% here).
 */
export function layerCosts(spec: ModelSpec): LayerCost[] {
  const costs: LayerCost[] = [];
  let [h, w, c] = INPUT_SHAPE as readonly number[];
  const k = spec.kernelSize;
  for (const filters of spec.convFilters) {
    const params = k * k * c * filters + filters;
    const flops = 2 * h * w * filters * k * k * c; // 'same' padding keeps h×w
    costs.push({ layer: `conv ${filters}`, params, flops });
    c = filters;
    h = Math.floor(h / spec.poolSize);
    w = Math.floor(w / spec.poolSize);
  }
  let units = h * w * c;
  for (const dense of [...spec.denseUnits, NUM_CLASSES]) {
    costs.push({
      layer: `dense ${dense}`,
      params: units * dense + dense,
      flops: 2 * units * dense,
    });
    units = dense;
  }
  return costs;
}

/** Total trainable parameters of a spec. */
export function countParams(spec: ModelSpec): number {
  return layerCosts(spec).reduce((sum, l) => sum + l.params, 0);
}

/** Forward FLOPs per image of a spec (see {@link layerCosts} for what counts). */
export function forwardFlopsPerImage(spec: ModelSpec): number {
  return layerCosts(spec).reduce((sum, l) => sum + l.flops, 0);
}
