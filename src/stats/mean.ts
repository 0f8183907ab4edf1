// Means with Student t intervals: mean ± t(1 − α/2, n − 1) × s/√n.
// APHO "Technical Guide: Confidence Intervals" (2008); PHEindicatormethods::phe_mean.

import { tQuantile } from './distributions.ts';
import {
  confidenceLevel,
  type Confidence,
  type Estimate,
  interval,
  Method,
  SuppressionReason,
  suppressed,
} from './types.ts';

export type MeanOptions = { readonly confidence: Confidence };

export type MeanSummary = {
  readonly count: number;
  readonly mean: number;
  /** Sample standard deviation (n − 1 divisor). */
  readonly standardDeviation: number;
};

/** Mean with a t-based interval from summary statistics. Needs at least 2 values. */
export function meanFromSummary(summary: MeanSummary, options: MeanOptions): Estimate {
  const { count, mean, standardDeviation } = summary;
  const confidence = confidenceLevel(options.confidence);
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a whole number >= 0, got ${count}`);
  if (!Number.isFinite(mean)) throw new RangeError(`mean must be finite, got ${mean}`);
  if (!Number.isFinite(standardDeviation) || standardDeviation < 0) {
    throw new RangeError(`standardDeviation must be finite and >= 0, got ${standardDeviation}`);
  }
  if (count < 2) {
    return suppressed(SuppressionReason.tooFewValues, confidence, 'A mean needs at least 2 values for an interval');
  }
  const halfWidth = (tQuantile(1 - (1 - confidence) / 2, count - 1) * standardDeviation) / Math.sqrt(count);
  return interval(mean, mean - halfWidth, mean + halfWidth, confidence, Method.studentT);
}

/** Mean of the values with a t-based interval. */
export function mean(values: readonly number[], options: MeanOptions): Estimate {
  for (const v of values) if (!Number.isFinite(v)) throw new RangeError(`values must be finite, got ${v}`);
  const count = values.length;
  if (count < 2) return meanFromSummary({ count, mean: values[0] ?? 0, standardDeviation: 0 }, options);
  // Two-pass sums: the mean first, then squared deviations, to avoid cancellation.
  const m = values.reduce((sum, v) => sum + v, 0) / count;
  const ss = values.reduce((sum, v) => sum + (v - m) ** 2, 0);
  return meanFromSummary({ count, mean: m, standardDeviation: Math.sqrt(ss / (count - 1)) }, options);
}
