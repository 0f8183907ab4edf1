// Slope index of inequality (SII) and relative index of inequality (RII) across deprivation
// quantiles, following PHEindicatormethods::phe_sii and the OHID/PHE technical guidance (Low & Low,
// J Public Health 2004;26:388–95):
// - groups are ordered from MOST deprived (first) to LEAST deprived (last);
// - each group's x is the midpoint of its range in the cumulative population share (relative rank);
// - value is regressed on x by least squares weighted by population share (PHE fits y√a on √a and x√a);
// - SII is the slope, i.e. fitted value at x = 1 minus fitted value at x = 0;
// - RII is fitted(x = 1) / fitted(x = 0).
// Confidence interval: PHE simulates each group's value from N(value, se²) and refits 100,000 times.
// The slope is linear in the values, so that simulation converges to the analytic interval used here,
// slope ± z·√(Σ cᵢ² seᵢ²) with cᵢ the WLS weights; no random numbers, same answer every run.
// RII's interval uses the delta method on log(RII) (Y1 and Y0 share the same values, so their
// covariance is included).

import {
  confidenceLevel,
  assertPositiveFinite,
  type Confidence,
  type Estimate,
  type Interval,
  interval,
  Method,
  type Suppressed,
  SuppressionReason,
  suppressed,
  zFor,
} from './types.ts';

export type InequalityGroup = {
  /** Population of the quantile (e.g. deprivation decile). */
  readonly population: number;
  /** Indicator value for the quantile. */
  readonly value: number;
  /** Standard error of the value (see standardErrorFromInterval). */
  readonly standardError: number;
};

export type SiiOptions = {
  readonly confidence: Confidence;
  /** Scales the SII and its limits (e.g. 100 for percentage points when values are fractions). */
  readonly multiplier?: number;
};

export type SiiEstimate =
  | (Interval & {
      /** Fitted value at the most deprived end (x = 0), before the multiplier. */
      readonly fittedMostDeprived: number;
      /** Fitted value at the least deprived end (x = 1), before the multiplier. */
      readonly fittedLeastDeprived: number;
      readonly rii: Estimate;
    })
  | (Suppressed & { readonly rii: Suppressed });

/** PHE requires between 5 and 100 quantiles, all with data, for an SII. */
export const SII_MINIMUM_GROUPS = 5;
export const SII_MAXIMUM_GROUPS = 100;

/** Relative rank (cumulative-population midpoint) of each group, in the order given. */
export function relativeRanks(populations: readonly number[]): number[] {
  const total = populations.reduce((sum, p) => sum + p, 0);
  let cumulative = 0;
  return populations.map((p) => {
    const midpoint = (cumulative + p / 2) / total;
    cumulative += p;
    return midpoint;
  });
}

/** Standard error from a symmetric confidence interval, as phe_sii derives it: (upper − lower) / 2z. */
export function standardErrorFromInterval(lower: number, upper: number, confidence: Confidence = 0.95): number {
  if (!(upper >= lower)) throw new RangeError(`upper (${upper}) must be >= lower (${lower})`);
  return (upper - lower) / (2 * zFor(confidence));
}

/** Slope and relative index of inequality, groups ordered from most to least deprived. */
export function slopeIndexOfInequality(groups: readonly InequalityGroup[], options: SiiOptions): SiiEstimate {
  const confidence = confidenceLevel(options.confidence);
  const multiplier = options.multiplier ?? 1;
  assertPositiveFinite('multiplier', multiplier);
  if (groups.length > SII_MAXIMUM_GROUPS) {
    throw new RangeError(`an SII takes at most ${SII_MAXIMUM_GROUPS} quantiles, got ${groups.length}`);
  }
  for (const { population, value, standardError } of groups) {
    if (!Number.isFinite(population) || population < 0)
      throw new RangeError(`population must be >= 0, got ${population}`);
    if (!Number.isFinite(value)) throw new RangeError(`value must be finite, got ${value}`);
    if (!Number.isFinite(standardError) || standardError < 0) {
      throw new RangeError(`standardError must be >= 0, got ${standardError}`);
    }
  }
  const suppress = (reason: SuppressionReason, message: string): SiiEstimate => {
    const s = suppressed(reason, confidence, message);
    return { ...s, rii: s };
  };
  if (groups.length < SII_MINIMUM_GROUPS) {
    return suppress(SuppressionReason.tooFewGroups, `An SII needs at least ${SII_MINIMUM_GROUPS} quantiles with data`);
  }
  if (groups.some((g) => g.population === 0)) {
    return suppress(SuppressionReason.zeroPopulation, 'A quantile has no population');
  }

  const total = groups.reduce((sum, g) => sum + g.population, 0);
  const share = groups.map((g) => g.population / total);
  const x = relativeRanks(groups.map((g) => g.population));
  const xBar = share.reduce((sum, a, i) => sum + a * x[i], 0);
  const sxx = share.reduce((sum, a, i) => sum + a * (x[i] - xBar) ** 2, 0);
  // Each estimate below is a fixed linear combination of the values: slope = Σ cᵢyᵢ, Y0 = Σ dᵢyᵢ.
  const c = share.map((a, i) => (a * (x[i] - xBar)) / sxx);
  const d = share.map((a, i) => a - xBar * c[i]);
  const e = d.map((di, i) => di + c[i]);
  const se2 = groups.map((g) => g.standardError ** 2);
  const dot = (u: number[], v: number[]) => u.reduce((sum, ui, i) => sum + ui * v[i], 0);
  const y = groups.map((g) => g.value);
  const slope = dot(c, y);
  const y0 = dot(d, y);
  const y1 = dot(e, y);
  const weightedVariance = (u: number[], v: number[]) => u.reduce((sum, ui, i) => sum + ui * v[i] * se2[i], 0);
  const z = zFor(confidence);
  const halfWidth = z * Math.sqrt(weightedVariance(c, c));

  let rii: Estimate;
  if (y0 <= 0 || y1 <= 0) {
    rii = suppressed(
      SuppressionReason.nonPositiveFittedValue,
      confidence,
      'The fitted line is not positive at both ends, so a ratio has no meaning',
    );
  } else {
    const logSd = Math.sqrt(
      Math.max(
        0,
        weightedVariance(e, e) / y1 ** 2 + weightedVariance(d, d) / y0 ** 2 - (2 * weightedVariance(d, e)) / (y0 * y1),
      ),
    );
    const ratio = y1 / y0;
    rii = interval(ratio, ratio * Math.exp(-z * logSd), ratio * Math.exp(z * logSd), confidence, Method.deltaMethod);
  }

  return {
    ...interval(
      slope * multiplier,
      (slope - halfWidth) * multiplier,
      (slope + halfWidth) * multiplier,
      confidence,
      Method.weightedLeastSquares,
    ),
    fittedMostDeprived: y0,
    fittedLeastDeprived: y1,
    rii,
  };
}
