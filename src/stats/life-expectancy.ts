// Life expectancy from an abridged life table: Chiang's method II (Chiang CL, The life table and its
// construction, 1968/1984) with the 90+ final interval and Silcocks' variance for it (Silcocks PBS,
// Jenner DA, Reza R, J Epidemiol Community Health 2001;55:38–43), as PHEindicatormethods 2.1.0
// phe_life_expectancy and the Fingertips life expectancy indicators do:
// - 20 bands starting at 0, 1, 5, 10, …, 85, 90 (90+ open-ended);
// - aᵢ (the fraction of the band lived by those who die in it) is 0.1 for infants, 0.5 otherwise;
// - qᵢ = Mᵢnᵢ / (1 + Mᵢnᵢ(1 − aᵢ)), 1 when the deaths are too many for that to be a probability;
// - the final band's years lived are l/M, and its variance term 4 / (D·M²);
// - a value whose 95% interval is wider than 20 years is not published, whatever level is asked for;
// - an area with a band of no population, more deaths than population, or 5,000 people or fewer in
//   total is not published at all.

import {
  assertCount,
  type Confidence,
  confidenceLevel,
  type Estimate,
  interval,
  Method,
  SuppressionReason,
  suppressed,
  zFor,
} from './types.ts';

/** The start ages of the 20 bands phe_life_expectancy takes (0, 1–4, 5–9, …, 85–89, 90+). */
export const LIFE_TABLE_START_AGES = [
  0, 1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90,
] as const;
/** Areas of this many people or fewer get no life expectancy (PHE rule). */
export const LIFE_EXPECTANCY_MINIMUM_POPULATION = 5000;
/** Values whose 95% interval is wider than this many years are suppressed (PHE rule). */
export const LIFE_EXPECTANCY_MAXIMUM_INTERVAL = 20;

export type LifeTableBand = {
  /** The band's first year of age: one of LIFE_TABLE_START_AGES. */
  readonly startAge: number;
  readonly deaths: number;
  readonly population: number;
};

export type LifeExpectancyOptions = { readonly confidence: Confidence };

/** Life expectancy at one start age (years still to live at that age). */
export type LifeExpectancyEstimate = Estimate & { readonly startAge: number };

/** Life expectancy at each of the 20 start ages, youngest first. */
export function lifeExpectancy(
  bands: readonly LifeTableBand[],
  options: LifeExpectancyOptions,
): LifeExpectancyEstimate[] {
  const confidence = confidenceLevel(options.confidence);
  for (const b of bands) {
    assertCount('deaths', b.deaths);
    assertCount('population', b.population);
  }
  const sorted = [...bands].sort((a, b) => a.startAge - b.startAge);
  const all = (reason: SuppressionReason, message: string): LifeExpectancyEstimate[] =>
    LIFE_TABLE_START_AGES.map((startAge) => ({ ...suppressed(reason, confidence, message), startAge }));
  if (
    sorted.length !== LIFE_TABLE_START_AGES.length ||
    sorted.some((b, i) => b.startAge !== LIFE_TABLE_START_AGES[i])
  ) {
    return all(
      SuppressionReason.tooFewBands,
      'Life expectancy needs deaths and population in all 20 age bands, 0 to 90+',
    );
  }
  if (sorted.some((b) => b.population === 0)) {
    return all(SuppressionReason.zeroDenominator, 'An age band has no population');
  }
  if (sorted.some((b) => b.deaths > b.population)) {
    return all(SuppressionReason.countAbovePopulation, 'An age band has more deaths than people');
  }
  const totalPopulation = sorted.reduce((sum, b) => sum + b.population, 0);
  if (totalPopulation <= LIFE_EXPECTANCY_MINIMUM_POPULATION) {
    return all(
      SuppressionReason.smallPopulation,
      `The population is ${LIFE_EXPECTANCY_MINIMUM_POPULATION.toLocaleString('en-GB')} or fewer`,
    );
  }
  const k = sorted.length;
  const last = k - 1;
  const M = sorted.map((b) => b.deaths / b.population);
  const n = sorted.map((b, i) => (i < last ? sorted[i + 1].startAge - b.startAge : 2 / M[i]));
  const a = sorted.map((b) => (b.startAge === 0 ? 0.1 : 0.5));
  const q = sorted.map((b, i) =>
    b.deaths <= b.population / n[i] / a[i] ? (M[i] * n[i]) / (1 + M[i] * n[i] * (1 - a[i])) : 1,
  );
  const l: number[] = [1e5];
  for (let i = 1; i < k; i++) l.push(l[i - 1] * (1 - q[i - 1]));
  const d = l.map((li, i) => li - (i < last ? l[i + 1] : 0));
  const L = l.map((li, i) => (i < last ? n[i] * (l[i + 1] + a[i] * d[i]) : li / M[i]));
  const T = new Array<number>(k);
  const e = new Array<number>(k);
  let cumulative = 0;
  for (let i = last; i >= 0; i--) {
    cumulative += L[i];
    T[i] = cumulative;
    e[i] = l[i] === 0 ? 0 : T[i] / l[i];
  }
  const sp = sorted.map((b, i) =>
    i === last ? 4 / (b.deaths * M[i] ** 2) : d[i] === 0 ? 0 : (q[i] ** 2 * (1 - q[i])) / b.deaths,
  );
  const W = sp.map((s, i) => (i < last ? s * l[i] ** 2 * ((1 - a[i]) * n[i] + e[i + 1]) ** 2 : (l[i] / 2) ** 2 * s));
  const z95 = zFor(0.95);
  const z = zFor(confidence);
  const out = new Array<LifeExpectancyEstimate>(k);
  let sumW = 0;
  for (let i = last; i >= 0; i--) {
    sumW += W[i];
    const se = Math.sqrt(sumW / l[i] ** 2);
    const startAge = sorted[i].startAge;
    if (!Number.isFinite(e[i]) || !Number.isFinite(se)) {
      out[i] = {
        ...suppressed(
          SuppressionReason.smallCount,
          confidence,
          'No deaths at 90 and over, so the table cannot be closed',
        ),
        startAge,
      };
    } else if (2 * z95 * se > LIFE_EXPECTANCY_MAXIMUM_INTERVAL) {
      out[i] = {
        ...suppressed(
          SuppressionReason.wideInterval,
          confidence,
          `The 95% confidence interval is wider than ${LIFE_EXPECTANCY_MAXIMUM_INTERVAL} years`,
        ),
        startAge,
      };
    } else {
      out[i] = { ...interval(e[i], e[i] - z * se, e[i] + z * se, confidence, Method.chiang), startAge };
    }
  }
  return out;
}
