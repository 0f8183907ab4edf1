// Crude rates with Poisson limits on the count. Byar's approximation for counts of 10 or more and
// the exact (chi-square) method below 10: APHO "Technical Guide: Confidence Intervals" (2008),
// PHEindicatormethods::phe_rate ("for small numerators Byar's method is less accurate"), Breslow &
// Day (1987). The worked examples in data/reference/phe use Byar for counts >= 10, so they agree.

import { exactPoissonLimits } from './distributions.ts';
import {
  confidenceLevel,
  assertCount,
  assertPositiveFinite,
  type Confidence,
  type Estimate,
  interval,
  Method,
  SuppressionReason,
  suppressed,
  zFor,
} from './types.ts';

/** Counts below this use exact Poisson limits; at or above it, Byar's approximation. */
export const BYAR_MINIMUM_COUNT = 10;

/** Byar's approximation to the Poisson limits of an observed count (count > 0). */
export function byarLimits(count: number, confidence: Confidence): { lower: number; upper: number } {
  const z = zFor(confidence);
  const o1 = count + 1;
  return {
    lower: count * (1 - 1 / (9 * count) - z / (3 * Math.sqrt(count))) ** 3,
    upper: o1 * (1 - 1 / (9 * o1) + z / (3 * Math.sqrt(o1))) ** 3,
  };
}

/** Poisson limits for a count: exact below 10, Byar's from 10 (the PHE rule). */
export function poissonLimits(
  count: number,
  confidence: Confidence,
): { lower: number; upper: number; method: typeof Method.byar | typeof Method.exactPoisson } {
  const level = confidenceLevel(confidence);
  assertCount('count', count);
  if (count < BYAR_MINIMUM_COUNT) return { ...exactPoissonLimits(count, level), method: Method.exactPoisson };
  return { ...byarLimits(count, level), method: Method.byar };
}

export type RateOptions = {
  readonly confidence: Confidence;
  /** Rate per this many of the denominator, e.g. 100000. */
  readonly multiplier: number;
  /** Disclosure control: counts with 0 < count < suppressBelow are suppressed. Off by default. */
  readonly suppressBelow?: number;
};

/** A crude rate (count / denominator × multiplier) with Poisson confidence limits. */
export function rate(count: number, denominator: number, options: RateOptions): Estimate {
  const { multiplier, suppressBelow } = options;
  const confidence = confidenceLevel(options.confidence);
  assertPositiveFinite('multiplier', multiplier);
  assertCount('count', count);
  assertCount('denominator', denominator);
  if (denominator === 0) {
    return suppressed(SuppressionReason.zeroDenominator, confidence, 'No population in the denominator');
  }
  if (suppressBelow !== undefined && count > 0 && count < suppressBelow) {
    return suppressed(SuppressionReason.smallCount, confidence, `Fewer than ${suppressBelow} events`);
  }
  const limits = poissonLimits(count, confidence);
  const scale = multiplier / denominator;
  return interval(count * scale, limits.lower * scale, limits.upper * scale, confidence, limits.method);
}
