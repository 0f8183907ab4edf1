// Quantiles (deprivation deciles, quintiles, …) by Fingertips' ranking rule, as
// PHEindicatormethods::phe_quantile (2.1.0):
// - values are ranked, ties sharing the lowest rank ("min"), missing values left out;
// - by default (invert) the highest value gets rank 1, so quantile 1 holds the highest values: with
//   a deprivation score, quantile 1 is the most deprived;
// - quantile = floor((q + 1) − ceil(((N + 1) − rank) / (N / q))), 0 becoming 1, N the number of
//   values present;
// - fewer values than quantiles: no quantiles at all.

export type QuantileOptions = {
  /** How many quantiles (10 for deciles, 5 for quintiles). A whole number, at least 2. */
  readonly quantiles?: number;
  /** true (the package's default): quantile 1 holds the highest values. false: the lowest. */
  readonly invert?: boolean;
};

/** The quantile (1 … q) of each value, null for a missing value or when there are too few values. */
export function assignQuantiles(values: readonly (number | null)[], options: QuantileOptions = {}): (number | null)[] {
  const q = options.quantiles ?? 10;
  const invert = options.invert ?? true;
  if (!Number.isInteger(q) || q < 2) throw new RangeError(`quantiles must be a whole number >= 2, got ${q}`);
  for (const v of values) {
    if (v !== null && !Number.isFinite(v)) throw new RangeError(`values must be finite or null, got ${v}`);
  }
  const present = values.filter((v): v is number => v !== null);
  const count = present.length;
  if (count < q) return values.map(() => null);
  const keys = present.map((v) => (invert ? -v : v)).sort((x, y) => x - y);
  // "min" rank: 1 + the number of values strictly before it.
  const rankOf = (key: number): number => {
    let low = 0;
    let high = keys.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (keys[mid] < key) low = mid + 1;
      else high = mid;
    }
    return low + 1;
  };
  return values.map((v) => {
    if (v === null) return null;
    const rank = rankOf(invert ? -v : v);
    const quantile = Math.floor(q + 1 - Math.ceil((count + 1 - rank) / (count / q)));
    return quantile === 0 ? 1 : quantile;
  });
}
