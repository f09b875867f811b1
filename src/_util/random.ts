/**
 * The suite's one seeded generator, mulberry32 (Tommy Ettinger, 2017): a
 * 32-bit state advanced by a Weyl increment and scrambled by a
 * multiply–xorshift mixer. It is small, fast, passes gjrand/PractRand far
 * past what a data split or a bootstrap draws, and gives the same sequence
 * on every platform, which is what a reproducible split or interval needs.
 *
 * @module
 */

/**
 * mulberry32: a seeded generator of uniform numbers in [0, 1), with 32 bits
 * of state (period 2^32).
 *
 * @param seed Any number; only its low 32 bits count.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
