// Shared result shapes. A normal result always has numeric value/lower/upper; a data condition
// (zero denominator, too small a count, …) gives a suppressed result with a reason, never NaN.

import { normalQuantile } from './distributions.ts';

/** The two confidence levels used by Fingertips: 95% (≈2σ) and 99.8% (≈3σ). */
export const CONFIDENCE_LEVELS = [0.95, 0.998] as const;
export type Confidence = (typeof CONFIDENCE_LEVELS)[number];

export const Method = {
  wilson: 'wilson',
  byar: 'byar',
  exactPoisson: 'exact-poisson',
  dobson: 'dobson',
  studentT: 'student-t',
  weightedLeastSquares: 'weighted-least-squares',
  deltaMethod: 'delta-method',
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

/** Throws for anything but 0.95 or 0.998: a programmer error, not a data condition. */
export function assertConfidence(confidence: unknown): asserts confidence is Confidence {
  if (confidence !== 0.95 && confidence !== 0.998) {
    throw new RangeError(`confidence must be 0.95 or 0.998, got ${String(confidence)}`);
  }
}

const Z = { 0.95: normalQuantile(0.975), 0.998: normalQuantile(0.999) } as const;

/** Two-sided standard normal deviate for the confidence level (1.959964…, 3.090232…). */
export function zFor(confidence: Confidence): number {
  assertConfidence(confidence);
  return Z[confidence];
}

export function assertCount(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a finite number >= 0, got ${value}`);
}

export function assertPositiveFinite(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a finite number > 0, got ${value}`);
}
