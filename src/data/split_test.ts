import assert from "node:assert/strict";
import { mulberry32 } from "../_util/stats.ts";
import { FIXTURE_CHECKSUMS } from "./checksums.ts";
import { loadFashionMnist } from "./load.ts";
import { FIXTURE_DIR } from "./sources.ts";
import {
  classCounts,
  type DataSplit,
  permutation,
  splitValidation,
  stratifiedSubset,
  take,
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

Deno.test("mulberry32 matches the reference implementation's first outputs for seed 42", () => {
  // From bryc's reference mulberry32 (github.com/bryc/code, jshash/PRNGs.md), seed 42.
  const random = mulberry32(42);
  assert.deepEqual(
    [random(), random(), random()].map((x) => x * 2 ** 32),
    [2581720956, 1925393290, 3661312704],
  );
});

Deno.test("permutation of 10 with seed 42 is pinned, so splits and fixtures stay reproducible", () => {
  assert.deepEqual([...permutation(10, 42)], [0, 7, 3, 5, 2, 1, 8, 9, 4, 6]);
});

Deno.test("permutation contains every index once, in a seeded order", () => {
  const p = permutation(1000, 7);
  assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
  assert.deepEqual(p, permutation(1000, 7));
  assert.notDeepEqual(p, permutation(1000, 8));
});

Deno.test("splitValidation holds out images the training split never sees", () => {
  const split = unevenSplit();
  const { train, validation, trainIndices, validationIndices } = splitValidation(split, {
    size: 150,
    seed: 3,
  });
  assert.equal(train.count, 850);
  assert.equal(validation.count, 150);
  const held = new Set(validationIndices);
  assert.equal(held.size, 150);
  // Every index lands on exactly one side.
  assert.deepEqual(
    [...trainIndices, ...validationIndices].sort((a, b) => a - b),
    Array.from({ length: 1000 }, (_, i) => i),
  );
  assert.deepEqual([...trainIndices].filter((i) => held.has(i)), []);
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

Deno.test("stratifiedSubset with perClass takes that many of every class", () => {
  const subset = stratifiedSubset(unevenSplit(), { perClass: 40, seed: 5 });
  assert.equal(subset.count, 400);
  assert.deepEqual(classCounts(subset), new Array(10).fill(40));
});

Deno.test("stratifiedSubset refuses more per class than the smallest class has", () => {
  assert.throws(() => stratifiedSubset(unevenSplit(), { perClass: 56 }), {
    name: "RangeError",
    message:
      "subset perClass: expected an integer from 1 to 55 (T-shirt/top has 55 images), got 56",
  });
});

Deno.test("stratifiedSubset needs exactly one of size and perClass", () => {
  assert.throws(() => stratifiedSubset(unevenSplit(), { size: 10, perClass: 1 }), {
    name: "TypeError",
    message: "subset: expected exactly one of size and perClass, got both",
  });
  assert.throws(() => stratifiedSubset(unevenSplit(), {}), {
    name: "TypeError",
    message: "subset: expected exactly one of size and perClass, got neither",
  });
  assert.throws(() => stratifiedSubset(unevenSplit(), { size: 1001 }), {
    name: "RangeError",
    message: "subset size: expected an integer from 1 to 1000, got 1001",
  });
});

Deno.test("stratifiedSubset of the real fixture data keeps 10 per class, in original order", async () => {
  const { train } = await loadFashionMnist({
    dir: FIXTURE_DIR,
    checksums: FIXTURE_CHECKSUMS,
    systemDir: null,
    baseUrls: false,
  });
  const subset = stratifiedSubset(train, { perClass: 10, seed: 42 });
  assert.deepEqual(classCounts(subset), new Array(10).fill(10));
  assert.deepEqual(
    classCounts(stratifiedSubset(train, { size: 100, seed: 42 })),
    classCounts(subset),
  );
  // The same images either way: proportional shares of a balanced split are equal shares.
  assert.deepEqual(stratifiedSubset(train, { size: 100, seed: 42 }).images, subset.images);
});

Deno.test("take rejects an index outside the split", () => {
  assert.throws(() => take(unevenSplit(), [0, 1000]), {
    name: "RangeError",
    message: "take: expected indices from 0 to 999, got 1000",
  });
});
