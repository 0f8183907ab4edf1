// Seeded pseudo-random numbers for the statistics that PHEindicatormethods gets by simulation (the
// SII and RII confidence intervals). Seeded so that a figure is the same on every run and every
// machine: xoshiro128** (Blackman & Vigna, 2018) seeded through splitmix32, 53-bit uniforms from two
// 32-bit outputs, standard normals by Marsaglia's polar method. Not for anything secret.

export type Random = {
  /** A uniform number in [0, 1) with 53 random bits. */
  uniform(): number;
  /** A draw from the normal distribution with this mean and standard deviation. */
  normal(mean?: number, standardDeviation?: number): number;
};

/** The seed the statistics use when the caller gives none. */
export const DEFAULT_SEED = 20170;

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A generator from a whole-number seed; the same seed always gives the same sequence. */
export function seededRandom(seed: number = DEFAULT_SEED): Random {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a whole number, got ${seed}`);
  const mix = splitmix32(seed ^ Math.floor(seed / 2 ** 32));
  const s = new Uint32Array([mix(), mix(), mix(), mix()]);
  if (s[0] === 0 && s[1] === 0 && s[2] === 0 && s[3] === 0) s[0] = 1;
  const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;
  const next32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  };
  const uniform = (): number => ((next32() >>> 5) * 67108864 + (next32() >>> 6)) / 9007199254740992;
  let spare: number | null = null;
  const standardNormal = (): number => {
    if (spare !== null) {
      const value = spare;
      spare = null;
      return value;
    }
    for (;;) {
      const u = 2 * uniform() - 1;
      const v = 2 * uniform() - 1;
      const r = u * u + v * v;
      if (r > 0 && r < 1) {
        const f = Math.sqrt((-2 * Math.log(r)) / r);
        spare = v * f;
        return u * f;
      }
    }
  };
  return {
    uniform,
    normal: (mean = 0, standardDeviation = 1) => mean + standardDeviation * standardNormal(),
  };
}
