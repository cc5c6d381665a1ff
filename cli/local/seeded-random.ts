/**
 * One seeded PRNG for everything that needs repeatable draws (demo data,
 * benchmark generator, fault tests); in `cli/local/` beside the demo data.
 */

/**
 * mulberry32: a tiny, well-known deterministic PRNG (not for secrets), shared by
 * the demo data, the benchmark generator and the fault tests, so the same seed
 * always draws the same values.
 */
export function createSeededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
