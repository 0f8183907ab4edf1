// Directly standardised rates with Dobson's method: the DSR's limits are those of the total count
// (Byar's, as in PHEindicatormethods::phe_dsr / calculate_dsr) rescaled by the DSR's standard error.
// Dobson AJ et al., Stat Med 1991;10:457–62; APHO "Technical Guide: Confidence Intervals" (2008)
// Events that are not independent (one person, several events): calculate_dsr(independent_events =
// FALSE), PHEindicatormethods 2.1.0.
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
  /** Events in the band; with independentEvents: false, the persons who had eventFrequency events. */
  readonly count: number;
  readonly population: number;
  /** Standard population weight for the band, e.g. from ESP2013_WEIGHTS. */
  readonly standardPopulation: number;
  /** The age band (any label); needed with independentEvents: false. */
  readonly ageBand?: string;
  /** How many events each of the `count` persons had; needed with independentEvents: false. */
  readonly eventFrequency?: number;
};

export type DsrOptions = {
  readonly confidence: Confidence;
  /** DSR per this many, e.g. 100000. */
  readonly multiplier: number;
  /**
   * false when one person can have more than one event (calculate_dsr's independent_events): each
   * group is then the persons in an age band with a given number of events, and the interval uses
   * the variance from persons by event frequency, Σ f² · var(DSR of persons with f events).
   */
  readonly independentEvents?: boolean;
};

/** Persons by event frequency → events per age band and the non-independent variance (phe 2.1.0). */
function nonIndependent(groups: readonly DsrGroup[]): { bands: DsrGroup[]; variance: number } {
  const bands = new Map<string, { count: number; population: number; standardPopulation: number }>();
  const byFrequency = new Map<number, { sumSquares: number; sumWeights: number }>();
  for (const g of groups) {
    const { ageBand, eventFrequency: f } = g;
    if (ageBand === undefined) throw new RangeError('with independentEvents: false every group needs an ageBand');
    if (f === undefined || !Number.isFinite(f) || f <= 0) {
      throw new RangeError(`with independentEvents: false every group needs an eventFrequency > 0, got ${f}`);
    }
    const band = bands.get(ageBand);
    if (band && (band.population !== g.population || band.standardPopulation !== g.standardPopulation)) {
      throw new RangeError(`age band ${ageBand} has different populations or standard populations across frequencies`);
    }
    bands.set(ageBand, {
      count: (band?.count ?? 0) + f * g.count,
      population: g.population,
      standardPopulation: g.standardPopulation,
    });
    const sums = byFrequency.get(f) ?? { sumSquares: 0, sumWeights: 0 };
    if (g.population > 0) sums.sumSquares += g.count * (g.standardPopulation / g.population) ** 2;
    sums.sumWeights += g.standardPopulation;
    byFrequency.set(f, sums);
  }
  let variance = 0;
  for (const [f, { sumSquares, sumWeights }] of byFrequency) {
    if (sumWeights > 0) variance += f * f * (sumSquares / sumWeights ** 2);
  }
  return { bands: [...bands.values()], variance };
}

/** DSRs are suppressed below this total count (PHE rule). */
export const DSR_MINIMUM_COUNT = 10;

/** A directly standardised rate with Dobson confidence limits. */
export function dsr(groups: readonly DsrGroup[], options: DsrOptions): Estimate {
  const { multiplier } = options;
  const confidence = confidenceLevel(options.confidence);
  assertPositiveFinite('multiplier', multiplier);
  if (groups.length === 0) throw new RangeError('dsr needs at least one age group');
  for (const { count, population, standardPopulation } of groups) {
    assertCount('count', count);
    assertCount('population', population);
    assertCount('standardPopulation', standardPopulation);
  }
  const independent = options.independentEvents ?? true;
  const events = independent ? null : nonIndependent(groups);
  const bands = events ? events.bands : groups;
  let totalCount = 0;
  let totalWeight = 0;
  let weightedRates = 0;
  let weightedVariance = 0;
  let anyZeroPopulation = false;
  for (const { count, population, standardPopulation } of bands) {
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
  const variance = events ? events.variance : weightedVariance / (totalWeight * totalWeight);
  const scale = Math.sqrt(variance / totalCount) * multiplier;
  const limits = byarLimits(totalCount, confidence);
  return interval(
    value,
    value + scale * (limits.lower - totalCount),
    value + scale * (limits.upper - totalCount),
    confidence,
    independent ? Method.dobson : Method.dobsonNonIndependent,
  );
}
