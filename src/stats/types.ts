// Shared result shapes. A normal result always has numeric value/lower/upper; a data condition
// (zero denominator, too small a count, …) gives a suppressed result with a reason, never NaN.

import { normalQuantile } from './distributions.ts';

/** The two confidence levels Fingertips publishes: 95% (≈2σ) and 99.8% (≈3σ); funnels and significance use them. */
export const CONFIDENCE_LEVELS = [0.95, 0.998] as const;
/**
 * A confidence level, as PHEindicatormethods takes it: a fraction from 0.9 up to (not including) 1,
 * or the same as a percentage from 90 up to 100 (95 means 0.95). Results always carry the fraction.
 */
export type Confidence = number;

export const Method = {
  wilson: 'wilson',
  byar: 'byar',
  exactPoisson: 'exact-poisson',
  dobson: 'dobson',
  dobsonNonIndependent: 'dobson-non-independent',
  studentT: 'student-t',
  weightedLeastSquares: 'weighted-least-squares',
  deltaMethod: 'delta-method',
  simulation: 'simulation',
  chiang: 'chiang',
} as const;
export type Method = (typeof Method)[keyof typeof Method];

export const SuppressionReason = {
  zeroDenominator: 'zero-denominator',
  smallCount: 'small-count',
  zeroExpected: 'zero-expected',
  tooFewValues: 'too-few-values',
  tooFewGroups: 'too-few-groups',
  zeroPopulation: 'zero-population',
  nonPositiveFittedValue: 'non-positive-fitted-value',
  valueAtLimit: 'value-at-limit',
  tooFewBands: 'too-few-bands',
  countAbovePopulation: 'count-above-population',
  smallPopulation: 'small-population',
  wideInterval: 'wide-interval',
} as const;
export type SuppressionReason = (typeof SuppressionReason)[keyof typeof SuppressionReason];

export type Interval = {
  readonly value: number;
  readonly lower: number;
  readonly upper: number;
  readonly confidence: Confidence;
  readonly method: Method;
  readonly suppressed: false;
};

export type Suppressed = {
  readonly value: null;
  readonly lower: null;
  readonly upper: null;
  readonly confidence: Confidence;
  readonly suppressed: SuppressionReason;
  /** Plain-English reason, fit to show beside the suppressed cell. */
  readonly message: string;
};

/** Result of every interval method: narrow with `if (r.suppressed === false)` or `r.value !== null`. */
export type Estimate = Interval | Suppressed;

export function suppressed(reason: SuppressionReason, confidence: Confidence, message: string): Suppressed {
  return { value: null, lower: null, upper: null, confidence, suppressed: reason, message };
}

export function interval(
  value: number,
  lower: number,
  upper: number,
  confidence: Confidence,
  method: Method,
): Interval {
  return { value, lower, upper, confidence, method, suppressed: false };
}

export function isSuppressed(estimate: Estimate): estimate is Suppressed {
  return estimate.suppressed !== false;
}

/**
 * The confidence level as a fraction: 0.9 ≤ c < 1 is kept, 90 ≤ c < 100 is divided by 100 (the
 * package's rule). Anything else throws RangeError: a programmer error, not a data condition.
 * 100% (which the package allows for Wilson only, giving 0 to 1) is refused: its z is infinite.
 */
export function confidenceLevel(confidence: unknown): number {
  if (typeof confidence === 'number' && Number.isFinite(confidence)) {
    const fraction = confidence >= 90 ? confidence / 100 : confidence;
    if (fraction >= 0.9 && fraction < 1) return fraction;
  }
  throw new RangeError(
    `confidence must be between 0.9 and 1 (or 90 and 100 as a percentage), not 1 or 100; got ${String(confidence)}`,
  );
}

/** Throws unless the level is one confidenceLevel accepts. */
export function assertConfidence(confidence: unknown): asserts confidence is Confidence {
  confidenceLevel(confidence);
}

const Z = new Map<number, number>();

/** Two-sided standard normal deviate for the confidence level (1.959964… at 95%, 3.090232… at 99.8%). */
export function zFor(confidence: Confidence): number {
  const level = confidenceLevel(confidence);
  let z = Z.get(level);
  if (z === undefined) {
    z = normalQuantile(1 - (1 - level) / 2);
    if (Z.size < 1000) Z.set(level, z);
  }
  return z;
}

export function assertCount(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a finite number >= 0, got ${value}`);
}

export function assertPositiveFinite(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a finite number > 0, got ${value}`);
}
