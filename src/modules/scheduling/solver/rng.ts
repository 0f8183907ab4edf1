// Seeded PRNG (mulberry32): fast, 32-bit state, good enough for search decisions; makes runs reproducible.
export type Rng = () => number;

export function createRng(seed: number): Rng {
  let a = (seed ^ 0x9e3779b9) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
