/**
 * Saving and restoring training state, so that an interrupted run resumes
 * from its last complete epoch, and the trained models in TensorFlow.js's
 * own format (`model.json` + `weights.bin`, loadable with `tf.loadLayersModel`).
 *
 * Every write is atomic: files go into a temporary folder that is renamed
 * into place, and a checkpoint becomes current only when the small pointer
 * file `latest.json` is replaced. A run killed at any moment leaves either
 * the previous checkpoint or the new one, never a mix.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { dirname, join } from "node:path";
import type { EpochRecord } from "../results/schema.ts";
import { unlessNotFound, writeFileAtomic, writeJsonAtomic } from "../_util/fs.ts";

/** Writes files into a fresh temporary sibling folder, then renames it to `dir`. */
async function writeDirAtomic(
  dir: string,
  files: Record<string, Uint8Array | string>,
): Promise<void> {
  const parent = dirname(dir);
  await Deno.mkdir(parent, { recursive: true });
  const tmp = await Deno.makeTempDir({ dir: parent, prefix: ".tmp-" });
  try {
    for (const [name, data] of Object.entries(files)) await writeFileAtomic(join(tmp, name), data);
    const old = `${tmp}.old`;
    const hadOld = await Deno.rename(dir, old).then(() => true, (e) => {
      if (e instanceof Deno.errors.NotFound) return false;
      throw e;
    });
    await Deno.rename(tmp, dir);
    if (hadOld) await Deno.remove(old, { recursive: true });
  } catch (err) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    throw err;
  }
}

/** Encodes tensors positionally (`w0`, `w1`, …): layer names differ between model instances. */
async function encodePositional(
  tensors: tf.Tensor[],
): Promise<{ data: Uint8Array; specs: tf.io.WeightsManifestEntry[] }> {
  const { data, specs } = await tf.io.encodeWeights(
    tensors.map((tensor, i) => ({ name: `w${i}`, tensor })),
  );
  return { data: new Uint8Array(data), specs };
}

function decodePositional(data: Uint8Array, specs: tf.io.WeightsManifestEntry[]): tf.Tensor[] {
  const map = tf.io.decodeWeights(data.slice().buffer, specs);
  return specs.map((s) => map[s.name]);
}

/**
 * Saves a model in the TensorFlow.js layers format into `dir`
 * (`model.json` + `weights.bin`), atomically.
 */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler((a) => {
    artifacts = a;
    return Promise.resolve({
      modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" },
    });
  }));
  const { modelTopology, weightSpecs, weightData, format, generatedBy, convertedBy } = artifacts!;
  const modelJson = {
    format,
    generatedBy,
    convertedBy,
    modelTopology,
    weightsManifest: [{ paths: ["weights.bin"], weights: weightSpecs }],
  };
  await writeDirAtomic(dir, {
    "model.json": JSON.stringify(modelJson),
    "weights.bin": new Uint8Array(tf.io.CompositeArrayBuffer.join(weightData!)),
  });
}

/** What a checkpoint holds besides the weights. */
export interface CheckpointState {
  /** Model name, checked on restore. */
  model: string;
  /** The epochs completed, with their measurements. */
  epochs: EpochRecord[];
}

/**
 * Saves a checkpoint after an epoch: model weights, optimizer state and the
 * epoch records, under `dir/epoch-NNNN/`, then points `dir/latest.json` at
 * it and removes older epochs.
 */
export async function saveCheckpoint(
  dir: string,
  model: tf.LayersModel,
  state: CheckpointState,
): Promise<void> {
  const epoch = state.epochs.length;
  const name = `epoch-${String(epoch).padStart(4, "0")}`;
  const weights = await encodePositional(model.getWeights());
  const optimizerWeights = await model.optimizer.getWeights();
  const optimizer = await encodePositional(optimizerWeights.map((w) => w.tensor));
  // getWeights() returns the optimizer's live variables plus a fresh `iter` scalar: free only that.
  optimizerWeights.filter((w) => w.name === "iter").forEach((w) => w.tensor.dispose());
  await writeDirAtomic(join(dir, name), {
    "weights.bin": weights.data,
    "optimizer.bin": optimizer.data,
    "checkpoint.json": JSON.stringify({
      ...state,
      weightSpecs: weights.specs,
      optimizerSpecs: optimizer.specs,
      optimizerNames: optimizerWeights.map((w) => w.name),
    }),
  });
  await writeJsonAtomic(join(dir, "latest.json"), { epoch, dir: name });
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isDirectory && entry.name.startsWith("epoch-") && entry.name !== name) {
      await Deno.remove(join(dir, entry.name), { recursive: true });
    }
  }
}

/**
 * Restores the latest checkpoint in `dir` into `model` (built from the same
 * spec and compiled): weights and optimizer state.
 *
 * @returns The saved state, or `undefined` when `dir` holds no checkpoint.
 * @throws {TypeError} When the checkpoint belongs to another model or does not fit it.
 */
export async function restoreCheckpoint(
  dir: string,
  model: tf.LayersModel,
  modelName: string,
): Promise<CheckpointState | undefined> {
  const pointer = await unlessNotFound(() => Deno.readTextFile(join(dir, "latest.json")));
  if (pointer === undefined) return undefined;
  const latest: { epoch: number; dir: string } = JSON.parse(pointer);
  const base = join(dir, latest.dir);
  const read = (file: string) => Deno.readFile(join(base, file));
  const meta = JSON.parse(await Deno.readTextFile(join(base, "checkpoint.json")));
  if (meta.model !== modelName) {
    throw new TypeError(
      `${base}: expected a checkpoint of ${modelName}, found one of ${meta.model}`,
    );
  }
  const weights = decodePositional(await read("weights.bin"), meta.weightSpecs);
  const current = model.getWeights();
  const mismatch = weights.findIndex((w, i) =>
    !tf.util.arraysEqual(w.shape, current[i]?.shape ?? [])
  );
  if (weights.length !== current.length || mismatch >= 0) {
    tf.dispose(weights);
    throw new TypeError(
      `${base}: the saved weights do not fit ${modelName} (was the spec changed?)`,
    );
  }
  model.setWeights(weights);
  tf.dispose(weights);
  const optimizer = decodePositional(await read("optimizer.bin"), meta.optimizerSpecs);
  // setWeights keeps the moment tensors as its variables' initial values; it copies them.
  await model.optimizer.setWeights(
    optimizer.map((tensor, i) => ({ name: meta.optimizerNames[i] as string, tensor })),
  );
  tf.dispose(optimizer);
  return { model: meta.model, epochs: meta.epochs };
}
