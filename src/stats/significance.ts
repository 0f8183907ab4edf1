// Significance of an area against a benchmark, as Fingertips shows it: the area's confidence
// interval (95% or 99.8%) is compared with the benchmark value; if the interval excludes it the
// area is significantly higher or lower, which polarity turns into better or worse
// (Fingertips technical guidance, fingertips.phe.org.uk/profile/guidance; APHO "Technical Guide:
// Confidence Intervals" (2008)). An interval that merely touches the benchmark counts as similar.

import type { FunnelLimits } from './funnel.ts';
import { type Confidence, CONFIDENCE_LEVELS, type Estimate } from './types.ts';

export const Polarity = {
  higherIsBetter: 'higher-is-better',
  lowerIsBetter: 'lower-is-better',
  /** No direction is better (e.g. a population share): report higher / similar / lower. */
  noJudgement: 'no-judgement',
} as const;
export type Polarity = (typeof Polarity)[keyof typeof Polarity];

export const Comparison = {
  better: 'better',
  similar: 'similar',
  worse: 'worse',
  higher: 'higher',
  lower: 'lower',
  /** The area's value or the benchmark was suppressed or missing. */
  notCompared: 'not-compared',
} as const;
export type Comparison = (typeof Comparison)[keyof typeof Comparison];

function judge(direction: 'higher' | 'lower' | 'similar', polarity: Polarity): Comparison {
  if (direction === 'similar') return Comparison.similar;
  if (polarity === Polarity.noJudgement) return direction;
  if (polarity !== Polarity.higherIsBetter && polarity !== Polarity.lowerIsBetter) {
    throw new RangeError(`unknown polarity ${String(polarity)}`);
  }
  const good = (direction === 'higher') === (polarity === Polarity.higherIsBetter);
  return good ? Comparison.better : Comparison.worse;
}

/** Compares an area's interval with a benchmark value (e.g. the NCL or England value). */
export function compareWithBenchmark(
  estimate: Estimate,
  benchmark: number | null | undefined,
  polarity: Polarity,
): Comparison {
  if (estimate.suppressed !== false) return Comparison.notCompared;
  if (benchmark === null || benchmark === undefined || !Number.isFinite(benchmark)) return Comparison.notCompared;
  if (estimate.lower > benchmark) return judge('higher', polarity);
  if (estimate.upper < benchmark) return judge('lower', polarity);
  return judge('similar', polarity);
}

export type Significance = { readonly at95: Comparison; readonly at998: Comparison };

/**
 * Compares at both Fingertips levels. `estimateAt` computes the area's interval for a confidence
 * level, e.g. `(confidence) => proportion(k, n, { confidence })`.
 */
export function significance(
  estimateAt: (confidence: Confidence) => Estimate,
  benchmark: number | null | undefined,
  polarity: Polarity,
): Significance {
  const [c95, c998] = CONFIDENCE_LEVELS;
  return {
    at95: compareWithBenchmark(estimateAt(c95), benchmark, polarity),
    at998: compareWithBenchmark(estimateAt(c998), benchmark, polarity),
  };
}

/** Where a value lies against funnel limits: outside the 99.8% limits is also outside the 95% ones. */
export function compareWithFunnel(value: number | null, limits: FunnelLimits, polarity: Polarity): Significance {
  if (value === null || !Number.isFinite(value)) {
    return { at95: Comparison.notCompared, at998: Comparison.notCompared };
  }
  const position = (lower: number, upper: number) =>
    judge(value > upper ? 'higher' : value < lower ? 'lower' : 'similar', polarity);
  return { at95: position(limits.lower95, limits.upper95), at998: position(limits.lower998, limits.upper998) };
}
