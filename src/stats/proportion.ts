// Proportions with Wilson score intervals: APHO "Technical Guide: Confidence Intervals" (2008),
// PHEindicatormethods::phe_proportion / wilson_lower / wilson_upper. Wilson behaves at 0 and 1 and
// for small denominators, unlike the normal approximation.

import {
  confidenceLevel,
  assertCount,
  type Confidence,
  type Estimate,
  interval,
  Method,
  SuppressionReason,
  suppressed,
  zFor,
} from './types.ts';

export type ProportionOptions = {
  readonly confidence: Confidence;
  /**
   * Disclosure control: numerators with 0 < numerator < suppressBelow are suppressed as
   * 'small-count'. Zero is shown (it discloses nothing about individuals). Off by default.
   */
  readonly suppressBelow?: number;
};

/** Wilson score limits for numerator out of denominator (both > 0 checked by the caller). */
export function wilsonLimits(numerator: number, denominator: number, confidence: Confidence) {
  const z = zFor(confidence);
  const p = numerator / denominator;
  const z2 = z * z;
  const centre = 2 * numerator + z2;
  const spread = z * Math.sqrt(z2 + 4 * numerator * (1 - p));
  const divisor = 2 * (denominator + z2);
  // Clamp only against rounding (the formula gives exactly 0 at p = 0 and 1 at p = 1).
  return {
    lower: Math.max(0, Math.min(p, (centre - spread) / divisor)),
    upper: Math.min(1, Math.max(p, (centre + spread) / divisor)),
  };
}

/** A proportion (as a fraction) with its Wilson score interval. */
export function proportion(numerator: number, denominator: number, options: ProportionOptions): Estimate {
  const { suppressBelow } = options;
  const confidence = confidenceLevel(options.confidence);
  assertCount('numerator', numerator);
  assertCount('denominator', denominator);
  if (numerator > denominator) {
    throw new RangeError(`numerator (${numerator}) must not exceed denominator (${denominator}) for a proportion`);
  }
  if (denominator === 0) {
    return suppressed(SuppressionReason.zeroDenominator, confidence, 'No one in the denominator');
  }
  if (suppressBelow !== undefined && numerator > 0 && numerator < suppressBelow) {
    return suppressed(SuppressionReason.smallCount, confidence, `Fewer than ${suppressBelow} in the numerator`);
  }
  const { lower, upper } = wilsonLimits(numerator, denominator, confidence);
  return interval(numerator / denominator, lower, upper, confidence, Method.wilson);
}
