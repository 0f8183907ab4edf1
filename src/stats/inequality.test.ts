import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { relativeRanks, slopeIndexOfInequality, standardErrorFromInterval } from './inequality.ts';
import { normalQuantile } from './distributions.ts';
import { assertClose } from './test-helpers.ts';

describe('slope and relative index of inequality', () => {
  // Five equal quintiles, most deprived first, value = 5 + 50x exactly, every standard error 1.
  // Ranks are 0.1 … 0.9; WLS weights cᵢ = 2.5(xᵢ − 0.5) = −1, −0.5, 0, 0.5, 1, so Var(SII) = Σcᵢ² = 2.5.
  const quintiles = [10, 20, 30, 40, 50].map((value) => ({ population: 1000, value, standardError: 1 }));

  it('hand-checkable quintile example: SII 50, RII 55/5 = 11', () => {
    const z = normalQuantile(0.975);
    const result = slopeIndexOfInequality(quintiles, { confidence: 0.95 });
    assert.equal(result.suppressed, false);
    assertClose(result.value, 50, 1e-12, 'SII');
    assertClose(result.lower, 50 - z * Math.sqrt(2.5), 1e-12, 'lower');
    assertClose(result.upper, 50 + z * Math.sqrt(2.5), 1e-12, 'upper');
    assertClose(result.suppressed === false ? result.fittedMostDeprived : null, 5, 1e-12, 'Y0');
    assertClose(result.rii.value, 11, 1e-12, 'RII');
    // Delta method on log RII: Var(Y0) = Var(Y1) = 0.825, Cov = −0.425 (worked by hand).
    const logSd = Math.sqrt(0.825 / 55 ** 2 + 0.825 / 5 ** 2 + (2 * 0.425) / (5 * 55));
    assertClose(result.rii.lower, 11 * Math.exp(-z * logSd), 1e-12, 'RII lower');
    assertClose(result.rii.upper, 11 * Math.exp(z * logSd), 1e-12, 'RII upper');
  });

  it('relative ranks are cumulative-population midpoints', () => {
    assert.deepEqual(
      relativeRanks([12, 10, 78]).map((x) => Math.round(x * 1e12) / 1e12),
      [0.06, 0.17, 0.61],
    );
  });

  it('matches the regression PHE fits (y√a on √a and x√a) on its own decile example', () => {
    // phe_sii documentation example, Area1; expected values from an independent least-squares fit.
    const population = [7291, 7997, 6105, 7666, 5790, 6934, 5918, 5974, 7147, 7534];
    const value = [75.9, 78.3, 83.8, 83.6, 80.5, 81.1, 81.7, 84.2, 80.6, 86.3];
    const se = [1.64, 1.58, 1.51, 1.78, 1.7, 1.56, 1.37, 1.4, 2.43, 1.57];
    const groups = population.map((p, i) => ({ population: p, value: value[i], standardError: se[i] }));
    const result = slopeIndexOfInequality(groups, { confidence: 0.95 });
    assertClose(result.value, 7.00023476, 1e-8, 'SII');
    assertClose(result.rii.value, 1.0897097049119417, 1e-9, 'RII');
    // PHE's 100,000-draw simulation gives about 3.17 to 10.85; the analytic limits are its limit.
    assertClose(result.lower, 3.153428895451977, 1e-9, 'lower');
    assertClose(result.upper, 10.847040624707862, 1e-9, 'upper');
  });

  it('is negative when values fall towards the least deprived, and scales by the multiplier', () => {
    const falling = [0.5, 0.4, 0.3, 0.2, 0.1].map((value) => ({ population: 50, value, standardError: 0.01 }));
    const result = slopeIndexOfInequality(falling, { confidence: 0.998, multiplier: 100 });
    assertClose(result.value, -50, 1e-12, 'SII in percentage points');
    assert.ok(result.upper !== null && result.upper < 0);
  });

  it('suppresses too few quantiles, empty quantiles and a non-positive fitted line for RII', () => {
    assert.equal(slopeIndexOfInequality(quintiles.slice(0, 4), { confidence: 0.95 }).suppressed, 'too-few-groups');
    const empty = quintiles.map((g, i) => (i === 2 ? { ...g, population: 0 } : g));
    assert.equal(slopeIndexOfInequality(empty, { confidence: 0.95 }).suppressed, 'zero-population');
    const crossing = [-20, -10, 0, 10, 20].map((value) => ({ population: 10, value, standardError: 1 }));
    const result = slopeIndexOfInequality(crossing, { confidence: 0.95 });
    assert.equal(result.suppressed, false);
    assert.equal(result.rii.suppressed, 'non-positive-fitted-value');
  });

  it('derives a standard error from a 95% interval as PHE does', () => {
    assertClose(standardErrorFromInterval(8, 12), 2 / normalQuantile(0.975), 1e-15, 'se');
    assert.throws(() => standardErrorFromInterval(12, 8), RangeError);
  });

  it('throws a RangeError for programmer errors', () => {
    const bad = quintiles.map((g, i) => (i === 0 ? { ...g, standardError: -1 } : g));
    assert.throws(() => slopeIndexOfInequality(bad, { confidence: 0.95 }), RangeError);
    assert.throws(() => slopeIndexOfInequality(quintiles, { confidence: 0.95, multiplier: 0 }), RangeError);
  });
});
