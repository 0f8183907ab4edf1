// Public health statistics for Core Offer indicators: pure functions, no I/O.
//
//   import { proportion, rate, dsr, ESP2013_WEIGHTS, compareWithBenchmark, Polarity } from './stats/index.ts';
//
//   const p = proportion(593, 6338, { confidence: 0.95 });       // Wilson: { value: 0.0936, lower, upper, … }
//   const r = rate(2037, 607173, { multiplier: 100000, confidence: 0.998 }); // Byar (exact below 10)
//   const d = dsr(bands.map((b, i) => ({ count: b.deaths, population: b.pop, standardPopulation: ESP2013_WEIGHTS[i] })),
//     { multiplier: 100000, confidence: 0.95 });                // Dobson
//   if (p.suppressed === false) console.log(p.value, p.lower, p.upper);
//   else console.log(p.suppressed, p.message);                   // e.g. 'zero-denominator'
//   compareWithBenchmark(p, 0.11, Polarity.higherIsBetter);      // 'better' | 'similar' | 'worse' | …
//
// Data conditions (zero denominators, small counts) give { value: null, suppressed: reason };
// programmer errors (negative counts, numerator > denominator, a confidence level outside 0.9–1 or
// 90–100) throw RangeError. Any level the package accepts works: 0.9, 95 (meaning 0.95), 0.999.
// Also: dsr(..., { independentEvents: false }), slopeIndexOfInequality(..., { valueType, transform,
// repetitions, seed }), lifeExpectancy(bands, { confidence }), assignQuantiles(values, { quantiles }).
// Methods and sources: docs/decisions/0007-statistics-methods.md.

export {
  betaInc,
  betaQuantile,
  chiSquareQuantile,
  exactPoissonLimits,
  gammaP,
  gammaQ,
  gammaQuantile,
  lnGamma,
  normalCdf,
  normalQuantile,
  tCdf,
  tQuantile,
} from './distributions.ts';
export { DSR_MINIMUM_COUNT, type DsrGroup, type DsrOptions, dsr } from './dsr.ts';
export { ESP2013, ESP2013_BANDS, ESP2013_WEIGHTS, type Esp2013Band } from './esp2013.ts';
export {
  type FunnelLimits,
  funnelDenominators,
  poissonCountLimits,
  proportionFunnelLimits,
  type RateFunnelOptions,
  rateFunnelLimits,
  ratioFunnelLimits,
} from './funnel.ts';
export {
  type InequalityGroup,
  relativeRanks,
  SII_DEFAULT_REPETITIONS,
  SII_MAXIMUM_GROUPS,
  SII_MINIMUM_GROUPS,
  SII_MINIMUM_REPETITIONS,
  type SiiEstimate,
  type SiiOptions,
  SiiValueType,
  slopeIndexOfInequality,
  slopeIndexOfInequality as sii,
  standardErrorFromInterval,
} from './inequality.ts';
export { expectedCount, type IsrEstimate, type IsrGroup, type IsrOptions, isr, isrFromTotals } from './isr.ts';
export { DEFAULT_SEED, type Random, seededRandom } from './random.ts';
export {
  LIFE_EXPECTANCY_MAXIMUM_INTERVAL,
  LIFE_EXPECTANCY_MINIMUM_POPULATION,
  LIFE_TABLE_START_AGES,
  type LifeExpectancyEstimate,
  type LifeExpectancyOptions,
  type LifeTableBand,
  lifeExpectancy,
} from './life-expectancy.ts';
export { assignQuantiles, type QuantileOptions } from './quantiles.ts';
export { type MeanOptions, type MeanSummary, mean, meanFromSummary } from './mean.ts';
export { type ProportionOptions, proportion, wilsonLimits } from './proportion.ts';
export { BYAR_MINIMUM_COUNT, byarLimits, poissonLimits, type RateOptions, rate } from './rate.ts';
export {
  Comparison,
  compareWithBenchmark,
  compareWithFunnel,
  Polarity,
  type Significance,
  significance,
} from './significance.ts';
export {
  CONFIDENCE_LEVELS,
  type Confidence,
  confidenceLevel,
  type Estimate,
  type Interval,
  isSuppressed,
  Method,
  type Suppressed,
  SuppressionReason,
  suppressed,
  zFor,
} from './types.ts';
