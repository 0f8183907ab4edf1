// Directly standardised rates with Dobson's method: the DSR's limits are those of the total count
// (Byar's, as in PHEindicatormethods::phe_dsr / calculate_dsr) rescaled by the DSR's standard error.
// Dobson AJ et al., Stat Med 1991;10:457–62; APHO "Technical Guide: Confidence Intervals" (2008)
// Fingertips and phe_dsr do not publish a DSR when the total count is below 10 (too unstable).

import { byarLimits } from './rate.ts';
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
} from './types.ts';

export type DsrGroup = {
  readonly count: number;
  readonly population: number;
  /** Standard population weight for the band, e.g. from ESP2013_WEIGHTS. */
  readonly standardPopulation: number;
};

export type DsrOptions = {
  readonly confidence: Confidence;
  /** DSR per this many, e.g. 100000. */
  readonly multiplier: number;
};

/** DSRs are suppressed below this total count (PHE rule). */
export const DSR_MINIMUM_COUNT = 10;

/** A directly standardised rate with Dobson confidence limits. */
export function dsr(groups: readonly DsrGroup[], options: DsrOptions): Estimate {
  const { multiplier } = options;
  const confidence = confidenceLevel(options.confidence);
  assertPositiveFinite('multiplier', multiplier);
  if (groups.length === 0) throw new RangeError('dsr needs at least one age group');
  let totalCount = 0;
  let totalWeight = 0;
  let weightedRates = 0;
  let weightedVariance = 0;
  let anyZeroPopulation = false;
  for (const { count, population, standardPopulation } of groups) {
    assertCount('count', count);
    assertCount('population', population);
    assertCount('standardPopulation', standardPopulation);
    totalCount += count;
    totalWeight += standardPopulation;
    if (population === 0) {
      anyZeroPopulation = true;
      continue;
    }
    const w = standardPopulation / population;
    weightedRates += count * w;
    weightedVariance += count * w * w;
  }
  if (totalWeight === 0) throw new RangeError('dsr needs standard population weights that are not all zero');
  if (anyZeroPopulation) {
    // The band's rate is unknown, so no honest standardised rate can be formed.
    return suppressed(SuppressionReason.zeroDenominator, confidence, 'An age band has no population');
  }
  if (totalCount < DSR_MINIMUM_COUNT) {
    return suppressed(SuppressionReason.smallCount, confidence, `Fewer than ${DSR_MINIMUM_COUNT} events in total`);
  }
  const value = (weightedRates / totalWeight) * multiplier;
  const variance = weightedVariance / (totalWeight * totalWeight);
  const scale = Math.sqrt(variance / totalCount) * multiplier;
  const limits = byarLimits(totalCount, confidence);
  return interval(
    value,
    value + scale * (limits.lower - totalCount),
    value + scale * (limits.upper - totalCount),
    confidence,
    Method.dobson,
  );
}
