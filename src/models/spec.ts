/**
 * Model specifications as data. A {@link ModelSpec} says everything that
 * distinguishes one CNN from another; the factory in `factory.ts` turns it
 * into a model. Adding a model is one entry in {@link MODELS}.
 *
 * @module
 */

/** A CNN for 28×28×1 images: conv+pool blocks, dense layers, softmax. */
export interface ModelSpec {
  /** Name used on the command line and in results, e.g. `"model1"`. */
  readonly name: string;
  /** One line for tables. */
  readonly description: string;
  /**
   * Filters of each conv block (conv 'same' + ReLU, then max-pool). Two or
   * three blocks; the first entry is the width the model is known by.
   */
  readonly convFilters: readonly number[];
  /** Square kernel size of every conv layer. */
  readonly kernelSize: number;
  /** Square max-pool size and stride after every conv layer. */
  readonly poolSize: number;
  /** Units of the hidden dense layers (ReLU), in order. */
  readonly denseUnits: readonly number[];
  /** Dropout rate after the last hidden dense layer (training only); 0 for none. */
  readonly dropout: number;
}

/** Input image shape: height, width, channels. */
export const INPUT_SHAPE = [28, 28, 1] as const;

/**
 * The default architecture of the suite, matching the Keras reference:
 * Conv(F,3×3,same,ReLU) → MaxPool 2 → Conv(2F,3×3,same,ReLU) → MaxPool 2 →
 * Flatten → Dense 128 ReLU → Dropout 0.3 → Dense 10 softmax.
 */
export function referenceSpec(name: string, firstFilters: number): ModelSpec {
  return {
    name,
    description: `CNN, ${firstFilters}→${2 * firstFilters} filters, dense 128`,
    convFilters: [firstFilters, 2 * firstFilters],
    kernelSize: 3,
    poolSize: 2,
    denseUnits: [128],
    dropout: 0.3,
  };
}

/** The three models of the study: first conv layer with 64, 128 and 256 filters. */
export const MODELS: readonly ModelSpec[] = Object.freeze([
  referenceSpec("model1", 64),
  referenceSpec("model2", 128),
  referenceSpec("model3", 256),
]);

/** Names of the registered models, in order. */
export const MODEL_NAMES: readonly string[] = MODELS.map((m) => m.name);

/**
 * Looks a model up by name.
 *
 * @throws {RangeError} For an unknown name; the message lists the valid ones.
 */
export function getModelSpec(name: string): ModelSpec {
  const spec = MODELS.find((m) => m.name === name);
  if (!spec) {
    throw new RangeError(
      `unknown model ${JSON.stringify(name)}: expected one of ${MODEL_NAMES.join(", ")}`,
    );
  }
  return spec;
}

/**
 * Checks that a spec describes a buildable model.
 *
 * @throws {RangeError} Naming the field, what was expected and what was found.
 */
export function validateSpec(spec: ModelSpec): void {
  const blocks = spec.convFilters.length;
  if (blocks < 1) throw new RangeError(`${spec.name}: expected at least one conv block, got 0`);
  let side: number = INPUT_SHAPE[0];
  for (let i = 0; i < blocks; i++) side = Math.floor(side / spec.poolSize);
  if (side < 1) {
    throw new RangeError(
      `${spec.name}: ${blocks} pooling steps of ${spec.poolSize} shrink 28×28 below 1×1`,
    );
  }
  const lists = [["convFilters", spec.convFilters], ["denseUnits", spec.denseUnits]] as const;
  for (const [field, values] of lists) {
    for (const v of values) {
      if (!Number.isInteger(v) || v <= 0) {
        throw new RangeError(`${spec.name}: expected ${field} to be positive integers, got ${v}`);
      }
    }
  }
  if (!(spec.dropout >= 0 && spec.dropout < 1)) {
    throw new RangeError(`${spec.name}: expected dropout in [0, 1), got ${spec.dropout}`);
  }
}
