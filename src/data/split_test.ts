import assert from "node:assert/strict";
import {
  classCounts,
  type DataSplit,
  mulberry32,
  permutation,
  splitValidation,
  stratifiedSubset,
} from "./split.ts";

/** 1,000 images: class c has 55 + 10·c of them (uneven on purpose); pixels 0–1 hold the index. */
function unevenSplit(): DataSplit {
  const labels: number[] = [];
  for (let c = 0; c < 10; c++) for (let k = 0; k < 55 + 10 * c; k++) labels.push(c);
  const count = labels.length;
  const images = new Uint8Array(count * 784);
  for (let i = 0; i < count; i++) {
    images[i * 784] = i % 256;
    images[i * 784 + 1] = i >> 8;
  }
  return { images, labels: new Uint8Array(labels), count };
}

Deno.test("mulberry32 repeats its sequence for the same seed", () => {
  const a = mulberry32(42);
  const b = mulberry32(42);
  const xs = [a(), a(), a()];
  assert.deepEqual(xs, [b(), b(), b()]);
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  assert.notEqual(mulberry32(43)(), xs[0]);
});

Deno.test("permutation contains every index once, in a seeded order", () => {
  const p = permutation(1000, 7);
  assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
  assert.deepEqual(p, permutation(1000, 7));
  assert.notDeepEqual(p, permutation(1000, 8));
});

Deno.test("splitValidation holds out images the training split never sees", () => {
  const split = unevenSplit();
  const { train, validation, validationIndices } = splitValidation(split, { size: 150, seed: 3 });
  assert.equal(train.count, 850);
  assert.equal(validation.count, 150);
  const held = new Set(validationIndices);
  assert.equal(held.size, 150);
  const key = (s: DataSplit, i: number) => s.images[i * 784] + 256 * s.images[i * 784 + 1];
  const trainKeys = new Set(Array.from({ length: train.count }, (_, i) => key(train, i)));
  const overlap = Array.from({ length: validation.count }, (_, i) => key(validation, i)).filter((
    k,
  ) => trainKeys.has(k));
  assert.deepEqual(overlap, []);
  assert.equal(trainKeys.size + validation.count, 1000);
  assert.deepEqual(
    splitValidation(split, { size: 150, seed: 3 }).validationIndices,
    validationIndices,
  );
});

Deno.test("splitValidation rejects a size that leaves no training data", () => {
  assert.throws(() => splitValidation(unevenSplit(), { size: 1000 }), {
    name: "RangeError",
    message: "validation size: expected an integer from 0 to 999, got 1000",
  });
});

Deno.test("stratifiedSubset keeps each class's share of the images", () => {
  const split = unevenSplit();
  assert.deepEqual(classCounts(split), [55, 65, 75, 85, 95, 105, 115, 125, 135, 145]);
  const subset = stratifiedSubset(split, { size: 200, seed: 1 });
  assert.equal(subset.count, 200);
  assert.deepEqual(classCounts(subset), [11, 13, 15, 17, 19, 21, 23, 25, 27, 29]);
});

Deno.test("stratifiedSubset hands leftover images to the largest remainders", () => {
  const subset = stratifiedSubset(unevenSplit(), { size: 33, seed: 1 });
  // Shares 1.815 2.145 2.475 2.805 3.135 3.465 3.795 4.125 4.455 4.785: the floors sum to 28, and
  // the 5 left over go to the largest remainders (.815 .805 .795 .785 .475).
  assert.deepEqual(classCounts(subset), [2, 2, 3, 3, 3, 3, 4, 4, 4, 5]);
});

Deno.test("stratifiedSubset is repeatable for a seed and differs across seeds", () => {
  const split = unevenSplit();
  const a = stratifiedSubset(split, { size: 100, seed: 1 });
  assert.deepEqual(a.images, stratifiedSubset(split, { size: 100, seed: 1 }).images);
  assert.notDeepEqual(a.images, stratifiedSubset(split, { size: 100, seed: 2 }).images);
});
