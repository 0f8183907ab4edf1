// Funnel plot control limits at 95% (≈2σ) and 99.8% (≈3σ), as in PHEindicatormethods
// calculate_funnel_limits and the Fingertips "funnel plot" methods (Spiegelhalter, Stat Med 2005).
// - Proportions: the observed proportion at which the area's Wilson interval just touches the target.
//   Because Wilson inverts the score test, that is exactly target ± z·√(target(1 − target)/n), which
//   is what PHE's sigma_adjustment solves for.
// - Rates and ratios: the observed count at which the area's exact Poisson interval just touches the
//   expected count (PHE's poisson_funnel), found here by bisection on the incomplete gamma function.

import { gammaP } from './distributions.ts';
import { assertPositiveFinite, type Confidence, CONFIDENCE_LEVELS, confidenceLevel, zFor } from './types.ts';

export type FunnelLimits = {
  /** The denominator (population, or expected count for ratios) the limits are for. */
  readonly denominator: number;
  readonly target: number;
  readonly lower95: number;
  readonly upper95: number;
  readonly lower998: number;
  readonly upper998: number;
};

function limitsFrom(
  denominator: number,
  target: number,
  at: (confidence: Confidence) => { lower: number; upper: number },
): FunnelLimits {
  const [c95, c998] = CONFIDENCE_LEVELS;
  const l95 = at(c95);
  const l998 = at(c998);
  return { denominator, target, lower95: l95.lower, upper95: l95.upper, lower998: l998.lower, upper998: l998.upper };
}

/** Control limits for a proportion (fraction) around target at denominator n. */
export function proportionFunnelLimits(target: number, denominator: number): FunnelLimits {
  if (!(target >= 0 && target <= 1)) throw new RangeError(`target proportion must be in [0, 1], got ${target}`);
  assertPositiveFinite('denominator', denominator);
  return limitsFrom(denominator, target, (confidence) => {
    const half = zFor(confidence) * Math.sqrt((target * (1 - target)) / denominator);
    return { lower: Math.max(0, target - half), upper: Math.min(1, target + half) };
  });
}

// Increasing-in-x bisection to a relative tolerance; f(lo) < 0 <= f(hi).
function solve(f: (x: number) => number, lo: number, hi: number): number {
  let low = lo;
  let high = hi;
  for (let i = 0; i < 200 && high - low > 1e-13 * high; i++) {
    const mid = 0.5 * (low + high);
    if (f(mid) < 0) low = mid;
    else high = mid;
  }
  return 0.5 * (low + high);
}

/**
 * Control limits for an observed count whose expected value is `expected`: the counts whose exact
 * Poisson interval has its upper (for the lower limit) or lower (for the upper limit) end at `expected`.
 */
export function poissonCountLimits(expected: number, level: Confidence): { lower: number; upper: number } {
  const confidence = confidenceLevel(level);
  assertPositiveFinite('expected', expected);
  const tail = (1 - confidence) / 2;
  const span = expected + 40 * Math.sqrt(expected) + 40;
  // Upper exact limit of O is the gamma(O + 1) quantile at 1 − tail: equal to expected when
  // P(O + 1, expected) = 1 − tail. P falls as O rises.
  const lower = gammaP(1, expected) <= 1 - tail ? 0 : solve((o) => 1 - tail - gammaP(o + 1, expected), 0, span);
  // Lower exact limit of O is the gamma(O) quantile at tail: P(O, expected) = tail.
  const upper = solve((o) => tail - gammaP(o, expected), Number.MIN_VALUE, span);
  return { lower, upper };
}

export type RateFunnelOptions = { readonly multiplier: number };

/** Control limits for a crude rate (per multiplier) around target at population `denominator`. */
export function rateFunnelLimits(target: number, denominator: number, options: RateFunnelOptions): FunnelLimits {
  const { multiplier } = options;
  assertPositiveFinite('multiplier', multiplier);
  assertPositiveFinite('denominator', denominator);
  if (!(target >= 0) || !Number.isFinite(target)) throw new RangeError(`target rate must be >= 0, got ${target}`);
  const expected = (target * denominator) / multiplier;
  return limitsFrom(denominator, target, (confidence) => {
    if (expected === 0) return { lower: 0, upper: 0 };
    const counts = poissonCountLimits(expected, confidence);
    return { lower: (counts.lower / denominator) * multiplier, upper: (counts.upper / denominator) * multiplier };
  });
}

/** Control limits for an indirectly standardised ratio (target 1 × multiplier) at `expected` events. */
export function ratioFunnelLimits(expected: number, options: RateFunnelOptions): FunnelLimits {
  const { multiplier } = options;
  assertPositiveFinite('multiplier', multiplier);
  return limitsFrom(expected, multiplier, (confidence) => {
    const counts = poissonCountLimits(expected, confidence);
    return { lower: (counts.lower / expected) * multiplier, upper: (counts.upper / expected) * multiplier };
  });
}

/**
 * Denominators at which to draw the funnel lines: `points` values spaced geometrically from
 * max(1, min) to max, as PHE's calculate_funnel_limits does, so the curve is smooth where it bends.
 */
export function funnelDenominators(min: number, max: number, points = 100): number[] {
  const from = Math.max(1, min);
  if (!(max > from) || !Number.isFinite(max)) throw new RangeError(`max (${max}) must be finite and > max(1, min)`);
  if (!Number.isInteger(points) || points < 2)
    throw new RangeError(`points must be a whole number >= 2, got ${points}`);
  const ratio = (max / from) ** (1 / (points - 1));
  return Array.from({ length: points }, (_, i) => (i === points - 1 ? max : from * ratio ** i));
}
