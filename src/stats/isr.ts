// Indirectly standardised ratios (e.g. SMRs): observed / expected, where expected applies reference
// rates to the local population. Limits are the Poisson limits of the observed count (exact below 10,
// Byar from 10) divided by the expected count, which is treated as fixed.
// APHO "Technical Guide: Confidence Intervals" (2008); PHEindicatormethods::calculate_ISRatio.

import { poissonLimits } from './rate.ts';
import {
  confidenceLevel,
  assertCount,
  assertPositiveFinite,
  type Confidence,
  type Interval,
  type Suppressed,
  interval,
  SuppressionReason,
  suppressed,
} from './types.ts';

export type IsrGroup = {
  /** Observed events in the local population for this band. */
  readonly count: number;
  readonly population: number;
  /** Reference (e.g. England) rate for this band, per person: reference events / reference population. */
  readonly referenceRate: number;
};

export type IsrOptions = {
  readonly confidence: Confidence;
  /** 1 for a ratio, 100 for an SMR expressed with 100 = as expected. */
  readonly multiplier: number;
};

export type IsrEstimate = (Interval | Suppressed) & { readonly observed: number; readonly expected: number };

/** Expected events: the reference rates applied to the local population. */
export function expectedCount(groups: readonly IsrGroup[]): number {
  let expected = 0;
  for (const { population, referenceRate } of groups) {
    assertCount('population', population);
    assertCount('referenceRate', referenceRate);
    expected += population * referenceRate;
  }
  return expected;
}

/** An indirectly standardised ratio from observed and expected totals. */
export function isrFromTotals(observed: number, expected: number, options: IsrOptions): IsrEstimate {
  const { multiplier } = options;
  const confidence = confidenceLevel(options.confidence);
  assertPositiveFinite('multiplier', multiplier);
  assertCount('observed', observed);
  assertCount('expected', expected);
  if (expected === 0) {
    return { ...suppressed(SuppressionReason.zeroExpected, confidence, 'No events expected'), observed, expected };
  }
  const limits = poissonLimits(observed, confidence);
  const scale = multiplier / expected;
  return {
    ...interval(observed * scale, limits.lower * scale, limits.upper * scale, confidence, limits.method),
    observed,
    expected,
  };
}

/** An indirectly standardised ratio from band-level local counts and reference rates. */
export function isr(groups: readonly IsrGroup[], options: IsrOptions): IsrEstimate {
  if (groups.length === 0) throw new RangeError('isr needs at least one group');
  let observed = 0;
  for (const { count } of groups) {
    assertCount('count', count);
    observed += count;
  }
  return isrFromTotals(observed, expectedCount(groups), options);
}
