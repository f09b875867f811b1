/**
 * The plan the native training step and predictor follow: a model's layers
 * read into {@link Stage}s (convolution, max-pool, flatten, dense, dropout),
 * with the index of each weight, refusing any layer they cannot run.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** One layer as the native step and predictor run it. */
export type Stage =
  | { kind: "conv"; kernel: number; bias: number; padding: string; relu: boolean }
  | { kind: "pool"; size: [number, number]; strides: [number, number]; padding: string }
  | { kind: "flatten" }
  | { kind: "dense"; kernel: number; bias: number; relu: boolean }
  | { kind: "dropout"; layer: tf.layers.Layer; rate: number };

/**
 * Reads the model's layers into stages, on the active backend, which must be `tensorflow`.
 *
 * @param label Begins every error message, e.g. `"native step"`.
 * @param check Refuses what else the caller cannot run.
 * @throws {TypeError} Naming the backend, or the layer and what about it is not supported.
 */
export function planStages(
  model: tf.LayersModel,
  label: string,
  check?: (model: tf.LayersModel) => void,
): Stage[] {
  if (tf.getBackend() !== "tensorflow") {
    throw new TypeError(`the ${label} needs the tensorflow backend, not ${tf.getBackend()}`);
  }
  const index = new Map(model.trainableWeights.map((w, i) => [w, i]));
  const weightOf = (layer: tf.layers.Layer, k: number) => {
    const i = index.get(layer.trainableWeights[k]);
    if (i === undefined) throw new TypeError(`${layer.name}: expected a trainable weight`);
    return i;
  };
  const weights = (l: tf.layers.Layer) => ({ kernel: weightOf(l, 0), bias: weightOf(l, 1) });
  const stages: Stage[] = [];
  const layers = model.layers.filter((l) => l.getClassName() !== "InputLayer");
  for (const [i, layer] of layers.entries()) {
    const kind = layer.getClassName();
    // Not getConfig() for Dropout: its config reads `seed`, which draws the next mask's seed.
    const c = (kind === "Dropout" ? layer : layer.getConfig()) as Record<string, unknown>;
    const last = i === layers.length - 1;
    const activation = c.activation as string | undefined;
    const unsupported = (what: string) =>
      new TypeError(
        `${label}: ${layer.name} (${kind}) has ${what}; it supports only buildModel's layers`,
      );
    switch (kind) {
      case "Conv2D": {
        if (activation !== "relu" && activation !== "linear") {
          throw unsupported(`activation ${activation}`);
        }
        if (!c.useBias || c.dataFormat !== "channelsLast") throw unsupported("no bias or NCHW");
        if (!same(c.strides, [1, 1]) || !same(c.dilationRate, [1, 1])) {
          throw unsupported("strides or dilation other than 1");
        }
        const padding = (c.padding as string).toUpperCase();
        stages.push({ kind: "conv", ...weights(layer), padding, relu: activation === "relu" });
        break;
      }
      case "MaxPooling2D": {
        if (c.dataFormat !== "channelsLast") throw unsupported("NCHW");
        const size = c.poolSize as [number, number];
        const strides = (c.strides as [number, number] | null) ?? size;
        stages.push({ kind: "pool", size, strides, padding: (c.padding as string).toUpperCase() });
        break;
      }
      case "Flatten":
        stages.push({ kind: "flatten" });
        break;
      case "Dense": {
        const want = last ? "softmax" : "relu";
        if (activation !== want) throw unsupported(`activation ${activation}, expected ${want}`);
        if (!c.useBias) throw unsupported("no bias");
        stages.push({ kind: "dense", ...weights(layer), relu: !last });
        break;
      }
      case "Dropout":
        if (c.noiseShape != null) throw unsupported("a noise shape");
        stages.push({ kind: "dropout", layer, rate: c.rate as number });
        break;
      default:
        throw unsupported(`a layer type the ${label} does not know`);
    }
  }
  if (stages.at(-1)?.kind !== "dense") {
    throw new TypeError(`${label}: expected the last layer to be a softmax Dense`);
  }
  if (stages.filter((s) => "kernel" in s).length * 2 !== model.trainableWeights.length) {
    throw new TypeError(`${label}: expected every trainable weight to be a kernel or a bias`);
  }
  check?.(model);
  return stages;
}

/** The message of what `plan` throws, or `undefined` when it throws nothing. */
export function refusalOf(plan: () => unknown): string | undefined {
  try {
    plan();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

function same(a: unknown, b: number[]): boolean {
  return Array.isArray(a) && a.length === b.length && a.every((v, i) => v === b[i]);
}
