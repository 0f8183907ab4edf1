// Uncertainty: every assumption with low < high is drawn from a PERT distribution (a Beta scaled to
// [low, high] with the most likely value as its mode, λ = 4), or a triangular one if asked. Draws come from a
// seeded generator, so a run with the same seed and assumptions gives the same percentiles. The plan (which
// items start when) is held fixed: the question is how its costs and savings vary, not a new plan per draw.

export type Distribution = 'pert' | 'triangular';

/** sfc32: small, fast, good statistical quality, seeded from one integer. */
export function rng(seed: number): () => number {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  return next;
}

function normal(u: () => number): number {
  let x = 0;
  while (x === 0) x = u();
  return Math.sqrt(-2 * Math.log(x)) * Math.cos(2 * Math.PI * u());
}

/** Marsaglia and Tsang's gamma sampler (shape ≥ 1; boosted for shape < 1). */
function gamma(shape: number, u: () => number): number {
  if (shape < 1) return gamma(shape + 1, u) * u() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(u);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const w = u();
    if (w < 1 - 0.0331 * x ** 4 || Math.log(w) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

export function samplePert(low: number, mode: number, high: number, u: () => number): number {
  if (!(high > low)) return mode;
  const alpha = 1 + (4 * (mode - low)) / (high - low);
  const beta = 1 + (4 * (high - mode)) / (high - low);
  const x = gamma(alpha, u);
  const y = gamma(beta, u);
  return low + (x / (x + y)) * (high - low);
}

export function sampleTriangular(low: number, mode: number, high: number, u: () => number): number {
  if (!(high > low)) return mode;
  const p = u();
  const f = (mode - low) / (high - low);
  return p < f
    ? low + Math.sqrt(p * (high - low) * (mode - low))
    : high - Math.sqrt((1 - p) * (high - low) * (high - mode));
}

/** Percentile by linear interpolation between order statistics (the R type 7 definition). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const pos = (n - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** The q-quantile of unsorted values (0 when there are none). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  return percentile(
    [...values].sort((a, b) => a - b),
    Math.min(1, Math.max(0, q)),
  );
}

export interface Band {
  p10: number[];
  p50: number[];
  p90: number[];
}

export interface UncertainInput {
  key: string;
  low: number;
  value: number;
  high: number;
}

/** Runs `draws` samples of `evaluate`, which returns one array per metric (each a value per year). */
export function monteCarlo<M extends string>(options: {
  uncertain: readonly UncertainInput[];
  base: Record<string, number>;
  draws: number;
  seed: number;
  distribution?: Distribution;
  metrics: readonly M[];
  years: number;
  evaluate: (values: Record<string, number>) => Record<M, number[]>;
}): { bands: Record<M, Band>; totals: Record<M, { p10: number; p50: number; p90: number }>; draws: number } {
  const u = rng(options.seed);
  const sample = options.distribution === 'triangular' ? sampleTriangular : samplePert;
  const T = options.years;
  const store = Object.fromEntries(
    options.metrics.map((m) => [m, Array.from({ length: T + 1 }, () => new Float64Array(options.draws))]),
  ) as Record<M, Float64Array[]>;
  const values = { ...options.base };
  for (let d = 0; d < options.draws; d++) {
    for (const x of options.uncertain) values[x.key] = sample(x.low, x.value, x.high, u);
    const out = options.evaluate(values);
    for (const m of options.metrics) {
      let total = 0;
      for (let t = 0; t < T; t++) {
        store[m][t][d] = out[m][t];
        total += out[m][t];
      }
      store[m][T][d] = total;
    }
  }
  const bands = {} as Record<M, Band>;
  const totals = {} as Record<M, { p10: number; p50: number; p90: number }>;
  for (const m of options.metrics) {
    const b: Band = { p10: [], p50: [], p90: [] };
    for (let t = 0; t <= T; t++) {
      const s = store[m][t].sort();
      const q = { p10: percentile(s, 0.1), p50: percentile(s, 0.5), p90: percentile(s, 0.9) };
      if (t < T) {
        b.p10.push(q.p10);
        b.p50.push(q.p50);
        b.p90.push(q.p90);
      } else totals[m] = q;
    }
    bands[m] = b;
  }
  return { bands, totals, draws: options.draws };
}

export interface TornadoBar {
  key: string;
  low: number;
  high: number;
  /** The metric with this assumption at its low and at its high value, everything else most likely. */
  atLow: number;
  atHigh: number;
  swing: number;
}

/** One-way sensitivity: each uncertain assumption at low and high, the rest at their most likely values. */
export function tornado(
  uncertain: readonly UncertainInput[],
  base: Record<string, number>,
  metric: (values: Record<string, number>) => number,
): TornadoBar[] {
  return uncertain
    .map((x) => {
      const atLow = metric({ ...base, [x.key]: x.low });
      const atHigh = metric({ ...base, [x.key]: x.high });
      return { key: x.key, low: x.low, high: x.high, atLow, atHigh, swing: Math.abs(atHigh - atLow) };
    })
    .sort((a, b) => b.swing - a.swing || a.key.localeCompare(b.key));
}
