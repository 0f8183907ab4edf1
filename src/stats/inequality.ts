// Slope index of inequality (SII) and relative index of inequality (RII) across deprivation
// quantiles, following PHEindicatormethods::phe_sii (2.1.0) and the OHID/PHE technical guidance (Low &
// Low, J Public Health 2004;26:388–95):
// - groups are ordered from MOST deprived (first) to LEAST deprived (last);
// - each group's x is the midpoint of its range in the cumulative population share (relative rank);
// - value is regressed on x by least squares weighted by population share (PHE fits y√a on √a and x√a);
// - SII is the slope, i.e. fitted value at x = 1 minus fitted value at x = 0, times the multiplier;
// - RII is fitted(x = 1) / fitted(x = 0), inverted when the multiplier is negative.
// Value types (the package's value_type): 'normal' (0), 'rate' (1, log scale), 'proportion' (2,
// logit scale). For rates and proportions the standard error is on the log / logit scale (from the
// 95% limits, as the package); with `transform` the regression itself is on that scale and the
// fitted ends are back-transformed.
// Confidence interval:
// - 'simulation' (the package's method): each group's value is drawn from N(value, se²) on the
//   log / logit scale where there is one, back-transformed unless `transform`, refitted, and the
//   limits are order statistics of the repetitions. Seeded (src/stats/random.ts), so reproducible.
// - 'analytic' (normal values, the default when no repetitions are asked for): the slope is linear in
//   the values, so the simulation converges to slope ± z·√(Σ cᵢ² seᵢ²); the RII uses the delta method on
//   log(RII). Deterministic and instant.

import { DEFAULT_SEED, seededRandom } from './random.ts';
import {
  type Confidence,
  confidenceLevel,
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
  /** Indicator value for the quantile (a fraction for proportions). */
  readonly value: number;
  /**
   * Standard error of the value: on the value's own scale for 'normal' values, on the log (rate) or
   * logit (proportion) scale otherwise, as phe_sii takes it. Give it, or lower and upper.
   */
  readonly standardError?: number;
  /** The value's confidence limits (95% unless SiiOptions.limitsConfidence says otherwise). */
  readonly lower?: number;
  readonly upper?: number;
};

export const SiiValueType = { normal: 'normal', rate: 'rate', proportion: 'proportion' } as const;
export type SiiValueType = (typeof SiiValueType)[keyof typeof SiiValueType];

export type SiiOptions = {
  readonly confidence: Confidence;
  /**
   * Scales the SII and its limits (e.g. 100 for percentage points when values are fractions).
   * Negative turns a "higher is better" indicator into a gap that reads the right way; the RII is
   * then inverted. Not zero.
   */
  readonly multiplier?: number;
  /** 'normal' (default), 'rate' (positive values) or 'proportion' (fractions between 0 and 1). */
  readonly valueType?: SiiValueType;
  /** Fit on the log (rate) or logit (proportion) scale and back-transform the ends. Needs limits. */
  readonly transform?: boolean;
  /**
   * Simulate the interval with this many repetitions (at least 1,000; the package's default is
   * 100,000). Rates, proportions and transforms always simulate, 100,000 times unless told.
   * Normal values without it get the analytic interval.
   */
  readonly repetitions?: number;
  /** Seed for the simulation (a whole number). The same seed gives the same limits. */
  readonly seed?: number;
  /** Confidence level of the groups' lower/upper limits, used to derive standard errors; 0.95 as phe_sii. */
  readonly limitsConfidence?: Confidence;
};

export type SiiEstimate =
  | (Interval & {
      /** Fitted value at the most deprived end (x = 0), before the multiplier. */
      readonly fittedMostDeprived: number;
      /** Fitted value at the least deprived end (x = 1), before the multiplier. */
      readonly fittedLeastDeprived: number;
      readonly rii: Estimate;
      readonly valueType: SiiValueType;
      readonly transform: boolean;
      /** Repetitions of the simulation, or null for the analytic interval. */
      readonly repetitions: number | null;
    })
  | (Suppressed & { readonly rii: Suppressed });

/** PHE requires between 5 and 100 quantiles, all with data, for an SII. */
export const SII_MINIMUM_GROUPS = 5;
export const SII_MAXIMUM_GROUPS = 100;
export const SII_DEFAULT_REPETITIONS = 100_000;
export const SII_MINIMUM_REPETITIONS = 1_000;

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

const SCALES: Record<SiiValueType, { to: (v: number) => number; from: (t: number) => number }> = {
  normal: { to: (v) => v, from: (t) => t },
  rate: { to: Math.log, from: Math.exp },
  proportion: { to: (v) => Math.log(v / (1 - v)), from: (t) => 1 / (1 + Math.exp(-t)) },
};

/** The k-th smallest (1-based, clamped to the array) of sorted values. */
function orderStatistic(sorted: Float64Array, k: number): number {
  return sorted[Math.min(sorted.length, Math.max(1, k)) - 1];
}

/** Slope and relative index of inequality, groups ordered from most to least deprived. */
export function slopeIndexOfInequality(groups: readonly InequalityGroup[], options: SiiOptions): SiiEstimate {
  const confidence = confidenceLevel(options.confidence);
  const multiplier = options.multiplier ?? 1;
  const valueType = options.valueType ?? SiiValueType.normal;
  const transform = options.transform ?? false;
  const limitsConfidence = confidenceLevel(options.limitsConfidence ?? 0.95);
  if (!Number.isFinite(multiplier) || multiplier === 0) {
    throw new RangeError(`multiplier must be a finite number other than 0, got ${multiplier}`);
  }
  if (!(valueType in SCALES)) throw new RangeError(`valueType must be normal, rate or proportion, got ${valueType}`);
  if (transform && valueType === SiiValueType.normal) {
    throw new RangeError('transform needs valueType rate or proportion');
  }
  const simulate = options.repetitions !== undefined || valueType !== SiiValueType.normal;
  const repetitions = options.repetitions ?? SII_DEFAULT_REPETITIONS;
  if (!Number.isInteger(repetitions) || repetitions < SII_MINIMUM_REPETITIONS) {
    throw new RangeError(`repetitions must be a whole number >= ${SII_MINIMUM_REPETITIONS}, got ${repetitions}`);
  }
  if (groups.length > SII_MAXIMUM_GROUPS) {
    throw new RangeError(`an SII takes at most ${SII_MAXIMUM_GROUPS} quantiles, got ${groups.length}`);
  }
  for (const g of groups) {
    if (!Number.isFinite(g.population) || g.population < 0) {
      throw new RangeError(`population must be >= 0, got ${g.population}`);
    }
    if (!Number.isFinite(g.value)) throw new RangeError(`value must be finite, got ${g.value}`);
    if (g.standardError !== undefined && !(Number.isFinite(g.standardError) && g.standardError >= 0)) {
      throw new RangeError(`standardError must be >= 0, got ${g.standardError}`);
    }
    const hasLimits = g.lower !== undefined && g.upper !== undefined;
    if (hasLimits && !(Number.isFinite(g.lower) && Number.isFinite(g.upper) && (g.upper ?? 0) >= (g.lower ?? 0))) {
      throw new RangeError(`limits must be finite with upper >= lower, got ${g.lower} to ${g.upper}`);
    }
    if (transform && !hasLimits)
      throw new RangeError('transform needs each group’s lower and upper limits, as phe_sii');
    if (g.standardError === undefined && !hasLimits) {
      throw new RangeError('each group needs a standardError, or lower and upper limits');
    }
    if (valueType === SiiValueType.proportion) {
      for (const v of [g.value, g.lower, g.upper]) {
        if (v !== undefined && !(v >= 0 && v <= 1)) throw new RangeError(`proportions must be in [0, 1], got ${v}`);
      }
    }
    if (valueType === SiiValueType.rate) {
      for (const v of [g.value, g.lower, g.upper]) {
        if (v !== undefined && v < 0) throw new RangeError(`rates must be >= 0, got ${v}`);
      }
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
  const scale = SCALES[valueType];
  // Values (and, for standard errors from limits, limits) on the log / logit scale.
  const onScale = groups.map((g) => scale.to(g.value));
  const se = groups.map((g) =>
    g.standardError !== undefined
      ? g.standardError
      : (scale.to(g.upper as number) - scale.to(g.lower as number)) / (2 * zFor(limitsConfidence)),
  );
  if ([...onScale, ...se].some((v) => !Number.isFinite(v))) {
    return suppress(
      SuppressionReason.valueAtLimit,
      valueType === SiiValueType.rate
        ? 'A quantile’s rate or limit is 0, which has no logarithm'
        : 'A quantile’s proportion or limit is 0 or 1, which has no logit',
    );
  }

  const total = groups.reduce((sum, g) => sum + g.population, 0);
  const share = groups.map((g) => g.population / total);
  const x = relativeRanks(groups.map((g) => g.population));
  const xBar = share.reduce((sum, a, i) => sum + a * x[i], 0);
  const sxx = share.reduce((sum, a, i) => sum + a * (x[i] - xBar) ** 2, 0);
  // The fit is a fixed linear combination of the values: slope = Σ cᵢyᵢ, fitted(0) = Σ dᵢyᵢ.
  const c = share.map((a, i) => (a * (x[i] - xBar)) / sxx);
  const d = share.map((a, i) => a - xBar * c[i]);
  const e = d.map((di, i) => di + c[i]);
  const dot = (u: readonly number[], v: ArrayLike<number>) => u.reduce((sum, ui, i) => sum + ui * v[i], 0);
  const n = groups.length;
  const negative = multiplier < 0;

  // Point estimates.
  const y = transform ? onScale : groups.map((g) => g.value);
  const slope = dot(c, y);
  const y0 = dot(d, y);
  const y1 = y0 + slope;
  const fitted0 = transform ? scale.from(y0) : y0;
  const fitted1 = transform ? scale.from(y1) : y1;
  const sii = (fitted1 - fitted0) * multiplier;
  const riiUsable = fitted0 > 0 && fitted1 > 0;
  const riiValue = negative ? fitted0 / fitted1 : fitted1 / fitted0;
  const riiSuppressed = suppressed(
    SuppressionReason.nonPositiveFittedValue,
    confidence,
    'The fitted line is not positive at both ends, so a ratio has no meaning',
  );

  let lower: number;
  let upper: number;
  let rii: Estimate;
  if (!simulate) {
    const se2 = se.map((s) => s * s);
    const weightedVariance = (u: number[], v: number[]) => u.reduce((sum, ui, i) => sum + ui * v[i] * se2[i], 0);
    const z = zFor(confidence);
    const halfWidth = z * Math.sqrt(weightedVariance(c, c)) * Math.abs(multiplier);
    lower = sii - halfWidth;
    upper = sii + halfWidth;
    if (!riiUsable) rii = riiSuppressed;
    else {
      const logSd = Math.sqrt(
        Math.max(
          0,
          weightedVariance(e, e) / y1 ** 2 +
            weightedVariance(d, d) / y0 ** 2 -
            (2 * weightedVariance(d, e)) / (y0 * y1),
        ),
      );
      rii = interval(
        riiValue,
        riiValue * Math.exp(-z * logSd),
        riiValue * Math.exp(z * logSd),
        confidence,
        Method.deltaMethod,
      );
    }
  } else {
    const random = seededRandom(options.seed ?? DEFAULT_SEED);
    const slopes = new Float64Array(repetitions);
    const ratios = new Float64Array(repetitions);
    const draw = new Float64Array(n);
    for (let r = 0; r < repetitions; r++) {
      for (let i = 0; i < n; i++) {
        const t = random.normal(onScale[i], se[i]);
        draw[i] = transform ? t : scale.from(t);
      }
      const s = dot(c, draw);
      const intercept = dot(d, draw);
      slopes[r] = transform ? s : s * multiplier;
      const ratio = (intercept + s) / intercept;
      ratios[r] = negative ? 1 / ratio : ratio;
    }
    slopes.sort();
    ratios.sort();
    // The package's positions: round(reps × (1 − c′)) and round(reps × c′), c′ = c + (1 − c)/2.
    const upperTail = confidence + (1 - confidence) / 2;
    const kLower = Math.round(repetitions * (1 - upperTail));
    const kUpper = Math.round(repetitions * upperTail);
    const sLower = orderStatistic(slopes, kLower);
    const sUpper = orderStatistic(slopes, kUpper);
    if (!transform) {
      lower = sLower;
      upper = sUpper;
      rii = riiUsable
        ? interval(
            riiValue,
            orderStatistic(ratios, kLower),
            orderStatistic(ratios, kUpper),
            confidence,
            Method.simulation,
          )
        : riiSuppressed;
    } else {
      // As phe_sii: keep the fitted midpoint, move the ends by half the simulated slope limit each
      // way, and back-transform.
      const middle = y0 + slope / 2;
      const ends = (s: number) => ({ at0: scale.from(middle - s / 2), at1: scale.from(middle + s / 2) });
      const low = ends(sLower);
      const high = ends(sUpper);
      const [forLower, forUpper] = negative ? [high, low] : [low, high];
      lower = (forLower.at1 - forLower.at0) * multiplier;
      upper = (forUpper.at1 - forUpper.at0) * multiplier;
      const ratio = (end: { at0: number; at1: number }) => (negative ? end.at0 / end.at1 : end.at1 / end.at0);
      rii = interval(riiValue, ratio(forLower), ratio(forUpper), confidence, Method.simulation);
    }
  }

  return {
    ...interval(sii, lower, upper, confidence, simulate ? Method.simulation : Method.weightedLeastSquares),
    fittedMostDeprived: fitted0,
    fittedLeastDeprived: fitted1,
    rii,
    valueType,
    transform,
    repetitions: simulate ? repetitions : null,
  };
}
